"""The opinion's final DOCX: the worker's pool process is SIGKILLed in the middle of
rendering it (PostgreSQL + Redis only). Celery requeues the message (acks_late +
reject_on_worker_lost); after the retry there is one document, one č. j., the opinion is
issued, the applicant is notified exactly once and the process is done."""

from __future__ import annotations

import os
import signal
import time

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from opinions.models import Opinion
from tests.conftest import server_only, wait_for
from tests import flowkit as fk
from tests.opinions.conftest import catalogues, kk_plan, request_data  # noqa: F401 (fixtures)
from tests.reliability.test_worker_crash import private_queue, workers  # noqa: F401 (fixtures)
from opinions.flows import OpinionFlow
from workflows.models import CaseEvent, Document, NumberSequence

pytestmark = [server_only, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def cj_counter() -> int:
    return sum(NumberSequence.objects.filter(scope__startswith="cj/").values_list("last_value", flat=True))


def test_opinion_render_killed_mid_way_is_issued_once(private_queue, workers, catalogues, kk_plan,  # noqa: F811
                                                       tmp_path):
    users = catalogues["users"]
    mark = tmp_path / "held"
    worker = workers("opinion", OSV_TEST_JOB_DELAY=2.5, OSV_TEST_JOB_MARK=mark)
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    fk.draft(process, users["planovac"])
    numbers_before = cj_counter()
    fk.approve(process, users["vedouci"])  # commits → the render job goes to the worker
    task = Task.objects.get(process=process, flow_task=OpinionFlow.render)
    # rendered, numbered and stored — not committed: the job is one transaction, so the held
    # worker (slow_worker.py) marks the moment in a file
    wait_for(lambda: mark.exists() and mark.read_text() == str(task.pk), timeout=30,
             message="worker nezačal vyhotovovat")
    time.sleep(1.0)
    for pid in worker.children():
        os.kill(pid, signal.SIGKILL)
    opinion = fk.opinion_of(process)
    assert not Document.objects.filter(case=opinion.case).exists()

    wait_for(lambda: fk.opinion_of(process).status == Opinion.Status.ISSUED, timeout=60,
             message="vyjádření se po pádu workeru nevydalo")
    wait_for(lambda: type(process).objects.get(pk=process.pk).status == PROCESS.DONE, timeout=30,
             message="proces neskončil")
    opinion = wait_for(lambda: (o := fk.opinion_of(process)).notified_at and o, timeout=60,
                       message="žadatel nebyl vyrozuměn")
    assert Document.objects.filter(case=opinion.case, kind="opinion").count() == 1
    assert cj_counter() == numbers_before + 1
    assert CaseEvent.objects.filter(case=opinion.case, action="notified").count() == 1
    time.sleep(1)  # the console backend prints the e-mail to the worker log
    assert worker.log_path.read_text().count("To: projekt@example.invalid") == 1
