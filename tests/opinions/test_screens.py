"""The opinion screens: shared look (osv/base.html), sections of the drafter's and approver's pages,
Czech dates and working days, and the head's reassign dialog respecting four-eyes."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task

from opinions import services
from workflows.deadlines import working_days_between
from opinions.flows import OpinionFlow

from tests import flowkit as fk
from .conftest import request_data

pytestmark = pytest.mark.django_db

BASE = "/app/workflow/flows/opinion"

IP_REQUEST = dict(service_types=["70"], target_groups=["DUS"], districts=["Sokolov"],
                  period_start=date(2013, 1, 1), period_end=date(2013, 12, 31),
                  project_title="Sociální rehabilitace pro lidi s duševním onemocněním na Sokolovsku")


def _url(task, action="execute"):
    return f"{BASE}/{task.process_id}/{task.flow_task.name}/{task.pk}/{action}/"


def _cz(d) -> str:
    return f"{d.day}. {d.month}. {d.year}"


def _names(html: str) -> set[str]:
    return set(re.findall(r'name="([^"]+)"', html))


def test_draft_page_sections_field_by_field_with_czech_labels(client, catalogues, kk_plan):
    users = catalogues["users"]
    planner = users["planovac"]
    process = fk.opinion_request_start(actor=planner, **request_data(catalogues))
    task = fk.claim(fk.open_task(process), planner)
    opinion = fk.opinion_of(process)
    client.force_login(planner)
    html = client.get(_url(task)).content.decode()

    assert "form.as_p" not in html and "<p><label" not in html  # rendered field by field
    for n, title in enumerate(["Soulad se střednědobým plánem", "Potřebnost realizace projektu v kraji",
                               "Hodnocení dosavadní činnosti předkladatele",
                               "Financování z individuálního projektu kraje"], start=1):
        assert f'<span class="num">{n}</span> {title}' in html
        assert f'for="id_s{n}_verdict">Závěr' in html and f'for="id_s{n}_text">Odůvodnění' in html
    assert {"s1_verdict", "s1_text", "s2_verdict", "s2_text", "s3_verdict", "s3_text", "s4_verdict", "s4_text",
            "activities", "_save", "_submit"} <= _names(html)
    assert "— vyberte —" in html and "Doložte potřebnost" in html  # Czech choices and help texts
    # ranked suggestions: a numbered list, each with its reason and score, the best first
    suggestions = re.search(r'<ol class="choices osv-suggestions">(.*?)</ol>', html, re.S).group(1)
    assert '<span class="rank">1.</span>' in suggestions
    assert "§ 40 (zděděno) a S shodné s 4.1.1" in suggestions and "skóre" in suggestions
    assert "Další aktivity plánu bez automatické shody" in html
    # deadlines in Czech format with working days left
    assert f"<dt>Koncept do:</dt><dd>{_cz(opinion.draft_deadline)}</dd>" in html
    left = working_days_between(timezone.localdate(), opinion.case.deadline)
    assert "Aktuální lhůta" in html and ("pracovní" in html or left == 0)
    assert "Předkladatel – záznam" in html
    # the page lives in the project's frame (issue 12) with the agenda's look
    assert 'class="osv-op osv-draft"' in html and '<header class="top"' in html and "<vf-page" not in html


def test_draft_page_ip_warnings_have_visibly_required_answers_and_save_still_works(client, catalogues):
    users = catalogues["users"]
    planner = users["planovac"]
    process = fk.opinion_request_start(actor=planner, **request_data(catalogues, **IP_REQUEST))
    opinion = fk.opinion_of(process)
    warnings = list(opinion.ip_warnings.order_by("strength"))  # strong first
    strong, weak = warnings
    task = fk.claim(fk.open_task(process), planner)
    client.force_login(planner)
    html = client.get(_url(task)).content.decode()
    for w in warnings:
        assert {f"ip_{w.pk}_reason", f"ip_{w.pk}_from", f"ip_{w.pk}_to", f"ip_{w.pk}_groups",
                f"ip_{w.pk}", f"ip_{w.pk}_districts"} <= _names(html)
        assert re.search(rf'<label for="id_ip_{w.pk}_reason">Důvod, proč nejde o dvojí financování '
                         r'<span class="req"[^>]*>\*</span>', html)
    for label in ("— vyberte důvod —", "jiné období", "jiná cílová skupina", "jiné území", "jiná činnost",
                  "doplňkové financování", "Služba v projektu od", "Cílové skupiny služby v projektu",
                  "osoby s duševním onemocněním", "Okresy služby v projektu", "Vysvětlení zpracovatele"):
        assert label in html
    assert 'aria-required="true"' in html and "Povinné před předložením" in html
    assert "silné upozornění" in html
    # saving a draft without answers is still allowed (answers are required only to submit)
    statements = {**fk.STATEMENTS, "s1_verdict": "no", "s1_text": "Plán na rok 2013 není."}
    assert client.post(_url(task), {**statements, "_save": "1"}).status_code == 302
    refused = client.post(_url(task), {**statements, "_submit": "1"}).content.decode()
    assert 'class="alert red"' in refused
    assert "Výrok 4 „aktivity nejsou financovány z IP kraje“ nelze uvést, dokud silné upozornění na IP" in refused
    # an answer that does not hold is refused at its field, in Czech, and the typed values stay
    overlap = client.post(_url(task), {**statements, f"ip_{strong.pk}_reason": "period",
                                       f"ip_{strong.pk}_from": "1. 3. 2013", f"ip_{strong.pk}_to": "31. 12. 2013",
                                       "_save": "1"})
    page = overlap.content.decode()
    assert overlap.status_code == 200
    assert re.search(r'class="field has-error">\s*<label for="id_ip_%d_reason">' % strong.pk, page)
    assert ("Období 1. 3. 2013 – 31. 12. 2013 se překrývá s dobou IP „Podpora sítě služeb sociální prevence "
            "v Karlovarském kraji“ (1. 8. 2012 – 28. 2. 2015) – nejde o jiné období.") in page
    assert 'value="1. 3. 2013"' in page and 'value="period" selected' in page
    strong.refresh_from_db()
    assert strong.reason == "" and strong.answered_at is None
    answers = {f"ip_{strong.pk}_reason": "complementary",
               f"ip_{strong.pk}": "Projekt hradí dva nové úvazky nad kapacitu financovanou z IP.",
               f"ip_{weak.pk}_reason": "target_group"}
    assert client.post(_url(task), {**statements, **answers, "_submit": "1"}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == "waiting"


def test_draft_page_flags_a_past_project_period_and_hides_the_regions_ips(client, catalogues, kk_plan):
    users = catalogues["users"]
    planner = users["planovac"]
    process = fk.opinion_request_start(actor=planner, **request_data(catalogues))
    task = fk.claim(fk.open_task(process), planner)
    client.force_login(planner)
    html = client.get(_url(task)).content.decode()
    today = timezone.localdate()
    assert ("Celé období projektu (1. 7. 2011 – 30. 6. 2012) leží před dnem vydání vyjádření "
            f"(nejdříve {_cz(today)}) – ověřte data projektu u žadatele.") in html
    # the plan is named in sentence case; its IP activities are not offered for statement 1
    assert ("Plán práce na období 2011 – 2012 ke Střednědobému plánu rozvoje sociálních služeb v Karlovarském kraji "
            "na období 2009 – 2013") in html
    assert "PLÁN PRÁCE NA OBDOBÍ" not in html
    assert ("Aktivity plánu, které jsou individuálním projektem kraje (1.2.5, 5.2.1, 5.2.2, 6.1.1, 6.1.2, 7.2.1, "
            "7.2.2), se ve výroku 1 nenabízejí") in html
    offered = {kk_plan.items.get(pk=int(pk)).number for pk in re.findall(r'name="activities" value="(\d+)"', html)}
    assert offered and not offered & {"1.2.5", "5.2.1", "5.2.2", "6.1.1", "6.1.2", "7.2.1", "7.2.2"}
    # a project that starts in the future is not flagged
    later = fk.opinion_request_start(actor=planner, **request_data(
        catalogues, period_start=today + timedelta(days=60), period_end=today + timedelta(days=400)))
    task = fk.claim(fk.open_task(later), planner)
    assert "před dnem vydání vyjádření" not in client.get(_url(task)).content.decode()


def test_request_form_requires_the_seat_and_flags_a_started_project(client, catalogues):
    from workflows.models import ServiceType, TargetGroup

    client.force_login(catalogues["users"]["planovac"])
    html = client.get(f"{BASE}/start/").content.decode()
    assert re.search(r'<label for="id_applicant_address">Sídlo <span class="req"', html)
    today = timezone.localdate()
    form = {
        "applicant_ico": "70832749", "applicant_name": "Pečovatelská služba Sokolov, p.o.",
        "project_title": "Rozvoj pečovatelské služby", "call": catalogues["call56"].pk,
        "area": catalogues["area31"].pk, "service_types": [ServiceType.objects.get(paragraph="40").pk],
        "target_groups": [TargetGroup.objects.get(code="S").pk], "whole_region": "on",
        "period_start": _cz(today - timedelta(days=10)), "period_end": _cz(today + timedelta(days=300)),
        "budget": "100000",
    }
    refused = client.post(f"{BASE}/start/", form).content.decode()
    assert re.search(r'class="field has-error">\s*<label for="id_applicant_address">', refused)
    assert "Vyplňte sídlo žadatele (uvádí se ve vyjádření)." in refused
    done = client.post(f"{BASE}/start/", {**form, "applicant_address": "Sokolovská 1, 356 01 Sokolov"}, follow=True)
    page = done.content.decode()
    assert f"Projekt má být zahájen {_cz(today - timedelta(days=10))}, tedy před dnem vydání vyjádření " \
           f"(nejdříve {_cz(today)}) – ověřte datum zahájení u žadatele." in page


def test_approval_page_shows_the_whole_draft_and_return_history(client, catalogues, kk_plan):
    users = catalogues["users"]
    planner, head = users["planovac"], users["vedouci"]
    process = fk.opinion_request_start(actor=planner, **request_data(catalogues))
    fk.draft(process, planner)
    fk.return_(process, head, "Doplňte prosím potřebnost podle analýzy potřeb.")
    opinion = fk.draft(process, planner, s2_text="Podle analýzy potřeb chybí 12 míst.")
    link = opinion.activity_links.select_related("item").first()
    task = fk.claim(fk.open_task(process, OpinionFlow.approve), head)
    client.force_login(head)
    html = client.get(_url(task)).content.decode()
    for text in ("Projekt navazuje na plán práce kraje.", "Podle analýzy potřeb chybí 12 míst.",
                 "Předkladatel poskytuje služby řádně.", "Aktivity projektu nejsou financovány z IP kraje."):
        assert text in html
    assert link.item.label in html and link.reason in html  # matched activities with their reason
    assert "Připomínky při vrácení" in html and "Doplňte prosím potřebnost podle analýzy potřeb." in html
    assert "Žádný překryv s individuálními projekty kraje." in html
    # the controls come after the draft
    assert html.index("Podle analýzy potřeb chybí") < html.index('name="decision"')
    assert {"decision", "comment"} <= _names(html) and "Povinné při vrácení" in html


def test_approval_page_lists_ip_answers(client, catalogues):
    users = catalogues["users"]
    planner, head = users["planovac"], users["vedouci"]
    process = fk.opinion_request_start(actor=planner, **request_data(catalogues, **IP_REQUEST))
    fk.draft(process, planner, pick=0, s1_verdict="no", s1_text="Plán na rok 2013 není.")
    task = fk.claim(fk.open_task(process, OpinionFlow.approve), head)
    client.force_login(head)
    html = client.get(_url(task)).content.decode()
    assert "Odpověď zpracovatele:</strong> Doplňkové financování: Projekt financuje jiné úvazky než IP kraje." in html
    assert "Lucie Černá" in html  # who answered


def test_list_detail_and_call_page_share_the_design_and_highlight_overdue(client, catalogues, kk_plan):
    users = catalogues["users"]
    planner, head = users["planovac"], users["vedouci"]
    received = timezone.localdate() - timedelta(days=40)
    late = fk.opinion_of(fk.opinion_request_start(actor=planner, received_on=received, **request_data(catalogues)))
    fresh = fk.opinion_of(fk.opinion_request_start(actor=planner, **request_data(catalogues)))
    today = timezone.localdate()
    client.force_login(head)

    listing = client.get("/opinions/").content.decode()
    assert '<header class="top">' in listing and 'class="list"' in listing  # templates/osv/base.html
    assert "Po lhůtě (1)" in listing
    row = re.search(rf'<tr class="overdue">\s*<td[^>]*><a href="/opinions/{late.pk}/">.*?</tr>', listing, re.S).group(0)
    assert _cz(late.case.deadline) in row and "po lhůtě" in row and 'badge red' in row
    fresh_row = re.search(rf'<tr class="">\s*<td[^>]*><a href="/opinions/{fresh.pk}/">.*?</tr>', listing, re.S).group(0)
    n = working_days_between(today, fresh.case.deadline)
    assert "zbývá" in fresh_row and str(n) in fresh_row
    assert "Filtrovat" in client.get("/opinions/?status=drafting").content.decode()

    detail = client.get(f"/opinions/{late.pk}/").content.decode()
    assert '<header class="top">' in detail and "Lhůta uplynula" in detail
    assert f"{_cz(late.case.received_on)}" in detail and "Vzít žádost zpět" in detail
    assert '<span class="num">4</span>' in detail

    due = client.get(f"/opinions/calls/{catalogues['call56'].pk}/").content.decode()
    assert '<header class="top">' in due and 'id="call-due"' in due
    assert due.count('<tr class="overdue">') == 1 and late.case.file_mark in due and fresh.case.file_mark in due


def test_reassign_dialog_for_an_approval_never_offers_anyone_who_drafted(client, catalogues, kk_plan):
    """Four-eyes in the head's reassign dialog: the deputy saved part of the draft, so she is not
    offered for the approval (and cannot be picked by a forged POST); without that she is."""
    users = catalogues["users"]
    deputy, planner, head = users["zastupce"], users["planovac"], users["vedouci"]
    deputy.groups.add(*planner.groups.all())  # the deputy also drafts
    process = fk.opinion_request_start(actor=planner, **request_data(catalogues))
    task = fk.claim(fk.open_task(process), deputy)
    with task.activation() as activation:
        activation.start(None)
        services.opinion_draft_save(opinion=fk.opinion_of(process), actor=deputy, s1_text="Rozpracováno.")
    with task.activation() as activation:
        activation.reassign(user=planner)
    fk.draft(process, planner)
    approval = fk.open_task(process, OpinionFlow.approve)

    client.force_login(head)
    page = client.get(f"/ukoly/{approval.pk}/predat/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{deputy.pk}">' not in html and f'<option value="{planner.pk}">' not in html
    client.post(f"/ukoly/{approval.pk}/predat/", {"user": deputy.pk})
    assert Task.objects.get(pk=approval.pk).owner_id is None

    # control: an opinion the deputy did not touch offers her for the approval
    other = fk.opinion_request_start(actor=planner, **request_data(catalogues))
    fk.draft(other, planner)
    other_approval = fk.open_task(other, OpinionFlow.approve)
    html = client.get(f"/ukoly/{other_approval.pk}/predat/").content.decode()
    assert f'<option value="{deputy.pk}">' in html
    client.post(f"/ukoly/{other_approval.pk}/predat/", {"user": deputy.pk})
    assert Task.objects.get(pk=other_approval.pk).owner_id == deputy.pk


def test_a_request_too_late_for_the_call_shows_the_draft_due_with_the_opinion(client, catalogues):
    users = catalogues["users"]
    planner = users["planovac"]
    call = catalogues["call56"]
    call.submission_deadline = timezone.localdate() + timedelta(days=2)
    call.save()
    process = fk.opinion_request_start(actor=planner, **request_data(catalogues))
    opinion = fk.opinion_of(process)
    task = fk.claim(fk.open_task(process), planner)
    client.force_login(planner)
    html = client.get(_url(task)).content.decode()
    due = _cz(opinion.case_deadline)
    assert f"<dt>Koncept do:</dt><dd>{due}</dd>" in html and f"<dt>Vydání do:</dt><dd>{due}</dd>" in html
    assert "Žádost přišla pozdě vůči uzávěrce výzvy" in html
