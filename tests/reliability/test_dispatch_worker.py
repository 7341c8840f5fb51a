"""With a real Celery worker: an approved decision goes out as a signed PDF/A through the ISDS
simulator, killing the worker or the converter mid-way loses nothing and sends nothing twice,
and the delivery the simulator reports sets the appeal deadline.

Jobs and dispatch steps go to a private queue (OSV_DISPATCH_QUEUE), so the session's own worker
(without the dispatch settings) never takes them. The converter is a persistent unoserver here.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from registrations.models import Delivery, Proceeding
from tests.conftest import ROOT, wait_for
from tests.dispatch_fixtures import dispatch_env, dispatch_on, isds_sim, pki  # noqa: F401 — fixtures
from tests.flowkit import checklist, do
from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory
from tests.reliability.test_worker_crash import QUEUE, QueueWorker
from workflows import converter, deadlines, jobs, signing
from workflows.dispatch import services
from workflows.dispatch.models import Dispatch
from registrations.flows.registration import RegistrationFlow as F

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
BOX = ProviderDataFactory()["data_box"]


class Unoserver:
    """``python -m workflows.converter serve`` on a fixed port of the test's choosing (restartable)."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "workflows.converter", "serve", "--port", str(self.port)],
                                     cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        assert converter.wait_until_ready(self.url, 120), "unoserver did not start"
        return self

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


@pytest.fixture
def unoserver():
    server = Unoserver(converter.free_port())
    yield server
    server.kill()


@pytest.fixture
def setup(dispatch_on, pki, monkeypatch, settings, tmp_path, unoserver):  # noqa: F811
    from tests.conftest import _reset_broker
    from worker.tasks import run_job

    _reset_broker()
    monkeypatch.setattr(jobs, "dispatch_job", lambda pk: run_job.apply_async(args=[pk], queue=QUEUE, retry=False))
    settings.OSV_DISPATCH_QUEUE = QUEUE
    settings.OSV_DISPATCH_STUCK_MINUTES = 0
    env = {**dispatch_env(pki, dispatch_on), "OSV_DISPATCH_QUEUE": QUEUE, "OSV_CONVERTER_URL": unoserver.url,
           "OSV_ISDS_TIMEOUT": "5", "OSV_CONVERTER_TIMEOUT": "60"}
    started = []

    def worker(name="worker"):
        w = QueueWorker(tmp_path / f"{name}.log", env_extra=env).start()
        started.append(w)
        return w

    yield worker
    for w in started:
        if w.proc.poll() is None:
            w.stop()


def _decision(officer):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()],
                            received_on=timezone.localdate() - timedelta(days=30))
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, in_process_jobs=False, answers=checklist(proceeding))
    do(process, F.assess, officer, in_process_jobs=False, answers=checklist(proceeding, "conditions"),
       proposal="granted", reasoning="Splněno.")
    return process, proceeding


@pytest.fixture
def officer(demo_users):
    from registrations.catalogues import ensure_default_checklist

    ensure_default_checklist()
    return demo_users["referent"]


def test_killed_converter_and_killed_worker_lose_nothing_and_send_once(setup, dispatch_on, unoserver, officer):
    sim = dispatch_on
    sim.box(BOX, name=ProviderDataFactory()["name"])
    start = timezone.now() - timedelta(days=14)
    sim.set_clock(start)
    sim.control("fail", {"slow_create_responses": 1, "slow_seconds": 120})  # the first answer comes too late
    worker = setup("worker-1")

    # the converter is down when the decision is issued: the dispatch waits and retries
    process, proceeding = _decision(officer)
    dispatch = wait_for(lambda: Dispatch.objects.filter(case=process.case, error__contains="není dostupný").first(),
                        timeout=120, message="dispatch did not meet the dead converter")
    assert dispatch.stage == Dispatch.Stage.SIGN and dispatch.pdf is None
    unoserver.start()
    # converted, signed, CreateMessage sent — and the worker is killed while waiting for the answer
    wait_for(lambda: sim.messages(), timeout=180, message="no message reached the simulator")
    dispatch.refresh_from_db()
    assert dispatch.send_started_at and not dispatch.message_id
    worker.kill()
    unoserver.kill()  # and the converter with it: the PDF/A is stored, nothing needs it again

    setup("worker-2")
    assert services.sweep() == 1  # the stuck dispatch is queued again
    dispatch = wait_for(lambda: Dispatch.objects.filter(pk=dispatch.pk, stage=Dispatch.Stage.AWAIT).first(),
                        timeout=180, message="dispatch did not recover")
    [message] = sim.messages()  # sent once
    assert dispatch.message_id == message["id"] and dispatch.state == Dispatch.State.SENT
    assert [d.kind for d in process.case.documents.order_by("pk")] == ["reg_decision_registration",
                                                                       "reg_decision_registration_pdf"]
    [report] = signing.verify_pdf(sim.file(message["id"]))
    assert report.ok and report.signer == officer.username

    sim.advance(4)
    sim.login(BOX)
    from worker.tasks import poll_isds

    poll_isds.apply_async(queue=QUEUE)
    delivery = wait_for(lambda: Delivery.objects.filter(document=dispatch.document).first(), timeout=120,
                        message="delivery was not recorded")
    day = timezone.localtime(start + timedelta(days=4)).date()
    assert delivery.delivered_on == day
    proceeding.refresh_from_db()
    assert proceeding.appeal_deadline == deadlines.appeal_deadline(day)
    assert len(sim.messages()) == 1
