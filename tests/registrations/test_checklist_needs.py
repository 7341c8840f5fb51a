"""The completeness checklist offers only what the proceeding needs (issue 12, item 3): a change
of capacity asks for no founding document, a change of the territory for no premises; a remark
"žádné" in the further deficiencies is no deficiency; the history counts in Czech plural."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from registrations.flows.registration import RegistrationFlow as F
from registrations.models import ChecklistAnswer, ChecklistItem, Proceeding, RegisteredService
from registrations.selectors import checklist_for, missing_items
from registrations.services.completeness import completeness_record
from workflows.models import CaseEvent

from tests.flowkit import checklist
from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory

pytestmark = pytest.mark.django_db

COMPLETENESS = ChecklistItem.Stage.COMPLETENESS


def _change(officer, **changed) -> Proceeding:
    from registrations import demo
    from registrations.flows.change_application import ChangeApplicationFlow

    reverse("cases:dashboard")  # loads the URL configuration (the Viewflow site's namespaces)
    demo.seed()
    service = RegisteredService.objects.filter(state="active", form="outpatient").first() or \
        RegisteredService.objects.filter(state="active").exclude(form="residential").first()
    client = Client()
    client.force_login(officer)
    response = client.post(ChangeApplicationFlow.start.reverse("execute"),
                           {"service": service.pk, "received_on": "1. 9. 2026", **changed})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Proceeding.objects.filter(kind=Proceeding.Kind.CHANGE).latest("pk")


def _codes(proceeding, stage=COMPLETENESS) -> set[str]:
    return {i.code for i in checklist_for(proceeding, stage)}


def test_a_change_of_capacity_asks_for_no_founding_document(demo_users, officer):
    proceeding = _change(officer, capacity="40")
    assert proceeding.changed_fields == {"capacity"}
    codes = _codes(proceeding)
    assert "founding_document" not in codes
    assert {"application", "description", "premises", "qualification"} <= codes
    assert "hygiene" not in codes  # not a residential service


def test_a_change_of_territory_asks_only_for_what_the_territory_touches(demo_users, officer):
    proceeding = _change(officer, territory="okres Cheb a okres Sokolov")
    assert proceeding.changed_fields == {"territory"}
    assert _codes(proceeding) == {"application", "description"}
    assert "cond_premises" not in _codes(proceeding, ChecklistItem.Stage.CONDITIONS)


def test_a_registration_asks_for_everything_its_forms_need(demo_users, officer):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(),
                            services=[ServiceDataFactory(form="residential")], received_on=date(2026, 9, 1))
    codes = _codes(process.case.proceeding)
    assert {"founding_document", "clean_record", "premises", "hygiene", "material_conditions"} <= codes


def test_an_answer_to_an_item_the_proceeding_does_not_need_is_no_deficiency(demo_users, officer):
    proceeding = _change(officer, capacity="40")
    founding = ChecklistItem.objects.get(code="founding_document")
    ChecklistAnswer.objects.create(proceeding=proceeding, item=founding, fulfilled=False)
    assert missing_items(proceeding) == []
    description = ChecklistItem.objects.get(code="description")
    ChecklistAnswer.objects.create(proceeding=proceeding, item=description, fulfilled=False)
    assert [a.item.code for a in missing_items(proceeding)] == ["description"]


def test_a_positive_remark_is_no_deficiency_and_the_count_is_czech(demo_users, officer):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()],
                            received_on=date(2026, 9, 1))
    proceeding = process.case.proceeding
    assert completeness_record(proceeding=proceeding, answers=checklist(proceeding), deficiency_note="žádné",
                               actor=officer) is True
    proceeding.refresh_from_db()
    assert proceeding.deficiency_note == ""

    other = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()],
                          received_on=date(2026, 9, 1)).case.proceeding
    assert completeness_record(proceeding=other, answers=checklist(other, missing=["clean_record"]),
                               deficiency_note="Vše je v pořádku.", actor=officer) is False
    line = CaseEvent.objects.filter(case=other.case, summary__startswith="Žádost je neúplná").get()
    assert line.summary == "Žádost je neúplná: chybí 1 položka"
    third = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()],
                          received_on=date(2026, 9, 1)).case.proceeding
    assert completeness_record(proceeding=third, answers=checklist(third), deficiency_note="chybí podpis žádosti",
                               actor=officer) is False  # a real deficiency still counts
