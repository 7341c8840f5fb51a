"""With the real Celery worker: documents of a registration are rendered by the worker after commit."""

from datetime import date

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from registrations.models import Proceeding
from tests.conftest import wait_for
from registrations.flows.registration import RegistrationFlow as F
from workflows.models import Document

from tests.flowkit import checklist, do
from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory


@pytest.mark.django_db(transaction=True)
def test_worker_renders_deficiency_and_decision(celery_worker, officer, docx_text):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()], received_on=date(2026, 9, 1))
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, in_process_jobs=False, answers=checklist(proceeding, missing=("premises",)))
    deficiency = wait_for(lambda: Document.objects.filter(case=process.case, kind="reg_deficiency").first(),
                          message="výzva nebyla vyhotovena workerem", timeout=120)
    assert "Domov Na Výsluní" in docx_text(deficiency)
    wait_for(lambda: Task.objects.filter(process=process, flow_task=F.deliver_decision.flow_class.deliver_deficiency,
                                         status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists())
    do(process, F.deliver_deficiency, officer, in_process_jobs=False, channel="data_box", ready_on=date(2026, 9, 3),
       collected_on=date(2026, 9, 3))
    do(process, F.await_supplement, officer, in_process_jobs=False, received_on=date(2026, 9, 10))
    do(process, F.check, officer, in_process_jobs=False, answers=checklist(proceeding))
    do(process, F.assess, officer, in_process_jobs=False, answers=checklist(proceeding, "conditions"), proposal="granted",
       reasoning="Splněno.")
    decision = wait_for(lambda: Document.objects.filter(case=process.case, kind="reg_decision_registration").first(),
                        message="rozhodnutí nebylo vyhotoveno workerem", timeout=120)
    text = docx_text(decision)
    assert decision.reference_number in text and "Domovy pro seniory" in text
    wait_for(lambda: Task.objects.filter(process=process, flow_task=F.deliver_decision,
                                         status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists())
