"""A2a notice of changes, A2b change of registration, A3 cancellation — end to end."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from registrations import services as svc
from registrations.models import ChangeNotice, Proceeding, RegisteredService, RegistryVersion, RegistrationCaseKind
from registrations.flows.cancellation import CancellationFlow as C
from registrations.flows.change_application import ChangeApplicationFlow as A
from registrations.flows.change_notice import ChangeNoticeFlow as N
from registrations.flows.registration import RegistrationFlow as F
from workflows.models import Case, CaseProcess, Document

from tests.flowkit import checklist, do, run_jobs
from tests.registrations.factories import PROVIDER_ICO, ProviderDataFactory, ServiceDataFactory, ministry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(officer):
    """A provider registered through A1 (received 1. 8., final 8. 9. 2026)."""
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()], received_on=date(2026, 8, 3))
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted", omit_reasoning=True)
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 8, 20), collected_on=date(2026, 8, 21))
    do(process, F.appeal_period, officer, final_on=date(2026, 9, 8))
    return RegisteredService.objects.get(provider__ico=PROVIDER_ICO)


def test_late_notice_is_flagged_recorded_and_acknowledged(officer, registered, docx_text):
    process = N.receive.run(
        user=officer, ico=PROVIDER_ICO, service=registered, change_date=date(2026, 9, 10), received_on=date(2026, 10, 20),
        acknowledge=True, items=[{"kind": "staff", "description": "Nastoupila sociální pracovnice Bc. Eva Smyšlená",
                                  "personal_data": True}],
    )
    notice = ChangeNotice.objects.get(case=process.case)
    assert notice.is_late and notice.due_on == date(2026, 10, 15)
    do(process, N.check_notice, officer, action="record", note="Doklady v pořádku.")
    process.refresh_from_db()
    assert process.status == "DONE"
    version = RegistryVersion.objects.get(case=process.case, action="notice")
    assert version.after["late"] is True and version.service == registered
    ack = Document.objects.get(case=process.case, kind="reg_notice_ack")
    text = docx_text(ack)
    assert "po lhůtě" in text and "15. 10. 2026" in text and ack.reference_number in text
    assert ack.personal_data  # names staff: never shown to a reader
    from workflows.permissions import can_view_document

    assert not can_view_document(officer.__class__.objects.get(username="ctenar"), ack)
    assert can_view_document(officer, ack)
    notice.case.refresh_from_db()
    assert notice.case.state == Case.State.CLOSED


def test_notice_in_time_is_not_late_and_updates_contacts(officer, registered):
    process = N.receive.run(user=officer, ico=PROVIDER_ICO, change_date=date(2026, 10, 3), received_on=date(2026, 11, 16),
                            items=[{"kind": "contact", "description": "Nový telefon"}])
    assert not ChangeNotice.objects.get(case=process.case).is_late  # 15. 11. Sun → Mon 16. 11.
    with pytest.raises(ValidationError, match="7 znaků"):
        do(process, N.check_notice, officer, action="record", provider_updates={"data_box": "x"})
    do(process, N.check_notice, officer, action="record", provider_updates={"phone": "+420 777 000 111"})
    registered.provider.refresh_from_db()
    assert registered.provider.phone == "+420 777 000 111"
    version = RegistryVersion.objects.get(case=process.case, action="provider_changed")
    assert version.before == {"phone": ""} and version.after == {"phone": "+420 777 000 111"}


def test_notice_for_provider_not_in_registry_is_refused(officer):
    before = Case.objects.count()
    with pytest.raises(ValidationError, match="není v registru"):
        N.receive.run(user=officer, ico="25596641", change_date=date(2026, 10, 1), received_on=date(2026, 10, 5),
                      items=[{"kind": "contact", "description": "x"}])
    assert Case.objects.count() == before


def test_notice_converted_to_change_application_and_change_on_finality(officer, registered, docx_text):
    process = N.receive.run(user=officer, ico=PROVIDER_ICO, service=registered, change_date=date(2026, 10, 1),
                            received_on=date(2026, 10, 5), items=[{"kind": "other", "description": "Navýšení kapacity na 30 lůžek"}])
    do(process, N.check_notice, officer, action="convert", capacity=30, note="Kapacita je údaj rozhodnutí (§ 82 odst. 2).")
    notice = ChangeNotice.objects.get(case=process.case)
    assert notice.status == ChangeNotice.Status.CONVERTED
    change_case = notice.converted_to
    assert change_case.kind == RegistrationCaseKind.CHANGE_APPLICATION
    change = CaseProcess.objects.get(case=change_case)
    proceeding = change_case.proceeding

    # A2b reuses the completeness / výzva / přerušení steps
    do(change, A.check, officer, answers=checklist(proceeding, missing=("hygiene",)))
    assert Document.objects.filter(case=change_case, kind="reg_deficiency").exists()
    do(change, A.deliver_deficiency, officer, channel="data_box", ready_on=date(2026, 10, 6), collected_on=date(2026, 10, 6))
    change_case.refresh_from_db()
    assert change_case.state == Case.State.SUSPENDED
    do(change, A.await_supplement, officer, received_on=date(2026, 10, 12))
    do(change, A.check, officer, answers=checklist(proceeding))
    do(change, A.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted",
       reasoning="Prostory pro 30 uživatelů odpovídají hygienickým požadavkům.")
    decision = Document.objects.get(case=change_case, kind="reg_decision_change")
    text = docx_text(decision)
    assert "se mění takto" in text and "kapacita: z „24“ na „30“" in text and decision.reference_number in text
    # the service is named by its § 85 identifier, never by the registration case's file mark
    assert "identifikátor služby dosud nepřidělen" in text and registered.registration_case.file_mark not in text
    assert "nejdříve ode dne nabytí právní moci" in text
    do(change, A.deliver_decision, officer, channel="data_box", ready_on=date(2026, 10, 20), collected_on=date(2026, 10, 20))
    registered.refresh_from_db()
    assert registered.capacity == 24  # only from finality
    do(change, A.appeal_period, officer, final_on=date(2026, 11, 5))
    registered.refresh_from_db()
    assert registered.capacity == 30
    version = RegistryVersion.objects.get(case=change_case, action="changed")
    assert version.before["capacity"] == 24 and version.after["capacity"] == 30 and version.document == decision


def test_ex_officio_cancellation_closes_the_registry_entry(officer, registered, docx_text):
    provider = registered.provider
    process = C.receive.run(user=officer, provider=provider, services=[registered], ex_officio=True, ground="a",
                            grounds="Opakované porušení podmínek registrace zjištěné inspekcí.",
                            received_on=date(2026, 9, 18))
    run_jobs(process)
    case = process.case
    assert case.deadline is None  # the clock starts at delivery of the notice of opening
    opening = Document.objects.get(case=case, kind="reg_opening_notice")
    assert "z moci úřední" in docx_text(opening)
    do(process, C.deliver_opening_notice, officer, channel="data_box", ready_on=date(2026, 9, 21), collected_on=date(2026, 9, 22))
    case.refresh_from_db()
    assert case.deadline == date(2026, 10, 22)
    do(process, C.assess, officer, proposal="granted", reasoning="Podmínky § 79 nejsou plněny.")
    # ex officio: § 36(3) notice always before the decision
    assert Document.objects.filter(case=case, kind="reg_evidence_notice").exists()
    do(process, C.deliver_evidence_notice, officer, channel="data_box", ready_on=date(2026, 10, 1), collected_on=date(2026, 10, 1))
    do(process, C.await_comments, officer, comments="")
    decision = Document.objects.get(case=case, kind="reg_decision_cancellation")
    text = docx_text(decision)
    assert "se ruší" in text and "§ 82 odst. 3" in text and "Domovy pro seniory" in text
    assert decision.reference_number in text
    do(process, C.deliver_decision, officer, channel="post", ready_on=date(2026, 10, 5), collected_on=date(2026, 10, 7))
    do(process, C.appeal_period, officer, appeal_received_on=date(2026, 10, 15))
    do(process, C.decide_appeal, officer, route="forwarded", forwarded_on=date(2026, 10, 20),
       points="Odvolatel nesouhlasí se zrušením registrace.", note="Důvody pro § 87 nejsou.")
    do(process, C.ministry_outcome, officer, **ministry("dismissed", outcome_on=date(2026, 11, 9), notified_on=date(2026, 11, 12)))
    registered.refresh_from_db()
    assert registered.state == RegisteredService.State.CLOSED and registered.closed_on == date(2026, 11, 12)
    from registrations import selectors

    assert selectors.registry_public_rows() == []  # no longer registered
    assert selectors.registry_public_rows(include_closed=True)[0]["closed_on"] == "2026-11-12"
    assert RegisteredService.objects.filter(pk=registered.pk).exists()  # never deleted
    version = RegistryVersion.objects.get(case=case, action="cancelled")
    assert version.before["state"] == "active" and version.after["state"] == "closed"


def test_cancellation_on_request_cancelled_returned_then_decided_again(officer, registered):
    process = C.receive.run(user=officer, provider=registered.provider, services=[registered], ex_officio=False,
                            grounds="Poskytovatel ukončuje činnost k 31. 12. 2026.", received_on=date(2026, 10, 1),
                            service_ends_on=date(2026, 12, 31))
    # 3 months before the end would have been 30. 9.: accepted, flagged to the officer
    assert process.case.events.filter(action="late_cancellation_request").exists()
    do(process, C.assess, officer, proposal="granted", reasoning="Na žádost poskytovatele.")
    do(process, C.deliver_decision, officer, channel="data_box", ready_on=date(2026, 10, 5), collected_on=date(2026, 10, 5))
    do(process, C.appeal_period, officer, appeal_received_on=date(2026, 10, 9))
    do(process, C.decide_appeal, officer, route="forwarded", forwarded_on=date(2026, 10, 12),
       points="Odvolatel nesouhlasí se zrušením registrace.", note="Důvody pro § 87 nejsou.")
    do(process, C.ministry_outcome, officer, **ministry("cancelled_returned", outcome_on=date(2026, 10, 26),
       notified_on=date(2026, 10, 27), binding_view="Den ukončení poskytování služby je třeba ověřit."))
    # cancelled and returned: the proceeding continues with a new assessment
    do(process, C.assess, officer, proposal="granted", reasoning="Znovu posouzeno.")
    assert Document.objects.filter(case=process.case, kind="reg_decision_cancellation").count() == 2
    do(process, C.deliver_decision, officer, channel="data_box", ready_on=date(2026, 10, 28), collected_on=date(2026, 10, 28))
    do(process, C.appeal_period, officer, final_on=date(2026, 11, 13))
    registered.refresh_from_db()
    assert registered.state == RegisteredService.State.CLOSED


def test_cancellation_bad_input(officer, registered):
    with pytest.raises(ValidationError, match="alespoň jednu"):
        svc.cancellation_open(provider=registered.provider, services=[], ex_officio=True, grounds="x")
    with pytest.raises(ValidationError, match="Uveďte důvody"):
        svc.cancellation_open(provider=registered.provider, services=[registered], ex_officio=True, grounds=" ")
    assert not Proceeding.objects.filter(kind=Proceeding.Kind.CANCELLATION).exists()


def test_national_id_and_applicant_record(officer, registered):
    from registrations import selectors

    svc.service_set_national_id(service=registered, national_id="1234567", actor=officer)
    with pytest.raises(ValidationError, match="7 číslic"):
        svc.service_set_national_id(service=registered, national_id="12-34", actor=officer)
    registered.refresh_from_db()
    assert registered.identifier == "1234567"
    rows = selectors.registry_public_rows()
    assert rows[0]["service_identifier"] == "1234567" and rows[0]["provider_ico"] == PROVIDER_ICO
    assert "referent" not in str(rows) and "Nováková" not in str(rows)
    record = selectors.applicant_record(PROVIDER_ICO)
    assert record["services"][0]["service_type"] == "49"


def test_notice_submitted_twice_is_written_once(officer, registered):
    data = dict(user=officer, ico=PROVIDER_ICO, change_date=date(2026, 10, 3), received_on=date(2026, 11, 2),
                items=[{"kind": "hours", "description": "Nová provozní doba"}], submission_key="form-42")
    N.receive.run(**data)
    with pytest.raises(ValidationError, match="už bylo podáno"):
        N.receive.run(**data)
    assert ChangeNotice.objects.filter(submission_key="form-42").count() == 1
    assert Case.objects.filter(kind=RegistrationCaseKind.CHANGE_NOTICE).count() == 1
