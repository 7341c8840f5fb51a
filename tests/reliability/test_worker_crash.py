"""A worker is SIGKILLed in the middle of rendering a document (PostgreSQL + Redis only).

The worker under test is started by ``tests/reliability/slow_worker.py``, which keeps the job's
transaction open (OSV_TEST_JOB_DELAY seconds) after the DOCX was rendered, numbered and stored
but before it commits — the worst moment to die. How the job comes back, per test:

- pool child killed: Celery's acks_late + task_reject_on_worker_lost requeue the message at once;
- whole worker killed, recovered by the sweep: the worker is restarted and the sweep, run
  every OSV_JOB_SWEEP_SECONDS as the beat does, re-sends the STARTED job once it is
  OSV_JOB_STUCK_SECONDS old — default settings, back in under 2 minutes;
- whole worker killed, recovered by Redis: the restarted worker runs with the default
  visibility timeout and Redis hands the unacknowledged message back, no sweep, in under
  2 minutes.

Jobs go to a private queue, so no other worker of the test session can take them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests.conftest import ROOT, WorkerProcess, _worker_env, server_only, wait_for
from tests.reliability.conftest import new_letter_case, render_task
from workflows import jobs
from workflows.flows.letter import letter_send
from workflows.models import Document, NumberSequence

pytestmark = [server_only, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

QUEUE = f"reliability-{os.getpid()}"


class QueueWorker(WorkerProcess):
    """A celery worker on a private queue, with extra environment."""

    def __init__(self, log_path, env_extra=None):
        super().__init__(log_path)
        self.env_extra = env_extra or {}

    def start(self, timeout: float = 60):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w")
        env = {**_worker_env(), "CELERY_TASK_DEFAULT_QUEUE": QUEUE, **self.env_extra}
        # with a delay, the worker that holds each job's transaction open (slow_worker.py)
        command = (["-m", "tests.reliability.slow_worker"] if "OSV_TEST_JOB_DELAY" in env
                   else ["-m", "celery", "-A", "config", "worker"])
        self.proc = subprocess.Popen(
            [sys.executable, *command, "--loglevel=INFO", "-Q", QUEUE,
             "--concurrency=1", "--pool=prefork", "--without-heartbeat", "--without-gossip", "--without-mingle",
             f"--hostname=rel-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("Celery worker skončil:\n" + self.log_path.read_text())
            if "ready." in self.log_path.read_text():
                return self
            time.sleep(0.2)
        raise RuntimeError("Celery worker nenaběhl:\n" + self.log_path.read_text())


@pytest.fixture
def private_queue(monkeypatch):
    from tests.conftest import _reset_broker
    from worker.tasks import run_job

    from workflows import outbox

    _reset_broker()
    monkeypatch.setattr(jobs, "dispatch_job",
                        lambda pk: run_job.apply_async(args=[pk], queue=QUEUE, retry=False))
    send_by_name = outbox.dispatch
    monkeypatch.setattr(outbox, "dispatch", lambda name, *args, **options: send_by_name(name, *args, queue=QUEUE))


@pytest.fixture
def workers(tmp_path):
    started: list[QueueWorker] = []

    def make(name, **env_extra):
        w = QueueWorker(tmp_path / f"{name}.log", {k: str(v) for k, v in env_extra.items()})
        started.append(w)
        return w.start()

    yield make
    for w in started:
        if w.proc and w.proc.poll() is None:
            w.stop()


def cj_counter() -> int:
    return sum(NumberSequence.objects.filter(scope__startswith="cj/").values_list("last_value", flat=True))


def start_letter_and_catch_it_rendering(demo_users, mark):
    case = new_letter_case(demo_users["referent"])
    numbers_before = cj_counter()
    process = letter_send(case=case, subject="Sdělení", body="Vážení,\nsdělujeme.", actor=demo_users["referent"])
    task = render_task(process)
    # rendered, numbered and stored — but not committed (slow_worker holds the job's transaction)
    wait_for(lambda: mark.exists() and mark.read_text() == str(task.pk), timeout=30,
             message="worker nezačal vyhotovovat")
    return case, process, task, numbers_before


def assert_exactly_once(case, process, task, numbers_before, timeout=60):
    wait_for(lambda: Task.objects.get(pk=task.pk).status == STATUS.DONE, timeout=timeout,
             message="úloha se po pádu workeru nedokončila")
    docs = Document.objects.filter(case=case)
    assert docs.count() == 1 and docs.get().source_key == f"task:{task.pk}"
    assert cj_counter() == numbers_before + 1  # the dead run's number was given back: no gap
    process.refresh_from_db()
    assert process.status == STATUS.DONE  # the flow moved on to its end


def test_pool_child_killed_mid_render_is_redelivered_by_celery(private_queue, workers, demo_users, tmp_path):
    mark = tmp_path / "held"
    worker = workers("child", OSV_TEST_JOB_DELAY=2.5, OSV_TEST_JOB_MARK=mark)
    case, process, task, numbers_before = start_letter_and_catch_it_rendering(demo_users, mark)
    children = worker.children()
    assert children, "prefork worker has no pool process"
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    assert not Document.objects.filter(case=case).exists()
    assert_exactly_once(case, process, task, numbers_before)
    assert "WorkerLostError" in worker.log_path.read_text() or "signal 9" in worker.log_path.read_text()


@pytest.mark.parametrize("recovery", ["sweep", "visibility_timeout"])
def test_whole_worker_killed_mid_render_recovers_after_restart(private_queue, workers, demo_users, settings,
                                                                recovery, tmp_path):
    """Default settings (no CELERY_VISIBILITY_TIMEOUT / OSV_JOB_STUCK_SECONDS in the environment)."""
    assert "CELERY_VISIBILITY_TIMEOUT" not in os.environ and "OSV_JOB_STUCK_SECONDS" not in os.environ
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= 120 - 10
    assert settings.OSV_JOB_STUCK_SECONDS + settings.OSV_JOB_SWEEP_SECONDS <= 120
    mark = tmp_path / "held"
    worker = workers("first", OSV_TEST_JOB_DELAY=60, OSV_TEST_JOB_MARK=mark)
    case, process, task, numbers_before = start_letter_and_catch_it_rendering(demo_users, mark)
    worker.kill()  # SIGKILL to the whole process group, main process and pool child
    time.sleep(0.5)
    # the job is one transaction: its start died with it, the task is as it was sent
    assert Task.objects.get(pk=task.pk).status == STATUS.SCHEDULED
    assert not Document.objects.filter(case=case).exists()

    killed_at = time.monotonic()
    if recovery == "sweep":
        # the restarted worker consumes nothing it could recover itself: the message is gone
        from tests.conftest import _reset_broker

        _reset_broker()
        workers("restarted")
        wait_for(lambda: jobs.sweep_stuck_jobs() == 1, timeout=120, interval=settings.OSV_JOB_SWEEP_SECONDS,
                 message="sweep úlohu znovu neposlal")
    else:
        workers("restarted")
    assert_exactly_once(case, process, task, numbers_before, timeout=120 - (time.monotonic() - killed_at))
    assert time.monotonic() - killed_at <= 120  # recovered within 2 minutes, default settings
