"""Issue 12 (items 1, 3, 5, 9): start from the provider's page, preview on start forms, stopping
a proceeding and correcting an issued act by a recorded act."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task

from registrations.flows.cancellation import CancellationFlow
from workflows.models import Case, CaseEvent, Document, NumberSequence
from workflows.preview import CONFIRM_FIELD

from tests.flowkit import run_jobs
from tests.registrations.factories import RegisteredServiceFactory
from .test_http import node_url, task_url

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _written():
    return (Case.objects.count(), Document.objects.count(), CaseEvent.objects.count(),
            list(NumberSequence.objects.values_list("pk", "last_value")), Task.objects.count())


def test_ex_officio_cancellation_start_previews_the_opening_notice(demo_users, officer, no_dispatch):
    service = RegisteredServiceFactory()
    client = _client(officer)
    url = node_url(CancellationFlow.start)
    data = {"poskytovatel": service.provider_id, "services": [service.pk], "ex_officio": "on", "cancellation_ground": "a",
            "grounds": "Poskytovatel přestal splňovat podmínku bezúhonnosti.",
            "received_on": timezone.localdate().isoformat()}
    before = _written()
    shown = client.post(url, data)
    assert shown.status_code == 200, shown.content.decode()[:2000]
    body = shown.content.decode()
    assert "Náhled před vydáním" in body and "Potvrdit a vydat" in body
    assert "Oznámení o zahájení řízení" in body and "(přidělí se po potvrzení)" in body
    assert _written() == before  # no case, document, number, history or task yet

    done = client.post(url, {**data, CONFIRM_FIELD: shown.context["confirm_token"]})
    assert done.status_code == 302
    case = Case.objects.get(proceeding__provider=service.provider, proceeding__kind="cancellation")
    run_jobs(case.processes.get())
    notice = Document.objects.get(case=case, kind="reg_opening_notice")
    assert notice.reference_number


def test_cancellation_on_request_starts_without_a_preview(demo_users, officer, no_dispatch):
    service = RegisteredServiceFactory()
    client = _client(officer)
    url = node_url(CancellationFlow.start)
    response = client.post(url, {"poskytovatel": service.provider_id, "services": [service.pk],
                                 "grounds": "Poskytovatel ukončuje činnost.", "received_on": date(2026, 9, 1).isoformat(),
                                 "service_ends_on": date(2027, 3, 1).isoformat()})
    assert response.status_code == 302
    assert Case.objects.filter(proceeding__provider=service.provider).count() == 1
