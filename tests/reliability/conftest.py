"""Helpers for the reliability tests: letters whose rendering failed (a View task to fight
over), threads with their own database connections, subprocesses on the test database."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from django.db import connections
from viewflow.workflow.models import Task

from tests.conftest import ROOT, _worker_env
from tests.flowkit import letter_with_failed_render
from workflows.cases import case_open
from workflows.flows.letter import LetterFlow
from registrations.models import RegistrationCaseKind


def render_task(process) -> Task:
    return Task.objects.get(process=process, flow_task=LetterFlow.render)


def new_letter_case(actor, title="Sdělení poskytovateli"):
    return case_open(kind=RegistrationCaseKind.LETTER, title=title, actor=actor,
                     parties=[{"name": "Spolek Pomoc, z.s.", "ico": "26997789"}])


@pytest.fixture
def failed_letter(demo_users, no_dispatch):
    """A letter whose rendering failed (a faulty template, withdrawn since): its 'repair' View
    task is NEW, waiting for an officer."""

    def make():
        return letter_with_failed_render(new_letter_case(demo_users["referent"]), demo_users["referent"])

    return make


def run_together(*funcs, timeout: float = 60):
    """Run callables in threads released at the same moment (a barrier); each thread has
    its own database connection, closed at the end. Returns results (or raised exceptions)."""
    barrier = threading.Barrier(len(funcs))
    results: list = [None] * len(funcs)

    def runner(i, func):
        try:
            barrier.wait(timeout)
            results[i] = func()
        except BaseException as exc:  # returned to the test, which asserts on it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(funcs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "vlákno se nedokončilo"
    return results


def run_django_script(code: str, *, env_extra: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run Python code with Django set up against the test database, in a new process."""
    env = _worker_env()
    env.update(env_extra or {})
    prologue = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup()\n"
    return subprocess.run([sys.executable, "-c", prologue + code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def spawn_django_script(code: str, *, env_extra: dict | None = None) -> subprocess.Popen:
    env = _worker_env()
    env.update(env_extra or {})
    prologue = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup()\n"
    return subprocess.Popen([sys.executable, "-c", prologue + code], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
