"""Beat runs once: a second ``celery beat`` waits as a standby and takes over when the first
dies (worker.beat_lock); periodic tasks never overlap (single_run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, _worker_env
from worker.beat_lock import BeatLock, single_run

pytestmark = pytest.mark.django_db(transaction=True)


def _beat(tmp_path: Path, name: str):
    log_path = tmp_path / f"{name}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
         f"--schedule={tmp_path / (name + '-schedule')}"],
        cwd=ROOT, env=_worker_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, log_path


def _wait_for(path: Path, text: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in path.read_text():
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {path.name}:\n{path.read_text()[-3000:]}")


def _stop(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(20)


def test_second_beat_waits_and_takes_over(tmp_path):
    first, first_log = _beat(tmp_path, "beat-a")
    second = None
    try:
        _wait_for(first_log, "Celery beat lock acquired")
        second, second_log = _beat(tmp_path, "beat-b")
        _wait_for(second_log, "waits as a standby")
        assert "lock acquired" not in second_log.read_text()
        _stop(first)  # the machine of the first beat dies: the lock goes with it
        _wait_for(second_log, "Celery beat lock acquired", timeout=60)
    finally:
        _stop(first)
        if second is not None:
            _stop(second)


def test_lock_is_exclusive_between_holders():
    a, b = BeatLock(poll_seconds=0.1), BeatLock(poll_seconds=0.1)
    try:
        deadline = time.time() + 15  # a beat killed by the test before may hold it until the server notices
        while not a.acquire(wait=False) and time.time() < deadline:
            time.sleep(0.2)
        assert a.acquire(wait=False)
        assert not b.acquire(wait=False)
        a.release()
        assert b.acquire(wait=False)
    finally:
        a.release()
        b.release()


def test_single_run_skips_an_overlapping_run():
    from django.db import connection

    with single_run("scan_deadlines") as first:
        assert first
        if connection.vendor == "postgresql":
            import psycopg

            from worker.beat_lock import _key

            params = connection.get_connection_params()
            for key in ("cursor_factory", "context", "prepare_threshold"):
                params.pop(key, None)
            with psycopg.connect(autocommit=True, **params) as other:
                assert not other.execute("SELECT pg_try_advisory_lock(%s)", [_key("scan_deadlines")]).fetchone()[0]
    with single_run("scan_deadlines") as again:
        assert again
