"""A1 registration proceeding driven end to end through Viewflow (jobs run in-process)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from registrations.models import Delivery, Proceeding, Provider, RegisteredService, RegistryVersion, RegistrationCaseKind
from registrations.flows.registration import RegistrationFlow as F
from workflows.models import Case, CaseEvent, Document, Suspension

from tests.flowkit import checklist, do, open_task, open_tasks, upload_broken_template, withdraw_template
from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory, ministry

pytestmark = pytest.mark.django_db


def start(officer, **kw):
    data = {"provider": ProviderDataFactory(), "services": [ServiceDataFactory(), ServiceDataFactory(field=True)],
            "received_on": date(2026, 9, 1)}
    data.update(kw)
    process = F.receive.run(user=officer, **data)
    return process, Proceeding.objects.get(case=process.case)


def test_flow_nodes_are_per_flow_copies():
    """Inherited shared steps: each flow arms only its own boundary timer."""
    from registrations.flows.change_application import ChangeApplicationFlow

    assert F.await_supplement is not ChangeApplicationFlow.await_supplement
    assert [b.flow_class for b in F.await_supplement._boundary_events] == [F]
    assert [b.flow_class for b in ChangeApplicationFlow.await_supplement._boundary_events] == [ChangeApplicationFlow]


def test_happy_path_with_suspension_delivery_finality_and_registry(officer, docx_text):
    process, proceeding = start(officer)
    case = process.case
    assert case.kind == RegistrationCaseKind.REGISTRATION and case.ico == "26997789"
    assert case.deadline == date(2026, 10, 1)  # 30 days from receipt
    provider = Provider.objects.get(ico="26997789")
    assert provider.name == ProviderDataFactory()["name"]

    # incomplete: výzva + usnesení o přerušení, rendered by the worker job
    do(process, F.check, officer, answers=checklist(proceeding, missing=("clean_record", "hygiene")), remedy_days=30)
    deficiency = Document.objects.get(case=case, kind="reg_deficiency")
    text = docx_text(deficiency)
    assert deficiency.reference_number and deficiency.reference_number in text
    assert "Domov Na Výsluní" in text and "26997789" in text
    assert "bezúhonnosti" in text and "Domovy pro seniory" in text

    # delivery to the data box, collected after 1 day: the clock stops, remedy deadline armed
    do(process, F.deliver_deficiency, officer, channel="data_box", ready_on=date(2026, 9, 7), collected_on=date(2026, 9, 8))
    case.refresh_from_db()
    proceeding.refresh_from_db()
    assert case.state == Case.State.SUSPENDED
    assert proceeding.remedy_deadline == date(2026, 10, 8)
    assert case.deadline == date(2026, 10, 8)
    timer = Task.objects.get(process=process, flow_task=F.await_supplement__timeout)
    assert timer.status == STATUS.SCHEDULED
    assert timezone.localtime(timer.scheduled).date() == date(2026, 10, 9)

    # a decision while suspended is refused
    from registrations import services as svc

    with pytest.raises(ValidationError, match="přerušeno"):
        svc.assessment_record(proceeding=proceeding, proposal="granted", answers={}, actor=officer)

    # supplement received: suspension 8. 9. – 20. 9. (13 days) moves the decision deadline
    do(process, F.await_supplement, officer, received_on=date(2026, 9, 20), note="výpisy z rejstříku trestů")
    timer.refresh_from_db()
    assert timer.status == STATUS.CANCELED
    assert Suspension.objects.get(case=case).ended_on == date(2026, 9, 20)
    case.refresh_from_db()
    assert case.state == Case.State.OPEN
    assert case.deadline == date(2026, 10, 14)

    # back to the check: now complete → assessment → decision
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted",
       reasoning="Žadatel splnil podmínky § 79.", extension_days=10, extension_ground="on_site_check")
    case.refresh_from_db()
    assert case.deadline == date(2026, 10, 26)  # 14. 10. + 10 days extension (24. 10. Sat → Mon 26. 10.)
    decision = Document.objects.get(case=case, kind="reg_decision_registration")
    text = docx_text(decision)
    assert decision.reference_number in text and case.file_mark in text
    assert "Rozhodnutí o registraci" in text and "Domov Na Výsluní" in text and "IČO 26997789" in text
    assert "Osobní asistence (§ 39" in text and "terénní" in text and "kapacita: 24" in text
    assert "Poučení" in text and "Ministerstvo práce a sociálních věcí" in text
    assert "Jana Nováková" in text

    # not collected: delivery fiction on the 10th day, appeal deadline from it
    do(process, F.deliver_decision, officer, channel="post", ready_on=date(2026, 10, 5))
    delivery = Delivery.objects.get(document=decision)
    assert delivery.by_fiction and delivery.delivered_on == date(2026, 10, 15)
    proceeding.refresh_from_db()
    assert proceeding.appeal_deadline == date(2026, 10, 30)
    assert not RegisteredService.objects.exists()  # nothing in the registry before finality

    # finality is confirmed by the officer, never before the appeal period ends
    with pytest.raises(ValidationError, match="nejdříve 31. 10. 2026"):
        do(process, F.appeal_period, officer, final_on=date(2026, 10, 30))
    assert open_task(process, F.appeal_period)  # nothing written
    do(process, F.appeal_period, officer, final_on=date(2026, 10, 31))

    process.refresh_from_db()
    assert process.status == "DONE"
    case.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.deadline is None
    services = list(RegisteredService.objects.filter(provider=provider).order_by("service_type__paragraph"))
    assert [s.service_type.paragraph for s in services] == ["39", "49"]
    assert services[1].registered_on == date(2026, 10, 31) and services[1].provided_from == date(2026, 11, 1)
    assert services[1].identifier == case.file_mark
    versions = RegistryVersion.objects.filter(provider=provider, action="registered")
    assert versions.count() == 2
    v = versions.first()
    assert v.case == case and v.document == decision and v.actor == officer and v.before is None
    assert v.after["capacity"] in (24, 5)
    assert CaseEvent.objects.filter(case=case, action="finality").exists()
    assert not open_tasks(process).exists()


def test_timeout_then_termination_ends_unregistered(officer, docx_text):
    process, proceeding = start(officer)
    do(process, F.check, officer, answers=checklist(proceeding, missing=("premises",)), remedy_days=15)
    do(process, F.deliver_deficiency, officer, channel="data_box", ready_on=date(2026, 9, 2))
    proceeding.refresh_from_db()
    # not logged in to the data box: fiction on the 10th day (12. 9. Sat → Mon 14. 9.)
    assert Delivery.objects.get(case=process.case).delivered_on == date(2026, 9, 14)
    assert proceeding.remedy_deadline == date(2026, 9, 29)  # 14. 9. + 15

    from worker.tasks import fire_timers

    assert fire_timers() == 1  # the beat task osv.fire_timers
    supplement = Task.objects.get(process=process, flow_task=F.await_supplement)
    assert supplement.status == STATUS.CANCELED
    do(process, F.remedy_missed, officer)  # nothing came
    termination = Document.objects.get(case=process.case, kind="reg_termination")
    text = docx_text(termination)
    assert "zastavuje řízení" in text and "29. 9. 2026" in text and termination.reference_number in text
    do(process, F.deliver_decision, officer, channel="in_person", ready_on=date(2026, 10, 1), collected_on=date(2026, 10, 1))
    do(process, F.appeal_period, officer, final_on=date(2026, 10, 17))
    process.refresh_from_db()
    assert process.status == "DONE"
    proceeding.refresh_from_db()
    assert proceeding.outcome == Proceeding.Outcome.TERMINATED
    assert proceeding.case.state == Case.State.CLOSED
    assert not RegisteredService.objects.exists()
    assert not RegistryVersion.objects.exclude(action="provider_created").exists()


def test_refusal_with_evidence_notice_and_appeal_upheld(officer, docx_text):
    process, proceeding = start(officer, services=[ServiceDataFactory()])
    do(process, F.check, officer, answers=checklist(proceeding))
    conditions = checklist(proceeding, "conditions", missing=("cond_material",))
    with pytest.raises(ValidationError, match="Zamítnutí musí být odůvodněno"):
        do(process, F.assess, officer, answers=conditions, proposal="refused")
    do(process, F.assess, officer, answers=conditions, proposal="refused",
       reasoning="Žadatel nedoložil zajištění finančních podmínek.", comments_days=7)
    notice = Document.objects.get(case=process.case, kind="reg_evidence_notice")
    from django.utils import timezone

    from workflows.deadlines import last_day_after_delivery

    until = last_day_after_delivery(timezone.localdate(), 7)
    assert "§ 36 odst. 3" in docx_text(notice)
    assert f"nejpozději do {until.day}. {until.month}. {until.year}" in docx_text(notice)
    do(process, F.deliver_evidence_notice, officer, channel="data_box", ready_on=date(2026, 9, 10), collected_on=date(2026, 9, 10))
    proceeding.refresh_from_db()
    # delivered 10. 9. + 7 days = 17. 9., but the notice named a later concrete day: that one holds
    assert proceeding.comments_deadline == max(until, date(2026, 9, 17))
    assert process.case.__class__.objects.get(pk=process.case_id).deadline == proceeding.comments_deadline
    with pytest.raises(ValidationError, match="vypořádá"):
        do(process, F.await_comments, officer, comments="Nesouhlasíme, rozpočet doložíme.")
    do(process, F.await_comments, officer, comments="Nesouhlasíme, rozpočet doložíme.",
       comments_answer="Personální zajištění nebylo doloženo ani s vyjádřením.")
    refusal = Document.objects.get(case=process.case, kind="reg_decision_refusal")
    text = docx_text(refusal)
    assert "se zamítá" in text and "Nesouhlasíme" in text and "§ 36 odst. 3" in text
    # the refusal cites the condition really unmet, with its písmeno
    assert "není splněna podmínka registrace podle § 79 odst. 1 písm. f)" in text
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 9, 21), collected_on=date(2026, 9, 22))
    do(process, F.appeal_period, officer, appeal_received_on=date(2026, 10, 2))
    case = Case.objects.get(pk=process.case_id)
    assert case.deadline == date(2026, 11, 2)  # forward to the ministry within 30 days (1. 11. Sun → Mon)
    do(process, F.decide_appeal, officer, route="forwarded", note="Odvolání nesplňuje podmínky § 87.",
       points="Odvolatel namítá, že finanční zajištění doložil.", forwarded_on=date(2026, 10, 20))
    cover = Document.objects.get(case=case, kind="reg_appeal_forward")
    assert refusal.reference_number in docx_text(cover)
    do(process, F.ministry_outcome, officer, **ministry("dismissed", outcome_on=date(2026, 11, 10), notified_on=date(2026, 11, 16)))
    process.refresh_from_db()
    assert process.status == "DONE"
    proceeding.refresh_from_db()
    assert proceeding.outcome == Proceeding.Outcome.REFUSED and proceeding.final_on == date(2026, 11, 16)
    assert not RegisteredService.objects.exists()


def test_refusal_appeal_granted_by_the_office_registers(officer):
    process, proceeding = start(officer, services=[ServiceDataFactory()])
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions", missing=("cond_premises",)),
       proposal="refused", reasoning="Chybí právo užívat prostory.")
    do(process, F.deliver_evidence_notice, officer, channel="data_box", ready_on=date(2026, 9, 10), collected_on=date(2026, 9, 10))
    do(process, F.await_comments, officer)
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 9, 21), collected_on=date(2026, 9, 21))
    do(process, F.appeal_period, officer, appeal_received_on=date(2026, 9, 30))
    do(process, F.decide_appeal, officer, route="autoremedy", note="Nájemní smlouva doložena s odvoláním.",
       forwarded_on=date(2026, 10, 5))
    # § 87: the proceeding continues with a new assessment and a new decision
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted", omit_reasoning=True)
    docs = Document.objects.filter(case=process.case, kind__startswith="reg_decision").order_by("pk")
    assert [d.kind for d in docs] == ["reg_decision_refusal", "reg_decision_registration"]
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 10, 12), collected_on=date(2026, 10, 12))
    do(process, F.appeal_period, officer, final_on=date(2026, 10, 13), waived_on=date(2026, 10, 13))
    assert RegisteredService.objects.filter(provider=proceeding.provider).count() == 1


def test_bad_intake_writes_nothing(officer):
    before = (Case.objects.count(), Provider.objects.count())
    bad = [
        ({"provider": ProviderDataFactory(ico="26997788")}, "kontrolní číslici"),
        ({"provider": ProviderDataFactory(ico="1234")}, "8 číslic"),
        ({"services": [ServiceDataFactory(service_type="99")]}, "Neznámý druh sociální služby"),
        ({"services": [ServiceDataFactory(capacity=0)]}, "větší než nula"),
        ({"services": [ServiceDataFactory(age_from=70, age_to=18)]}, "obrácené"),
    ]
    for kwargs, message in bad:
        with pytest.raises(ValidationError, match=message):
            start(officer, **kwargs)
    assert (Case.objects.count(), Provider.objects.count()) == before
    # natural person without IČO is fine
    with pytest.raises(ValidationError, match="datem narození"):
        start(officer, provider=ProviderDataFactory(ico="", is_natural_person=True, name="Marie Smyšlená"))
    process, proceeding = start(officer, provider=ProviderDataFactory(ico="", is_natural_person=True,
                                                                      name="Marie Smyšlená",
                                                                      birth_date=date(1975, 4, 12)))
    assert proceeding.provider.ico is None
    assert proceeding.provider.identification.startswith("Marie Smyšlená, nar. 12. 4. 1975, trvale bytem Sluneční 12")


def test_double_submission_is_refused(officer):
    start(officer, submission_key="portal-123")
    with pytest.raises(ValidationError, match="už byla podána"):
        start(officer, submission_key="portal-123")
    assert Case.objects.filter(kind=RegistrationCaseKind.REGISTRATION).count() == 1


def test_delivery_dates_in_wrong_order(officer):
    process, proceeding = start(officer)
    do(process, F.check, officer, answers=checklist(proceeding, missing=("premises",)))
    with pytest.raises(ValidationError, match="nemůže předcházet"):
        do(process, F.deliver_deficiency, officer, channel="post", ready_on=date(2026, 9, 10), collected_on=date(2026, 9, 9))
    assert not Delivery.objects.exists() and not Suspension.objects.exists()
    future = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError):
        do(process, F.deliver_deficiency, officer, channel="post", ready_on=future)


def test_supplement_posted_on_the_last_day_continues_after_the_timer(officer):
    process, proceeding = start(officer, services=[ServiceDataFactory()])
    do(process, F.check, officer, answers=checklist(proceeding, missing=("premises",)), remedy_days=10)
    do(process, F.deliver_deficiency, officer, channel="data_box", ready_on=date(2026, 9, 2), collected_on=date(2026, 9, 2))
    assert fire_due_timers() == 1
    # posted on 12. 9. (the last day), arrived on 15. 9.: the proceeding continues, no termination
    do(process, F.remedy_missed, officer, supplement_received_on=date(2026, 9, 15), note="podáno poštou 12. 9.")
    assert open_task(process, F.check)
    assert not Document.objects.filter(case=process.case, kind="reg_termination").exists()
    case = Case.objects.get(pk=process.case_id)
    assert case.state == Case.State.OPEN
    # suspension 2. 9. – 15. 9. (14 days): 1. 10. + 14 = 15. 10.
    assert case.deadline == date(2026, 10, 15)


def test_remedy_deadline_extended_on_request_moves_the_timer(officer):
    from django.test import Client

    process, proceeding = start(officer, services=[ServiceDataFactory()])
    do(process, F.check, officer, answers=checklist(proceeding, missing=("premises",)), remedy_days=30)
    today = timezone.localdate()
    do(process, F.deliver_deficiency, officer, channel="data_box", ready_on=today - timedelta(days=5),
       collected_on=today - timedelta(days=5))
    proceeding.refresh_from_db()
    old = proceeding.remedy_deadline
    client = Client()
    client.force_login(officer)
    bad = client.post(f"/registry/pripad/{process.case_id}/prodlouzit-lhutu/", {"new_deadline": old.isoformat()}, follow=True)
    assert "musí být pozdější" in bad.content.decode()
    new = old + timedelta(days=14)
    client.post(f"/registry/pripad/{process.case_id}/prodlouzit-lhutu/", {"new_deadline": new.isoformat(), "note": "žádost"})
    proceeding.refresh_from_db()
    assert proceeding.remedy_deadline >= new
    timer = Task.objects.get(process=process, flow_task=F.await_supplement__timeout)
    assert timezone.localtime(timer.scheduled).date() == proceeding.remedy_deadline + timedelta(days=1)
    assert Case.objects.get(pk=process.case_id).deadline == proceeding.remedy_deadline
    assert fire_due_timers() == 0  # not due yet


def test_failed_document_job_goes_to_repair_and_is_retried(officer):
    """A faulty uploaded decision template: the job fails for real, the officer withdraws it
    and retries from the repair step; one decision is issued."""
    from workflows import jobs

    process, proceeding = start(officer, services=[ServiceDataFactory()])
    do(process, F.check, officer, answers=checklist(proceeding))
    faulty = upload_broken_template("reg_decision_registration")
    do(process, F.assess, officer, in_process_jobs=False, answers=checklist(proceeding, "conditions"),
       proposal="granted", reasoning="ok")
    job = Task.objects.get(process=process, flow_task=F.issue_decision)
    assert jobs.run_job(job.pk) == "error"
    job.refresh_from_db()
    assert job.status == STATUS.CANCELED  # routed to the repair step by .OnError
    assert not Document.objects.filter(case=process.case, kind="reg_decision_registration").exists()
    assert CaseEvent.objects.filter(case=process.case, action="job_error").exists()
    withdraw_template(faulty)
    do(process, F.repair, officer, note="šablona nahrána znovu")
    assert Document.objects.filter(case=process.case, kind="reg_decision_registration").count() == 1
    assert open_task(process, F.deliver_decision)
