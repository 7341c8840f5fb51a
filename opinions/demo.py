"""Demo data of the opinion agenda (fictitious applicants): idempotent, called by ``setup_demo``.

Imports the Karlovarský kraj plan of work (seed 000) as the demo region's plan and the Liberecký
kraj activity cards (seed 001) as another region's plan, the region's IPs, OP LZZ with its areas,
two calls, and opinions in every state of the flow.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import services
from workflows.region import get_region

from .catalogues import load_individual_projects, load_programmes
from .models import AreaOfSupport, Call, Opinion
from .plan_import import import_plan_file

PLANS_DIR = Path(__file__).resolve().parent / "data" / "plans"
PLANS = [
    ("karlovarsky-kraj-plan-prace-2011-2012.txt", "Karlovarský kraj", "KK"),
    ("liberecky-kraj-sprss-2014-2017-karty.txt", "Liberecký kraj", "LK"),
]

STATEMENTS = dict(
    s1_verdict="yes", s1_text="Projekt navazuje na aktivity plánu práce kraje uvedené níže.",
    s2_verdict="yes", s2_text="Kapacita služby v území neodpovídá zjištěné potřebě (analýza potřeb 2011).",
    s3_verdict="positive", s3_text="Předkladatel poskytuje služby v kraji dlouhodobě a bez závažných zjištění.",
    s4_verdict="not_funded", s4_text="Aktivity projektu nejsou financovány z individuálních projektů kraje.",
)


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _calls(today: date) -> dict[str, Call]:
    programme = load_programmes()
    area31 = AreaOfSupport.objects.get(programme=programme, code="3.1")
    area32 = AreaOfSupport.objects.get(programme=programme, code="3.2")
    call56, _ = Call.objects.get_or_create(
        programme=programme, number="56", defaults={
            "area": area31, "name": "Podpora sociální integrace a sociálních služeb",
            "opens_on": today - timedelta(days=45), "submission_deadline": today + timedelta(days=40)})
    call30, _ = Call.objects.get_or_create(
        programme=programme, number="30", defaults={
            "area": area32, "name": "Podpora sociální integrace příslušníků romských lokalit",
            "opens_on": today - timedelta(days=20), "submission_deadline": today + timedelta(days=12)})
    return {"56": call56, "30": call30}


def _task(process):
    """The open human task of the process (draft or approval)."""
    return (Task.objects.filter(process=process, status__in=(STATUS.NEW, STATUS.ASSIGNED), flow_task_type="HUMAN")
            .order_by("-pk").first())


def _take(task, user):
    with task.activation() as activation:
        if activation.task.owner_id is None:
            activation.assign(user)
    task.refresh_from_db()
    return task


IP_ANSWER = ("Projekt hradí jiné pracovní úvazky a jiné období než individuální projekt kraje; "
             "k dvojímu financování téže činnosti nedojde.")


def _draft(process, user, *, submit=True, answer=IP_ANSWER):
    from opinions import selectors

    task = _take(_task(process), user)
    opinion = Opinion.objects.get(case_id=process.case_id)
    ids = [s.item.pk for s in selectors.suggestions_for(opinion)[:2]]
    # the region's IPs fund the running costs of services; the demo projects add capacity beyond them
    answers = {w.pk: {"reason": "complementary", "text": answer} for w in opinion.ip_warnings.all()} if answer else {}
    with task.activation() as activation:
        activation.start(None)
        services.opinion_draft_save(opinion=opinion, actor=user, activity_ids=ids, ip_answers=answers,
                                    **{**STATEMENTS, "s1_verdict": "yes" if ids else "no"})
        if submit:
            services.opinion_submit(opinion=opinion, actor=user, task=task)
            activation.execute()


def _decide(process, user, *, approve=True, comment=""):
    task = _take(_task(process), user)
    opinion = Opinion.objects.get(case_id=process.case_id)
    with task.activation() as activation:
        activation.start(None)
        if approve:
            services.opinion_approve(opinion=opinion, actor=user, task=task)
        else:
            services.opinion_return(opinion=opinion, actor=user, comment=comment, task=task)
        activation.execute()


def seed() -> str:
    from opinions.flows import OpinionFlow, opinion_request_start
    from workflows.jobs import run_job

    today = timezone.localdate()
    load_programmes()
    load_individual_projects()
    reports = []
    for filename, region, code in PLANS:
        report = import_plan_file(PLANS_DIR / filename, region_name=region, region_code=code)
        reports.append(f"{region}: {'nový' if report.created else ('změněn' if report.changes else 'beze změn')}")
    calls = _calls(today)
    planner, coordinator, head, deputy, portal = (
        _user("planovac"), _user("koordinator"), _user("vedouci"), _user("zastupce"), _user("portal"))
    if not all([planner, coordinator, head, deputy]):
        return "; ".join(reports) + "; demo uživatelé chybí – vyjádření nezaložena"

    base = dict(whole_region=False, districts=["Sokolov"], period_start=date(2012, 1, 1),
                period_end=date(2012, 12, 31), budget="1850000", call=calls["56"], area="3.1")
    demo = [
        # (key title, request, what happens next)
        ("Terénní pečovatelská služba na Chebsku", dict(
            applicant_ico="12345601", applicant_name="Sociální služby Chebsko, z. ú.", districts=["Cheb"],
            applicant_address="Nádražní 12, 350 02 Cheb", service_types=["40", "39"], target_groups=["S", "OZP"],
            contact_email="projekty@chebsko.example.invalid"), "new"),
        ("Terénní práce v sociálně vyloučených lokalitách Sokolovska", dict(
            applicant_ico="24681008", applicant_name="Spolek Porozumění Sokolov, z. s.", applicant_address="Rokycanova 1929, 356 01 Sokolov",
            call=calls["30"], area="3.2",
            service_types=["69", "65"], target_groups=["OSV", "ROM"], contact_email="porozumeni@example.invalid"),
         "new"),
        ("Rozvoj denního stacionáře pro seniory v Karlových Varech", dict(
            applicant_ico="35791101", applicant_name="Domov Pod Vyhlídkou, o.p.s.", applicant_address="Vyhlídková 8, 360 01 Karlovy Vary",
            districts=["Karlovy Vary"],
            service_types=["46"], target_groups=["S"], contact_email="vyhlidka@example.invalid"), "waiting"),
        ("Chráněné bydlení pro lidi s mentálním postižením", dict(
            applicant_ico="44556608", applicant_name="Naděje pro Sokolov, z. s.", applicant_address="Jednoty 1773, 356 01 Sokolov", service_types=["51", "43"],
            target_groups=["OZP"], contact_email="nadeje@example.invalid"), "returned"),
        ("Nízkoprahový klub pro děti a mládež Ostrov", dict(
            applicant_ico="55667708", applicant_name="Klub Klíček Ostrov, z. s.", applicant_address="Masarykova 717, 363 01 Ostrov", districts=["Karlovy Vary"],
            service_types=["62"], target_groups=["DM"], contact_email="klicek@example.invalid"), "issued"),
        ("Sociální rehabilitace pro lidi s duševním onemocněním", dict(
            applicant_ico="66778808", applicant_name="Most k duši Sokolov, z. ú.", applicant_address="Husitská 1800, 356 01 Sokolov", service_types=["70"],
            target_groups=["DUS"], period_start=date(2013, 1, 1), period_end=date(2013, 12, 31),
            contact_email="most@example.invalid"), "ip_warning"),
        ("Azylový dům pro matky s dětmi Cheb", dict(
            applicant_ico="77889908", applicant_name="Azyl Cheb, z. s.", applicant_address="Evropská 26, 350 02 Cheb", districts=["Cheb"], service_types=["57"],
            target_groups=["RD", "OSV"], received_on=today - timedelta(days=40)), "overdue"),
    ]
    created = 0
    region = get_region()
    for title, overrides, state in demo:
        if Opinion.objects.filter(project_title=title).exists():
            continue
        data = {**base, **overrides, "project_title": title}
        if any(d not in region.districts for d in data["districts"]):  # a demo switched to another region
            data.update(whole_region=True, districts=[])
        actor = portal if state == "new" and portal else planner
        with transaction.atomic():
            process = opinion_request_start(actor=actor, **data)
        created += 1
        drafter = coordinator if data["area"] == "3.2" else planner
        if state in ("waiting", "returned", "issued"):
            _draft(process, drafter)
        if state == "returned":
            _decide(process, head, approve=False,
                    comment="Doplňte prosím v bodě 2 počet čekatelů z analýzy potřeb okresu Sokolov.")
        if state == "issued":
            _decide(process, head, approve=True)
            job = Task.objects.filter(process=process, flow_task=OpinionFlow.render, status=STATUS.SCHEDULED).first()
            if job is not None:
                run_job(job.pk)  # render now; the broker's copy of the message is then skipped
        if state == "ip_warning":
            _take(_task(process), drafter)
    return "; ".join(reports) + f"; IP {len(services.selectors.individual_projects())}, výzvy 2, nová vyjádření {created}"


__all__ = ["seed"]
