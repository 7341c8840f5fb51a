"""The opinion flow end to end (driven directly; HTTP and the real worker are in other modules)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from opinions import documents, selectors, services
from opinions.flows import OpinionFlow
from opinions.models import Opinion, OpinionCaseKind, PlanItem
from workflows.models import Case, CaseEvent, Document

from tests import flowkit as fk
from tests.workflows.factories import UserFactory
from .conftest import request_data

pytestmark = pytest.mark.django_db


def test_31_request_goes_to_planners_and_ends_with_a_numbered_docx(
    catalogues, kk_plan, django_capture_on_commit_callbacks, docx_text
):
    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    opinion = fk.opinion_of(process)
    case = opinion.case
    assert case.kind == OpinionCaseKind.OPINION and case.file_mark
    assert opinion.status == Opinion.Status.DRAFTING and not opinion.too_late
    assert case.deadline == opinion.draft_deadline < opinion.case_deadline

    task = fk.open_task(process)
    assert task.flow_task == OpinionFlow.draft
    # routing: the planners' queue, not the Roma coordinator's
    assert task.flow_task.can_assign(users["planovac"], task)
    assert not task.flow_task.can_assign(users["koordinator"], task)
    assert not task.flow_task.can_assign(users["ctenar"], task)

    opinion = fk.draft(process, users["planovac"])
    assert opinion.status == Opinion.Status.WAITING and opinion.drafter == users["planovac"]
    case.refresh_from_db()
    assert case.state == Case.State.WAITING and case.deadline == opinion.case_deadline
    chosen = list(opinion.activity_links.select_related("item"))
    assert chosen and "shodné s" in chosen[0].reason

    opinion = fk.approve(process, users["vedouci"])
    assert opinion.status == Opinion.Status.APPROVED and opinion.snapshot["activities"]
    with django_capture_on_commit_callbacks(execute=True):
        assert fk.run_render_job(process) == "done"
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.ISSUED and opinion.notified_at
    assert len(mail.outbox) == 1 and opinion.document.reference_number in mail.outbox[0].subject
    assert mail.outbox[0].to == ["projekt@example.invalid"]
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.deadline is None

    doc = Document.objects.get(case=case, kind="opinion")
    text = docx_text(doc)
    assert "Vyjádření k podpoře projektu a návaznost na střednědobé plány rozvoje sociálních služeb kraje" in text
    for heading in ("1. Soulad se střednědobým plánem", "2. Potřebnost realizace projektu v kraji",
                    "3. Hodnocení dosavadní činnosti předkladatele", "4. Financování z individuálního projektu kraje"):
        assert heading in text
    assert "Naše č. j." in text and doc.reference_number in text
    assert chosen[0].item.number in text and chosen[0].item.name in text
    assert "Eva Chaloupková" in text and "vedoucí odboru sociálních věcí" in text
    assert f"Schváleno dne {timezone.localdate():%-d. %-m. %Y}".replace(" 0", " ") in text
    assert "Pečovatelská služba Sokolov, p.o., IČO 70832749, Sokolovská 1, 356 01 Sokolov" in text  # the seat
    assert "poučení" not in text.lower()
    # statement 1 names the plan in sentence case and cites plan activities, never the region's IPs
    assert ("Plán kraje: Plán práce na období 2011 – 2012 ke Střednědobému plánu rozvoje sociálních služeb "
            "v Karlovarském kraji na období 2009 – 2013") in text
    assert "PLÁN PRÁCE" not in text and "Individuální projekt" not in text
    assert f"– Aktivita {chosen[0].item.number} {chosen[0].item.name}" in text


def test_32_request_goes_to_the_roma_coordinator_only(catalogues, kk_plan):
    users = catalogues["users"]
    data = request_data(catalogues, call=catalogues["call30"], area="3.2", service_types=["69"],
                        target_groups=["OSV"], project_title="Terénní práce v sociálně vyloučených lokalitách")
    process = fk.opinion_request_start(actor=users["koordinator"], **data)
    task = fk.open_task(process)
    assert task.flow_task == OpinionFlow.draft_roma
    assert task.flow_task.can_assign(users["koordinator"], task)
    assert not task.flow_task.can_assign(users["planovac"], task)
    opinion = fk.draft(process, users["koordinator"], node=OpinionFlow.draft_roma)
    assert opinion.drafter == users["koordinator"]
    opinion = fk.approve(process, users["zastupce"])  # the deputy approves in the head's stead
    assert opinion.status == Opinion.Status.APPROVED and opinion.approver == users["zastupce"]
    assert "zástupce" in opinion.approver_function


def test_return_goes_back_to_the_same_drafter_with_comments_in_history(catalogues, kk_plan):
    users = catalogues["users"]
    planner2 = UserFactory(username="planovac2", first_name="Olga", last_name="Malá",
                           groups=[g.name for g in users["planovac"].groups.all()])
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    fk.draft(process, users["planovac"], s2_text="Krátce.")
    opinion = fk.return_(process, users["vedouci"], "Doplňte prosím potřebnost podle katalogu služeb okresu Sokolov.")
    assert opinion.status == Opinion.Status.RETURNED
    assert opinion.return_comments.get().comment.startswith("Doplňte")
    assert CaseEvent.objects.filter(case=opinion.case, summary__contains="Doplňte prosím potřebnost").exists()

    task = fk.open_task(process)
    assert task.flow_task == OpinionFlow.draft
    assert task.owner == users["planovac"]  # assigned straight back to her
    assert not task.flow_task.can_execute(planner2, task)
    opinion = fk.draft(process, users["planovac"], s2_text="Podle katalogu služeb okresu Sokolov chybí 12 míst.")
    assert opinion.status == Opinion.Status.WAITING
    opinion = fk.approve(process, users["vedouci"])
    assert opinion.snapshot["statements"]["s2_text"].startswith("Podle katalogu")
    assert opinion.case.events.filter(action="state", summary__startswith="Vráceno").count() == 1


def test_four_eyes_the_drafter_never_approves_her_own_opinion(catalogues, kk_plan):
    users = catalogues["users"]
    head = users["vedouci"]
    head.groups.add(*users["planovac"].groups.all())  # the head also drafts
    head = type(head).objects.get(pk=head.pk)  # a fresh login: roles read anew
    process = fk.opinion_request_start(actor=head, **request_data(catalogues))
    fk.draft(process, head)
    task = fk.open_task(process, OpinionFlow.approve)
    # refused in the task's assign / execute checks …
    assert not task.flow_task.can_assign(head, task)
    assert task.flow_task.can_assign(users["zastupce"], task)
    # … and in the service
    opinion = fk.opinion_of(process)
    with pytest.raises(ValidationError) as exc:
        services.opinion_approve(opinion=opinion, actor=head)
    assert "čtyř očí" in exc.value.messages[0]
    assert not selectors.can_approve(head, opinion) and selectors.can_approve(users["zastupce"], opinion)
    # a planner is not an approver either
    with pytest.raises(ValidationError):
        services.opinion_approve(opinion=opinion, actor=users["koordinator"])
    assert fk.opinion_of(process).status == Opinion.Status.WAITING
    fk.approve(process, users["zastupce"])
    # approving an opinion that is not waiting for approval
    with pytest.raises(ValidationError) as exc:
        services.opinion_approve(opinion=fk.opinion_of(process), actor=users["vedouci"])
    assert "nečeká na schválení" in exc.value.messages[0]


def _ip_request(catalogues, **overrides):
    return request_data(catalogues, **{
        "service_types": ["70"], "target_groups": ["DUS"], "districts": ["Sokolov"],
        "period_start": date(2013, 1, 1), "period_end": date(2013, 12, 31),
        "project_title": "Sociální rehabilitace pro lidi s duševním onemocněním na Sokolovsku", **overrides})


def _save_answers(opinion, user, answers, **statements):
    return services.opinion_draft_save(opinion=opinion, actor=user, activity_ids=[], ip_answers=answers,
                                       **{**fk.STATEMENTS, "s1_verdict": "no", "s1_text": "Plán na rok 2013 není.",
                                          **statements})


def _refused(opinion, user, answers) -> str:
    with pytest.raises(ValidationError) as exc:
        _save_answers(opinion, user, answers)
    return " ".join(m for msgs in exc.value.message_dict.values() for m in msgs)


def test_ip_overlap_must_be_answered_with_a_valid_reason_and_goes_into_statement_4(
    catalogues, django_capture_on_commit_callbacks, docx_text
):
    users = catalogues["users"]
    planner = users["planovac"]
    process = fk.opinion_request_start(actor=planner, **_ip_request(catalogues))
    opinion = fk.opinion_of(process)
    warnings = list(opinion.ip_warnings.select_related("ip_service__project"))
    strong = [w for w in warnings if w.strength == "strong"]
    assert len(strong) == 1
    w = strong[0]
    assert w.ip_service.project.name == "Podpora sítě služeb sociální prevence v Karlovarském kraji"
    assert "§ 70" in w.message and "shodná cílová skupina DUS" in w.message
    weak = [x for x in warnings if x.strength == "weak"]
    assert len(weak) == 1 and "OZP" in weak[0].message  # § 70 for OZP in the same IP: another target group

    task = fk.claim(fk.open_task(process), planner)
    _save_answers(opinion, planner, {})  # a draft may be saved unanswered
    with pytest.raises(ValidationError) as exc:
        services.opinion_submit(opinion=opinion, actor=planner)
    messages = exc.value.messages
    assert "Odpovězte na všechna upozornění na individuální projekty kraje platným důvodem (zbývá 2)." in messages
    assert ("Výrok 4 „aktivity nejsou financovány z IP kraje“ nelze uvést, dokud silné upozornění na IP "
            "„Podpora sítě služeb sociální prevence v Karlovarském kraji“ (§ 70) nemá platnou odpověď.") in messages

    # every answer is a structured reason, checked against the IP's and the project's data
    assert _refused(opinion, planner, {w.pk: "Projekt financuje jiné úvazky."}) == \
        "Vyberte důvod, proč nejde o dvojí financování."
    assert _refused(opinion, planner, {w.pk: {"reason": "period", "period_from": date(2013, 1, 1),
                                              "period_to": date(2013, 12, 31)}}) == (
        "Období 1. 1. 2013 – 31. 12. 2013 se překrývá s dobou IP „Podpora sítě služeb sociální prevence "
        "v Karlovarském kraji“ (1. 8. 2012 – 28. 2. 2015) – nejde o jiné období.")
    assert _refused(opinion, planner, {w.pk: {"reason": "target_group"}}) == (
        "IP „Podpora sítě služeb sociální prevence v Karlovarském kraji“ podporuje § 70 i pro cílovou skupinu DUS "
        "– nejde o jinou cílovou skupinu.")
    assert _refused(opinion, planner, {w.pk: {"reason": "target_group", "groups": ["OZP"]}}).startswith(
        "Cílová skupina OZP není cílovou skupinou projektu.")
    assert _refused(opinion, planner, {w.pk: {"reason": "territory", "districts": ["Sokolov"]}}) == (
        "IP „Podpora sítě služeb sociální prevence v Karlovarském kraji“ podporuje § 70 i v okrese Sokolov – "
        "nejde o jiné území.")
    assert _refused(opinion, planner, {w.pk: {"reason": "complementary", "text": "navíc"}}) == (
        "Popište, co projekt hradí nad rámec IP (např. další úvazky, kapacitu, hodiny) (alespoň 20 znaků).")
    assert not fk.opinion_of(process).ip_warnings.exclude(reason="").exists()  # nothing refused was stored

    # a valid answer to the weak warning alone does not allow verdict 4 "not funded"
    _save_answers(opinion, planner, {weak[0].pk: {"reason": "target_group"}})
    with pytest.raises(ValidationError) as exc:
        services.opinion_submit(opinion=opinion, actor=planner)
    assert any(m.startswith("Výrok 4 „aktivity nejsou financovány z IP kraje“ nelze uvést") for m in exc.value.messages)

    text = "Projekt hradí dva nové úvazky sociálních pracovníků nad kapacitu, kterou IP kraje financuje."
    fk.complete(task, planner, lambda op: (
        _save_answers(op, planner, {w.pk: {"reason": "complementary", "text": text}}),
        services.opinion_submit(opinion=op, actor=planner),
    ))
    opinion = fk.approve(process, users["vedouci"])
    statements = {x["reason"]: x["statement"] for x in opinion.snapshot["ip_warnings"]}
    assert statements == {
        "complementary": f"Doplňkové financování: {text}",
        "target_group": "Jiná cílová skupina: projekt službu poskytuje pro: osoby s duševním onemocněním; "
                        "IP ji podporuje pro: osoby se zdravotním postižením.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        fk.run_render_job(process)
    docx = docx_text(Document.objects.get(case=opinion.case, kind="opinion"))
    assert "4. Financování z individuálního projektu kraje: aktivity nejsou financovány z IP kraje" in docx
    ip = "Podpora sítě služeb sociální prevence v Karlovarském kraji"
    for statement in statements.values():
        assert f"– {ip} (§ 70 Sociální rehabilitace): {statement}" in docx


def test_a_different_period_or_territory_holds_only_outside_the_ip(catalogues):
    from opinions.models import IndividualProject, IndividualProjectService
    from workflows.models import ServiceType, TargetGroup

    users = catalogues["users"]
    planner = users["planovac"]
    # 2015: the IP „Podpora sítě…“ (§ 70 DUS) ends on 28. 2. 2015
    process = fk.opinion_request_start(actor=planner, **_ip_request(
        catalogues, period_start=date(2015, 1, 1), period_end=date(2015, 12, 31)))
    opinion = fk.opinion_of(process)
    fk.claim(fk.open_task(process), planner)
    w = opinion.ip_warnings.get(strength="strong")
    assert _refused(opinion, planner, {w.pk: {"reason": "period", "period_from": "2015-02-01",
                                              "period_to": "2015-12-31"}}).startswith("Období 1. 2. 2015 – 31. 12. 2015 se překrývá")
    assert _refused(opinion, planner, {w.pk: {"reason": "period", "period_from": "2015-03-01",
                                              "period_to": "2016-06-30"}}) == (
        "Období 1. 3. 2015 – 30. 6. 2016 není v době projektu (1. 1. 2015 – 31. 12. 2015).")
    assert _refused(opinion, planner, {w.pk: {"reason": "period", "period_from": "2015-12-31",
                                              "period_to": "2015-03-01"}}) == (
        "Konec období služby v projektu nemůže předcházet jeho začátku.")
    weak = {x.pk: {"reason": "target_group"} for x in opinion.ip_warnings.filter(strength="weak")}
    _save_answers(opinion, planner, {**weak, w.pk: {"reason": "period", "period_from": "2015-03-01",
                                                    "period_to": "2015-12-31"}})
    w.refresh_from_db()
    assert (w.reason, w.reason_from, w.reason_to) == ("period", date(2015, 3, 1), date(2015, 12, 31))
    assert selectors.ip_answer_statement(w) == ("Jiné období: projekt službu hradí v období 1. 3. 2015 – 31. 12. 2015, "
                                                "IP ji podporuje v období 1. 8. 2012 – 28. 2. 2015.")
    assert services.opinion_submit(opinion=opinion, actor=planner).status == Opinion.Status.WAITING

    # territory: an IP service in one district only; the project runs in two
    ip = IndividualProject.objects.create(region_name="Karlovarský kraj", name="Testovací IP Chebsko",
                                          start=date(2016, 1, 1), end=date(2016, 12, 31))
    svc = IndividualProjectService.objects.create(project=ip, service_type=ServiceType.objects.get(paragraph="67"),
                                                  whole_region=False, districts=["Cheb"])
    svc.target_groups.set([TargetGroup.objects.get(code="OZP")])
    process = fk.opinion_request_start(actor=planner, **_ip_request(
        catalogues, service_types=["67"], target_groups=["OZP"], districts=["Cheb", "Sokolov"],
        period_start=date(2016, 1, 1), period_end=date(2016, 12, 31)))
    opinion = fk.opinion_of(process)
    fk.claim(fk.open_task(process), planner)
    w = opinion.ip_warnings.get(ip_service=svc)
    assert w.strength == "strong"
    assert _refused(opinion, planner, {w.pk: {"reason": "territory"}}) == (
        "IP „Testovací IP Chebsko“ podporuje § 67 i v okrese Cheb – nejde o jiné území.")
    assert _refused(opinion, planner, {w.pk: {"reason": "territory", "districts": ["Karlovy Vary"]}}) == (
        "Okres Karlovy Vary není v území projektu (Cheb, Sokolov).")
    others = {x.pk: fk.COMPLEMENTARY for x in opinion.ip_warnings.exclude(pk=w.pk)}
    _save_answers(opinion, planner, {**others, w.pk: {"reason": "territory", "districts": ["Sokolov"]}})
    w.refresh_from_db()
    from opinions import selectors as sel
    assert sel.ip_answer_statement(w) == "Jiné území: projekt službu poskytuje v okrese Sokolov; IP ji podporuje v okrese Cheb."
    assert services.opinion_submit(opinion=opinion, actor=planner).status == Opinion.Status.WAITING


def test_the_draft_forms_refresh_follows_the_ip_catalogue(catalogues):
    """The draft form refreshes the IP warnings from the catalogue as it is now: a new overlap is
    warned of (and told in the history), a changed one takes the new strength and message, a
    gone one disappears unless the drafter has answered it."""
    from opinions.models import IndividualProject, IndividualProjectService, OpinionEvent
    from workflows.models import ServiceType, TargetGroup

    planner = catalogues["users"]["planovac"]
    ip = IndividualProject.objects.create(region_name="Karlovarský kraj", name="Testovací IP 2013",
                                          start=date(2013, 1, 1), end=date(2013, 12, 31))
    p70, p67 = ServiceType.objects.get(paragraph="70"), ServiceType.objects.get(paragraph="67")
    dus, ozp = TargetGroup.objects.get(code="DUS"), TargetGroup.objects.get(code="OZP")

    def service(groups, note):
        svc = IndividualProjectService.objects.create(project=ip, service_type=p70, note=note)
        svc.target_groups.set(groups)
        return svc

    answered, gone, changed = service([dus], "A"), service([dus], "B"), service([dus], "C")
    process = fk.opinion_request_start(actor=planner, **_ip_request(catalogues))
    opinion = fk.opinion_of(process)
    fk.claim(fk.open_task(process), planner)
    warning_of = {w.ip_service_id: w for w in opinion.ip_warnings.all()}
    assert {warning_of[s.pk].strength for s in (answered, gone, changed)} == {"strong"}
    _save_answers(opinion, planner, {warning_of[answered.pk].pk: fk.COMPLEMENTARY})
    IndividualProjectService.objects.filter(pk__in=[answered.pk, gone.pk]).update(service_type=p67)
    changed.target_groups.set([ozp])
    new = service([dus], "D")
    events = CaseEvent.objects.filter(case=opinion.case, action=OpinionEvent.IP_WARNING)
    told = events.count()

    services.opinion_ip_warnings_refresh(opinion=fk.opinion_of(process))

    after = {w.ip_service_id: w for w in fk.opinion_of(process).ip_warnings.all()}
    assert after[answered.pk].pk == warning_of[answered.pk].pk and after[answered.pk].reason == "complementary"
    assert gone.pk not in after
    assert after[changed.pk].pk == warning_of[changed.pk].pk
    assert (after[changed.pk].strength, after[changed.pk].message.endswith("; jiná cílová skupina.")) == ("weak", True)
    assert after[new.pk].strength == "strong"
    assert list(events.order_by("pk").values_list("summary", flat=True)[told:]) == [after[new.pk].message]
    # the catalogue unchanged: a second refresh writes nothing
    services.opinion_ip_warnings_refresh(opinion=fk.opinion_of(process))
    assert {w.ip_service_id: (w.pk, w.strength, w.message) for w in fk.opinion_of(process).ip_warnings.all()} == {
        pk: (w.pk, w.strength, w.message) for pk, w in after.items()}
    assert events.count() == told + 1


def test_a_confirmed_overlap_goes_only_with_verdict_4_funded(catalogues):
    users = catalogues["users"]
    planner = users["planovac"]
    process = fk.opinion_request_start(actor=planner, **_ip_request(catalogues))
    opinion = fk.opinion_of(process)
    fk.claim(fk.open_task(process), planner)
    funded = {"reason": "funded", "text": "Sociální rehabilitaci v Sokolově hradí IP kraje do února 2015."}
    answers = {w.pk: funded for w in opinion.ip_warnings.all()}
    assert _refused(opinion, planner, answers).startswith(
        "Potvrzený souběh s IP odpovídá jen závěru výroku 4 „aktivity jsou (zčásti) financovány z IP kraje“.")
    _save_answers(opinion, planner, answers, s4_verdict="funded", s4_text="Část aktivit hradí IP kraje.")
    assert services.opinion_submit(opinion=opinion, actor=planner).status == Opinion.Status.WAITING
    w = opinion.ip_warnings.get(strength="strong")
    assert selectors.ip_answer_statement(w) == (
        "Souběh potvrzen – aktivity jsou (zčásti) hrazeny z IP: Sociální rehabilitaci v Sokolově hradí IP kraje "
        "do února 2015.")


def test_an_answer_that_stops_holding_blocks_approval_of_not_funded(catalogues):
    users = catalogues["users"]
    planner, head = users["planovac"], users["vedouci"]
    process = fk.opinion_request_start(actor=planner, **_ip_request(
        catalogues, period_start=date(2015, 1, 1), period_end=date(2015, 12, 31)))
    opinion = fk.opinion_of(process)
    w = opinion.ip_warnings.get(strength="strong")
    fk.draft(process, planner, pick=0, answers={w.pk: {"reason": "period", "period_from": date(2015, 3, 1),
                                                       "period_to": date(2015, 12, 31)}},
             s1_verdict="no", s1_text="Plán na rok 2015 není.")
    # the IP was prolonged in the catalogue after the draft was submitted
    ip = w.ip_service.project
    ip.end = date(2015, 6, 30)
    ip.save()
    task = fk.claim(fk.open_task(process, OpinionFlow.approve), head)
    with pytest.raises(ValidationError) as exc:
        services.opinion_approve(opinion=fk.opinion_of(process), actor=head, task=task)
    assert exc.value.messages[0].startswith("Výrok 4 „aktivity nejsou financovány z IP kraje“ nelze uvést, dokud "
                                            "silné upozornění na IP „Podpora sítě")
    assert fk.opinion_of(process).status == Opinion.Status.WAITING


def test_liberec_plan_is_never_offered_for_a_karlovy_vary_request(catalogues, kk_plan, lk_plan):
    users = catalogues["users"]
    # 2014–2015: only the Liberecký kraj plan is valid then, and it has § 44 / S in A01-01
    data = request_data(catalogues, service_types=["44"], target_groups=["S", "OZP"],
                        period_start=date(2014, 3, 1), period_end=date(2015, 12, 31),
                        project_title="Podpora a rozvoj odlehčovacích služeb")
    process = fk.opinion_request_start(actor=users["planovac"], **data)
    opinion = fk.opinion_of(process)
    assert selectors.suggestions_for(opinion) == []
    # the Liberec plan would match if the region were Liberecký kraj
    other = selectors.suggest_activities(paragraphs=["44"], target_groups=["S"], title="", region_name="Liberecký kraj",
                                         period_start=date(2014, 3, 1), period_end=date(2015, 12, 31))
    assert other and other[0].item.number == "A01-01" and other[0].reason == "§ 44 a S shodné s A01-01"
    # and a drafter cannot pick it by hand either
    with pytest.raises(ValidationError):
        services.opinion_draft_save(opinion=opinion, actor=users["planovac"], activity_ids=[other[0].item.pk])
    # a 2011–2012 KV request is matched against the KV plan only
    kv = selectors.suggest_activities(paragraphs=["44", "40"], target_groups=["S"], title="",
                                      period_start=date(2011, 1, 1), period_end=date(2017, 12, 31))
    assert kv and {s.item.plan_id for s in kv} == {kk_plan.pk}


def _suggest(paragraphs, groups):
    return selectors.suggest_activities(paragraphs=paragraphs, target_groups=groups, title="",
                                        period_start=date(2011, 1, 1), period_end=date(2012, 12, 31))


def test_suggestions_are_ranked_and_inherited_paragraphs_weigh_less(catalogues, kk_plan):
    # § 70 is named directly only by 6.1.1, 6.1.2, 7.2.1 and 7.2.2 — the region's own individual projects,
    # never a plan activity a project can fit (statement 4 says the IP does not fund it); the plan's
    # activity for people with mental illness is 9.2.1
    s = _suggest(["70"], ["DUS"])
    assert [(x.item.number, x.reason, x.score) for x in s] == [("9.2.1", "DUS shodné s 9.2.1", selectors.W_GROUP)]
    # a direct § (1.2.6 names § 48) outranks the same target group alone
    s = _suggest(["48"], ["OZP"])
    assert (s[0].item.number, s[0].reason) == ("1.2.6", "§ 48 a OZP shodné s 1.2.6")
    assert s[0].score == selectors.W_SERVICE + selectors.W_GROUP
    assert all(x.score == selectors.W_GROUP for x in s[1:]) and "5.2.2" not in {x.item.number for x in s}
    # § 40 named at priority 4 is inherited by 4.1.1 and weighs less than a direct §
    s = _suggest(["40"], ["S"])
    assert [(x.item.number, x.score) for x in s[:2]] == [
        ("4.1.1", selectors.W_SERVICE_INHERITED + selectors.W_GROUP),
        ("5.1.1", selectors.W_SERVICE_INHERITED + selectors.W_GROUP),
    ]
    assert s[0].reason == "§ 40 (zděděno) a S shodné s 4.1.1"


def test_the_regions_individual_projects_are_never_cited_in_statement_1(catalogues, kk_plan):
    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(
        catalogues, service_types=["62"], target_groups=["DM"], project_title="Nízkoprahový klub pro děti a mládež"))
    opinion = fk.opinion_of(process)
    ip_items = PlanItem.objects.filter(pk__in=selectors.individual_project_item_ids([kk_plan]))
    assert sorted(ip_items.values_list("number", flat=True)) == ["1.2.5", "5.2.1", "5.2.2", "6.1.1", "6.1.2",
                                                                 "7.2.1", "7.2.2"]
    suggested = {x.item.number for x in selectors.suggestions_for(opinion, limit=500)}
    assert suggested and not suggested & {"6.1.1", "6.1.2", "7.2.1", "7.2.2"}
    fk.claim(fk.open_task(process), users["planovac"])
    with pytest.raises(ValidationError) as exc:
        services.opinion_draft_save(opinion=opinion, actor=users["planovac"],
                                    activity_ids=[ip_items.get(number="6.1.1").pk])
    assert exc.value.message_dict["activities"] == [
        "Aktivita 6.1.1 je individuální projekt kraje, ne aktivita plánu, na kterou může projekt navazovat – "
        "výrok 1 ji citovat nemůže (souběh s IP posuzuje výrok 4)."]


def test_a_request_whose_deadline_passes_is_visible_as_overdue(catalogues, kk_plan):
    users = catalogues["users"]
    received = timezone.localdate() - timedelta(days=40)
    process = fk.opinion_request_start(actor=users["planovac"], received_on=received, **request_data(catalogues))
    opinion = fk.opinion_of(process)
    assert opinion.case.deadline < timezone.localdate()
    assert opinion in selectors.opinions_overdue()
    assert selectors.is_overdue(opinion)
    fresh = fk.opinion_of(fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues)))
    assert fresh not in selectors.opinions_overdue()
    due = list(selectors.opinions_due_for_call(catalogues["call56"]))
    assert due[0] == opinion and fresh in due


def test_request_too_late_for_the_call_buffer_is_accepted_and_flagged(catalogues, kk_plan):
    users = catalogues["users"]
    call = catalogues["call56"]
    call.submission_deadline = timezone.localdate() + timedelta(days=2)
    call.save()
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    opinion = fk.opinion_of(process)
    assert opinion.too_late
    assert opinion.case.state_detail == "podáno pozdě vůči uzávěrce výzvy"
    # the draft is never due after the opinion itself (both already past: the case shows as overdue)
    assert opinion.draft_deadline == opinion.case_deadline == opinion.case.deadline < timezone.localdate()
    assert selectors.is_overdue(opinion)
    assert Task.objects.filter(process=process, flow_task=OpinionFlow.draft).exists()


def test_missed_draft_deadline_reaches_the_reminder_scan(catalogues, kk_plan):
    from workflows.models import Reminder
    from workflows.reminders import scan_deadlines

    users = catalogues["users"]
    today = timezone.localdate()
    received = today - timedelta(days=28)
    process = fk.opinion_request_start(actor=users["planovac"], received_on=received, **request_data(catalogues))
    fk.claim(fk.open_task(process), users["planovac"])
    case = fk.opinion_of(process).case
    assert today - timedelta(days=7) <= case.deadline < today
    scan_deadlines(today)
    kinds = set(Reminder.objects.filter(case=case).values_list("kind", "recipient__username"))
    assert ("missed", "planovac") in kinds
    assert any(user == "vedouci" for _kind, user in kinds)


def test_issued_opinion_is_frozen_against_a_later_plan_import(catalogues, kk_plan, django_capture_on_commit_callbacks):
    from opinions.plan_import import import_plan

    from .conftest import KK_PLAN, seed_text

    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    opinion = fk.draft(process, users["planovac"])
    link = opinion.activity_links.select_related("item").get()
    old_name = link.item.name
    opinion = fk.approve(process, users["vedouci"])
    before = documents.document_context(opinion)
    text = seed_text(KK_PLAN).replace(old_name, old_name + " (aktualizováno)")
    report = import_plan(text, region_name="Karlovarský kraj")
    assert report.changes
    link.item.refresh_from_db()
    assert link.item.name.endswith("(aktualizováno)")
    opinion.refresh_from_db()
    after = documents.document_context(opinion)
    assert after["activities"] == before["activities"]
    assert after["activities"][0]["name"] == old_name


def test_applicant_record_lists_earlier_opinions_for_the_same_ico(catalogues, kk_plan):
    users = catalogues["users"]
    first = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues, project_title="První projekt"))
    fk.draft(first, users["planovac"])
    second = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues, project_title="Druhý projekt"))
    record = selectors.applicant_record("70832749", exclude_opinion=fk.opinion_of(second))
    assert [o.project_title for o in record["earlier_opinions"]] == ["První projekt"]
    assert any("První projekt" in f and "hodnocení předkladatele: kladné" in f for f in record["facts"])
    assert selectors.applicant_record("25596641")["earlier_opinions"] == []


def test_registry_facts_are_worded_for_statement_3():
    facts = selectors.registry_facts({
        "name": "Domov Vřesová", "services": [{"name": "Pečovatelská služba", "service_type": "40", "form": "terénní",
                                               "registered_on": date(2008, 1, 1), "closed_on": None}],
        "changes": 2, "late_notices": [{"change_date": date(2010, 3, 1), "received_on": date(2010, 5, 2),
                                        "due_on": date(2010, 4, 15)}],
        "cancellations": [{"service": "Odlehčovací služby", "closed_on": date(2011, 6, 30)}],
    })
    assert facts == [
        "Registrovaná služba Pečovatelská služba (§ 40), terénní, registrována od 1. 1. 2008",
        "Změny registrace a oznámené změny v registru: 2",
        "Pozdní oznámení změny ze dne 1. 3. 2010 (doručeno 2. 5. 2010, lhůta 15. 4. 2010)",
        "Zrušení registrace: Odlehčovací služby k 30. 6. 2011",
    ]


def test_reassigned_draft_keeps_four_eyes_for_everyone_who_drafted(catalogues, kk_plan):
    users = catalogues["users"]
    deputy, planner = users["zastupce"], users["planovac"]
    deputy.groups.add(*planner.groups.all())  # the deputy also drafts
    process = fk.opinion_request_start(actor=planner, **request_data(catalogues))
    task = fk.claim(fk.open_task(process), deputy)
    with task.activation() as activation:
        activation.start(None)
        services.opinion_draft_save(opinion=fk.opinion_of(process), actor=deputy, s1_text="Rozpracováno.")
    with task.activation() as activation:  # the head hands the task over
        activation.reassign(user=planner)
    opinion = fk.draft(process, planner)
    assert opinion.drafter == planner
    assert opinion.case.events.filter(action="opinion_drafter", summary__contains="převzato").exists()
    approval = fk.open_task(process, OpinionFlow.approve)
    assert not approval.flow_task.can_assign(deputy, approval)
    assert not selectors.can_approve(deputy, opinion)
    with pytest.raises(ValidationError):
        services.opinion_approve(opinion=opinion, actor=deputy)
    assert fk.approve(process, users["vedouci"]).status == Opinion.Status.APPROVED


def test_applicant_known_in_the_registry_is_linked_and_its_record_cited(catalogues, kk_plan):
    from tests.registrations.factories import RegisteredServiceFactory

    users = catalogues["users"]
    provider = RegisteredServiceFactory(provider__ico="70832749", provider__name="Pečovatelská služba Sokolov, p.o.",
                                        provider__address="Sokolovská 1, 356 01 Sokolov", home_care=True,
                                        place="Sokolov").provider
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues, applicant_address=""))
    opinion = fk.opinion_of(process)
    assert opinion.provider_ref == str(provider.pk)
    assert opinion.applicant_address == "Sokolovská 1, 356 01 Sokolov"
    record = selectors.applicant_record(opinion.applicant_ico, exclude_opinion=opinion)
    assert record["provider"]["name"] == provider.name
    assert any(f.startswith("Registrovaná služba Pečovatelská služba (§ 40), terénní") and "1. 6. 2007" in f
               for f in record["facts"])


def test_withdrawn_request_cancels_process_and_case(catalogues, kk_plan, client):
    from viewflow.workflow.status import STATUS

    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["planovac"], received_on=timezone.localdate() - timedelta(days=40),
                                       **request_data(catalogues))
    fk.draft(process, users["planovac"])
    opinion = fk.opinion_of(process)
    assert opinion in selectors.opinions_overdue()
    with pytest.raises(ValidationError):
        services.opinion_withdraw(opinion=opinion, actor=users["planovac"], reason="  ")
    client.force_login(users["ctenar"])
    assert client.post(f"/opinions/{opinion.pk}/withdraw/", {"reason": "x"}).status_code == 403
    client.force_login(users["planovac"])
    assert client.post(f"/opinions/{opinion.pk}/withdraw/", {"reason": "Žadatel projekt nepodá."}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.WITHDRAWN
    assert opinion.case.state == Case.State.CANCELED and opinion.case.deadline is None
    process.refresh_from_db()
    assert process.status == PROCESS.CANCELED
    assert not Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists()
    assert opinion not in selectors.opinions_overdue()
    with pytest.raises(ValidationError):
        services.opinion_withdraw(opinion=opinion, actor=users["planovac"], reason="znovu")


def test_cancelling_the_process_in_viewflow_withdraws_the_opinion(catalogues, kk_plan):
    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    OpinionFlow.instance.cancel(process)
    opinion = fk.opinion_of(process)
    assert opinion.status == Opinion.Status.WITHDRAWN and opinion.case.state == Case.State.CANCELED
