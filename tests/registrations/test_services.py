"""Bad input to the registration services: a clear Czech message, nothing written."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from registrations import services as svc
from registrations.models import Provider, RegistryVersion
from registrations.flows.registration import RegistrationFlow as F
from workflows.models import Case, CaseEvent

from tests.flowkit import checklist, do
from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ico, natural, message", [
    ("", False, "Zadejte IČO"),
    ("2699778", False, "8 číslic"),
    ("2699778A", False, "8 číslic"),
    ("26997788", False, "kontrolní číslici"),
])
def test_invalid_ico(ico, natural, message):
    with pytest.raises(ValidationError, match=message):
        svc.validate_ico(ico, natural_person=natural)


def test_valid_ico_forms():
    assert svc.validate_ico(" 2699 7789 ") == "26997789"
    assert svc.validate_ico("", natural_person=True) is None


def test_provider_is_one_record_per_ico(officer):
    first = svc.provider_upsert(actor=officer, **ProviderDataFactory())
    again = svc.provider_upsert(actor=officer, **ProviderDataFactory(name="Jiný název"))
    assert first.pk == again.pk and Provider.objects.count() == 1
    assert RegistryVersion.objects.filter(action="provider_created").count() == 1


def test_change_application_for_a_service_of_another_provider_is_refused(officer):
    with pytest.raises(ValidationError, match="registrované služby tohoto poskytovatele"):
        svc.application_receive(kind="change", provider=ProviderDataFactory(), services=[ServiceDataFactory()], received_on=date(2026, 9, 1),
                                actor=officer)
    assert not Case.objects.exists()


def test_application_without_services_or_in_the_future(officer):
    with pytest.raises(ValidationError, match="alespoň jednu"):
        svc.application_receive(kind="registration", provider=ProviderDataFactory(), services=[], actor=officer)
    with pytest.raises(ValidationError, match="budoucnosti"):
        svc.application_receive(kind="registration", provider=ProviderDataFactory(), services=[ServiceDataFactory()],
                                received_on=date(2099, 1, 1), actor=officer)
    assert not Case.objects.exists() and not Provider.objects.exists()


def test_proceeding_steps_out_of_order_write_nothing(officer):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()], received_on=date(2026, 9, 1))
    proceeding = process.case.proceeding
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError, match="nebylo doručeno"):
        svc.comments_record(proceeding=proceeding, comments="x", actor=officer)
    with pytest.raises(ValidationError, match="nebylo doručeno"):
        svc.appeal_period_record(proceeding=proceeding, final_on=date(2026, 10, 30), actor=officer)
    with pytest.raises(ValidationError, match="není přerušeno"):
        svc.supplement_receive(proceeding=proceeding, received_on=date(2026, 9, 5), actor=officer)
    with pytest.raises(ValidationError, match="Zvolte návrh"):
        svc.assessment_record(proceeding=proceeding, proposal="maybe", actor=officer)
    assert CaseEvent.objects.count() == events
    # an extension needs a ground and may not exceed 30 days
    do(process, F.check, officer, answers=checklist(proceeding))
    proceeding.refresh_from_db()
    conditions = checklist(proceeding, "conditions")
    with pytest.raises(ValidationError, match="musí mít důvod"):
        svc.assessment_record(proceeding=proceeding, answers=conditions, proposal="granted", extension_days=10,
                              actor=officer)
    with pytest.raises(ValidationError, match="nejvýše o 30"):
        svc.assessment_record(proceeding=proceeding, answers=conditions, proposal="granted", extension_days=31,
                              extension_ground="hearing", actor=officer)
    with pytest.raises(ValidationError, match="nejsou splněny podmínky"):
        svc.assessment_record(proceeding=proceeding, answers=checklist(proceeding, "conditions", missing=("cond_material",)),
                              proposal="granted", actor=officer)
    assert not process.case.extensions.exists()


def test_appeal_before_delivery_and_finality_rules(officer):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()], received_on=date(2026, 9, 1))
    proceeding = process.case.proceeding
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted", reasoning="ok")
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 10, 1), collected_on=date(2026, 10, 2))
    proceeding.refresh_from_db()
    with pytest.raises(ValidationError, match="před doručením rozhodnutí"):
        svc.appeal_period_record(proceeding=proceeding, appeal_received_on=date(2026, 9, 30), actor=officer)
    with pytest.raises(ValidationError, match="buď odvolání, nebo právní moc"):
        svc.appeal_period_record(proceeding=proceeding, appeal_received_on=date(2026, 10, 5), final_on=date(2026, 10, 20),
                                 actor=officer)
    with pytest.raises(ValidationError, match="vzdát až po"):
        svc.appeal_period_record(proceeding=proceeding, final_on=date(2026, 10, 3), waived_on=date(2026, 9, 30),
                                 actor=officer)
    # waiver: final on the day of the waiver
    do(process, F.appeal_period, officer, final_on=date(2026, 10, 5), waived_on=date(2026, 10, 5))
    assert process.case.proceeding.__class__.objects.get(pk=proceeding.pk).final_on == date(2026, 10, 5)
