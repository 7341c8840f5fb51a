"""Demo data of the registration agenda: fictitious providers in different states.

Idempotent (a provider that exists is left alone). Drives the real flows, so cases, tasks,
history, documents and registry versions look exactly like real work; worker jobs are run
in-process here (the worker skips them later as already done). Dates are relative to today.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import deadlines

from .catalogues import ensure_default_checklist
from .models import Proceeding, Provider, RegisteredService


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _run_jobs(process):
    from workflows.jobs import run_job

    for _ in range(10):
        pending = list(Task.objects.filter(process=process, flow_task_type="JOB", status=STATUS.SCHEDULED))
        if not pending:
            return
        for task in pending:
            run_job(task.pk)


def _do(process, node, user, **data):
    task = Task.objects.get(process=process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    with task.activation() as activation:
        if activation.task.status == STATUS.NEW:
            activation.assign(user)
        activation.start(None)
        getattr(node.flow_class.instance, node.handler)(activation, user=user, **data)
        activation.execute()
    _run_jobs(process)


def _answers(proceeding, stage="completeness", missing=()):
    from .selectors import checklist_for

    return {i.code: (i.code not in missing, "nedoloženo" if i.code in missing else "")
            for i in checklist_for(proceeding, stage)}


def _workday(day):
    while not deadlines.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _provider(ico, name, **kw):
    return {"ico": ico, "name": name, "address": kw.pop("address"), "legal_form": kw.pop("legal_form", ""),
            "statutory_body": kw.pop("statutory_body", ""), "email": kw.pop("email", ""), "data_box": kw.pop("data_box", ""),
            **kw}


def _service(paragraph, form, place, capacity, groups, territory="", age_from=None, age_to=None, start_on=None):
    return {"service_type": paragraph, "form": form, "place": place, "capacity": capacity, "target_groups": groups,
            "territory": territory, "age_from": age_from, "age_to": age_to, "start_on": start_on}


def _register(officer, provider, services, received_ago: int, *, final=True, national_ids=()):
    """A1 to the end (or to the appeal period when ``final`` is False)."""
    from registrations.flows.registration import RegistrationFlow as F

    today = timezone.localdate()
    received = _workday(today - timedelta(days=received_ago))
    process = F.receive.run(user=officer, provider=provider, services=services, received_on=received)
    proceeding = Proceeding.objects.get(case=process.case)
    _do(process, F.check, officer, answers=_answers(proceeding))
    _do(process, F.assess, officer, answers=_answers(proceeding, "conditions"), proposal="granted",
        reasoning="Žadatel doložil splnění podmínek § 79 zákona o sociálních službách.", omit_reasoning=False)
    ready = received + timedelta(days=12)
    _do(process, F.deliver_decision, officer, channel="data_box", ready_on=ready, collected_on=ready + timedelta(days=1))
    if not final:
        return process
    proceeding.refresh_from_db()
    final_on = deadlines.finality_date(proceeding.decision_delivered_on)
    _do(process, F.appeal_period, officer, final_on=final_on)
    from .services import service_set_national_id

    for service, national_id in zip(RegisteredService.objects.filter(registration_case=process.case).order_by("pk"),
                                    national_ids):
        service_set_national_id(service=service, national_id=national_id, actor=officer)
    return process


def seed() -> str:
    officer = _user("referent") or _user("spravce")
    officer2 = _user("referent2") or officer
    if officer is None:
        return "přeskočeno (chybí demo uživatelé)"
    ensure_default_checklist()
    today = timezone.localdate()
    created = []

    # 1. registered long ago, with § 85 identifiers; a late notice of changes recorded
    if not Provider.objects.filter(ico="44312211").exists():
        _register(officer, _provider("44312211", "Domov Slunečnice, o. p. s.", address="Lázeňská 14, 360 01 Karlovy Vary",
                                     legal_form="obecně prospěšná společnost", statutory_body="Ing. Hana Vymyšlená, ředitelka",
                                     email="info@slunecnice.example", data_box="sl9u2ne"),
                  [_service("49", "residential", "Lázeňská 14, Karlovy Vary", 48, ["S"], "Karlovarský kraj", 65),
                   _service("50", "residential", "Lázeňská 16, Karlovy Vary", 20, ["S", "DUS"], "Karlovarský kraj", 55)],
                  received_ago=150, national_ids=("4471823", "6123947"))
        from registrations.flows.change_notice import ChangeNoticeFlow as N

        service = RegisteredService.objects.filter(provider__ico="44312211").first()
        change = _workday(today - timedelta(days=70))
        process = N.receive.run(user=officer, ico="44312211", service=service, change_date=change,
                                received_on=_workday(today - timedelta(days=20)), acknowledge=True,
                                items=[{"kind": "staff", "description": "Nástup dvou pracovnic v sociálních službách",
                                        "personal_data": True}])
        _do(process, N.check_notice, officer, action="record", note="Doklady o bezúhonnosti a kvalifikaci doloženy.")
        created.append("Domov Slunečnice")

    # 2. registered; a change application (capacity) in assessment, and a notice of changes waiting
    if not Provider.objects.filter(ico="27147851").exists():
        _register(officer2, _provider("27147851", "Centrum Krokus, z. ú.", address="Nádražní 3, 350 02 Cheb",
                                      legal_form="zapsaný ústav", data_box="kro4kus"),
                  [_service("37", "outpatient", "Nádražní 3, Cheb", 4, ["RD", "DM"], "okres Cheb"),
                   _service("65", "field", "okres Cheb", 10, ["RD"], "okres Cheb")],
                  received_ago=120, national_ids=("3390016",))
        from registrations.flows.change_application import ChangeApplicationFlow as A
        from registrations.flows.change_notice import ChangeNoticeFlow as N

        from .selectors import change_services_from_registered

        service = RegisteredService.objects.filter(provider__ico="27147851", service_type__paragraph="65").first()
        process = A.receive.run(
            user=officer2, provider={"ico": "27147851", "name": "Centrum Krokus, z. ú.", "address": "Nádražní 3, 350 02 Cheb"},
            services=[change_services_from_registered(service, capacity=16, territory="okresy Cheb a Sokolov")],
            received_on=_workday(today - timedelta(days=9)),
        )
        proceeding = Proceeding.objects.get(case=process.case)
        _do(process, A.check, officer2, answers=_answers(proceeding))
        N.receive.run(user=_user("portal"), ico="27147851", service=service, change_date=_workday(today - timedelta(days=6)),
                      received_on=today, items=[{"kind": "hours", "description": "Nová provozní doba Po–Pá 8–18 h"}])
        created.append("Centrum Krokus")

    # 3. application suspended: výzva delivered, waiting for the supplement (timer armed)
    if not Provider.objects.filter(ico="22659307").exists():
        from registrations.flows.registration import RegistrationFlow as F

        process = F.receive.run(
            user=officer, provider=_provider("22659307", "Spolek Dobrá ruka, z. s.", address="Husova 120, 356 01 Sokolov",
                                             legal_form="spolek", data_box="dob7ruk"),
            services=[_service("39", "field", "Sokolov a okolí", 8, ["OZP", "S"], "okres Sokolov", 18)],
            received_on=_workday(today - timedelta(days=21)),
        )
        proceeding = Proceeding.objects.get(case=process.case)
        _do(process, F.check, officer, answers=_answers(proceeding, missing=("clean_record", "qualification")),
            remedy_days=30)
        ready = _workday(today - timedelta(days=10))
        _do(process, F.deliver_deficiency, officer, channel="data_box", ready_on=ready, collected_on=ready + timedelta(days=2))
        created.append("Spolek Dobrá ruka")

    # 4. natural person without IČO: new application in the queue (from the portal)
    if not Provider.objects.filter(name="Marie Smyšlená – pečovatelská služba").exists():
        from registrations.flows.registration import RegistrationFlow as F

        F.receive.run(
            user=_user("portal"),
            provider={"ico": "", "is_natural_person": True, "name": "Marie Smyšlená – pečovatelská služba",
                      "address": "Kostelní 7, 357 33 Loket", "email": "smyslena@example.invalid",
                      "birth_date": date(1968, 5, 14), "residence_address": "Kostelní 7, 357 33 Loket"},
            services=[_service("40", "field", "Loket a okolí", 12, ["S", "OZP"], "ORP Karlovy Vary", 50)],
            received_on=_workday(today - timedelta(days=2)),
        )
        created.append("Marie Smyšlená")

    # 5. registered, then an ex officio cancellation opened (notice delivered, assessment)
    if not Provider.objects.filter(ico="69832072").exists():
        _register(officer, _provider("69832072", "Azylový dům Naděje Sokolov, z. ú.", address="Rokycanova 9, 356 01 Sokolov",
                                     legal_form="zapsaný ústav", data_box="nad3sok"),
                  [_service("57", "residential", "Rokycanova 9, Sokolov", 14, ["OSV"], "Karlovarský kraj", 18)],
                  received_ago=200)
        from registrations.flows.cancellation import CancellationFlow as C

        provider = Provider.objects.get(ico="69832072")
        process = C.receive.run(user=officer, provider=provider, services=list(provider.services.all()), ex_officio=True,
                                grounds="Poskytovatel podle zjištění inspekce neplní podmínky registrace (§ 82 odst. 3 "
                                        "písm. a) zákona o sociálních službách).",
                                received_on=_workday(today - timedelta(days=14)), ground="a")
        _run_jobs(process)
        ready = _workday(today - timedelta(days=12))
        _do(process, C.deliver_opening_notice, officer, channel="data_box", ready_on=ready, collected_on=ready)
        created.append("Azylový dům Naděje")

    # 6. registration decided, in the appeal period (finality to be confirmed by the officer)
    if not Provider.objects.filter(ico="05541379").exists():
        _register(officer2, _provider("05541379", "Terénní služby Ohře, z. s.", address="Sadová 2, 363 01 Ostrov",
                                      legal_form="spolek"),
                  [_service("69", "field", "Ostrov, Jáchymov", 5, ["ZAV", "OSV"], "ORP Ostrov", 15)],
                  received_ago=25, final=False)
        created.append("Terénní služby Ohře")

    return ", ".join(created) if created else "beze změn"
