"""Fixtures of the security tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def workers_on_private_queue(monkeypatch, tmp_path):
    """Real Celery workers on a queue of this test only; jobs and tasks sent by name go there."""
    from tests.reliability.test_worker_crash import QUEUE, QueueWorker
    from tests.conftest import _reset_broker
    from worker.tasks import run_job
    from workflows import jobs, outbox

    _reset_broker()
    monkeypatch.setattr(jobs, "dispatch_job", lambda pk: run_job.apply_async(args=[pk], queue=QUEUE, retry=False))
    send_by_name = outbox.dispatch
    monkeypatch.setattr(outbox, "dispatch", lambda name, *args, **options: send_by_name(name, *args, queue=QUEUE))
    started = []

    def make(name, **env_extra):
        w = QueueWorker(tmp_path / f"{name}.log", {k: str(v) for k, v in env_extra.items()})
        started.append(w)
        return w.start()

    yield make
    for w in started:
        if w.proc and w.proc.poll() is None:
            w.stop()
