"""Proceedings that end in the right act (issue 10): an ex officio cancellation whose grounds fail ends by
usnesení o zastavení (§ 66 odst. 2) without a § 36(3) notice; ending some of several services is a change
of registration; an expert opinion adds its time to the decision deadline; a refusal cites a condition."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registrations import selectors
from registrations import services as svc
from registrations.models import Proceeding, RegisteredService
from registrations.flows.cancellation import CancellationFlow as C
from registrations.flows.registration import RegistrationFlow as F
from workflows.models import Case, Document

from tests.flowkit import checklist, do, run_jobs
from tests.registrations.factories import PROVIDER_ICO, ProviderDataFactory, ServiceDataFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_services(officer):
    """A provider registered for two services (final 8. 9. 2026)."""
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), received_on=date(2026, 8, 3),
                            services=[ServiceDataFactory(), ServiceDataFactory(service_type="39", form="field", capacity=5, place="Cheb")])
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted", omit_reasoning=True)
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 8, 20), collected_on=date(2026, 8, 21))
    do(process, F.appeal_period, officer, final_on=date(2026, 9, 8))
    return list(RegisteredService.objects.filter(provider__ico=PROVIDER_ICO).order_by("pk"))


def test_ex_officio_cancellation_whose_grounds_fail_ends_by_usneseni_noted_in_file(officer, two_services, docx_text):
    provider = two_services[0].provider
    with pytest.raises(ValidationError, match="§ 82 odst. 3"):
        svc.cancellation_open(provider=provider, services=two_services, ex_officio=True, grounds="Podnět.")
    process = C.receive.run(user=officer, provider=provider, services=two_services, ex_officio=True, ground="c",
                            grounds="Podnět ke kontrole standardů kvality.", received_on=date(2026, 10, 1))
    run_jobs(process)
    do(process, C.deliver_opening_notice, officer, channel="data_box", ready_on=date(2026, 10, 2),
       collected_on=date(2026, 10, 2))
    with pytest.raises(ValidationError, match="zrušit registraci, nebo řízení zastavit"):
        do(process, C.assess, officer, proposal="refused", reasoning="x")
    with pytest.raises(ValidationError, match="proč se důvod"):
        do(process, C.assess, officer, proposal="terminated")
    do(process, C.assess, officer, proposal="terminated", reasoning="Inspekce zjistila, že standardy jsou plněny.")
    case = Case.objects.get(pk=process.case_id)
    # an outcome in the provider's favour: no § 36 odst. 3 notice is demanded
    assert not Document.objects.filter(case=case, kind="reg_evidence_notice").exists()
    usneseni = Document.objects.get(case=case, kind="reg_termination")
    text = docx_text(usneseni)
    assert "§ 66 odst. 2" in text and "zastavuje řízení o zrušení registrace" in text
    assert "zamítá" not in text and "žádost o" not in text  # there is no application to refuse
    assert "poznamenává do spisu" in text
    # noted in the file: no delivery, no appeal period; the registry stays as it was
    process.refresh_from_db()
    assert process.status == "DONE"
    proceeding = case.proceeding
    assert proceeding.outcome == Proceeding.Outcome.TERMINATED and proceeding.final_on == timezone.localdate()
    assert case.events.filter(action="noted_in_file").exists()
    assert all(s.state == RegisteredService.State.ACTIVE for s in RegisteredService.objects.filter(provider=provider))


def test_ending_some_of_several_services_is_a_change_of_registration(officer, two_services, docx_text):
    ended, kept = two_services
    ends_on = timezone.localdate() + timedelta(days=120)
    process = C.receive.run(user=officer, provider=ended.provider, services=[ended], ex_officio=False,
                            grounds="Poskytovatel ukončuje domov pro seniory.", received_on=timezone.localdate(),
                            service_ends_on=ends_on)
    case = Case.objects.get(pk=process.case_id)
    assert case.events.filter(action="partial_cancellation").exists()
    assert not case.events.filter(action="late_cancellation_request").exists()
    do(process, C.assess, officer, proposal="granted", reasoning="Na žádost poskytovatele.")
    decision = Document.objects.get(case=case, kind="reg_decision_change")
    text = docx_text(decision)
    assert "Rozhodnutí o změně registrace" in text and "§ 82 odst. 2" in text
    assert "nikoli o zrušení registrace" in text
    assert f"ukončeno ke dni {ends_on.day}. {ends_on.month}. {ends_on.year}" in text
    assert not Document.objects.filter(case=case, kind="reg_decision_cancellation").exists()


def test_expert_opinion_extends_by_the_time_it_takes(officer):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()], received_on=date(2026, 9, 1))
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted",
       reasoning="Posudek statika.", extension_days=30, extension_ground="complex_case")
    proceeding.refresh_from_db()
    # 1. 9. + 30 + 30 = 31. 10. (Sat) → Mon 2. 11.
    assert selectors.current_decision_deadline(proceeding) == date(2026, 11, 2)
    proceeding.phase = Proceeding.Phase.ASSESSMENT
    proceeding.save(update_fields=["phase"])
    with pytest.raises(ValidationError, match="nejvýše o 30 dní"):
        svc.assessment_record(proceeding=proceeding, answers=checklist(proceeding, "conditions"), proposal="granted",
                              reasoning="x", extension_days=1, extension_ground="hearing", actor=officer)
    svc.assessment_record(proceeding=proceeding, answers=checklist(proceeding, "conditions"), proposal="granted",
                          reasoning="Posudek statika.", extension_days=45, extension_ground="expert_opinion",
                          actor=officer)
    # + 45 days for the expert opinion (§ 71 odst. 3 písm. b)): 1. 9. + 105 = 15. 12. 2026 (Tue)
    assert selectors.current_decision_deadline(proceeding) == date(2026, 12, 15)


def test_a_refusal_cites_a_condition_really_unmet(officer):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()], received_on=date(2026, 9, 1))
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, answers=checklist(proceeding))
    with pytest.raises(ValidationError, match="cituje podmínku registrace, která není splněna"):
        do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="refused",
           reasoning="Chybí finanční zajištění.")
    items = {i.code for i in selectors.checklist_for(proceeding, "conditions")}
    assert {"cond_qualification", "cond_integrity", "cond_premises", "cond_material", "cond_insolvency",
            "cond_insurance"} <= items
    grounds = {i.legal_ground for i in selectors.checklist_for(proceeding, "conditions")}
    assert "§ 79 odst. 1 písm. g)" in grounds and "§ 80" in grounds
    assert not any("finanč" in i.label for i in selectors.checklist_for(proceeding, "conditions"))
