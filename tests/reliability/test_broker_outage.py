"""The broker is unreachable when a step commits: the job is not lost.

The step commits (the job task is SCHEDULED in the database), sending the message fails,
the failure is logged and nothing is rolled back. When the broker is back, the periodic
sweep (``osv.sweep_stuck_jobs``) re-sends it and a real worker finishes the flow.
"""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests.conftest import wait_for
from tests.reliability.conftest import new_letter_case, render_task, run_django_script
from workflows import jobs
from workflows.flows.letter import letter_send
from workflows.models import Document

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_send_fails_after_commit_then_the_sweep_resends(celery_worker, demo_users, monkeypatch, settings, caplog):
    from config.celery import app

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to broker. Connection refused.")

    monkeypatch.setattr(app, "send_task", broker_down)  # the job node sends ``osv.run_job`` by name
    case = new_letter_case(demo_users["referent"])
    process = letter_send(case=case, subject="Sdělení", body="Text", actor=demo_users["referent"])  # no exception
    task = render_task(process)
    assert task.status == STATUS.SCHEDULED
    assert "could not be sent to the broker" in caplog.text

    settings.OSV_JOB_STUCK_SECONDS = 0
    assert jobs.sweep_stuck_jobs() == 1  # still down: logged again, the task stays SCHEDULED
    assert Task.objects.get(pk=task.pk).status == STATUS.SCHEDULED

    monkeypatch.undo()  # the broker is back
    settings.OSV_JOB_STUCK_SECONDS = 0
    assert jobs.sweep_stuck_jobs() >= 1
    wait_for(lambda: Task.objects.get(pk=task.pk).status == STATUS.DONE, timeout=60,
             message="úloha po obnovení brokeru neproběhla")
    assert Document.objects.filter(case=case).count() == 1
    process.refresh_from_db()
    assert process.status == STATUS.DONE


def test_a_process_with_a_dead_broker_url_commits_and_the_sweep_delivers(celery_worker, demo_users, settings):
    """A real connection failure: another process (web) whose broker URL points at a closed port."""
    out = run_django_script(
        "from django.contrib.auth import get_user_model\n"
        "from tests.reliability.conftest import new_letter_case, render_task\n"
        "from workflows.flows.letter import letter_send\n"
        "u = get_user_model().objects.get(username='referent')\n"
        "case = new_letter_case(u, title='Dopis při výpadku brokeru')\n"
        "p = letter_send(case=case, subject='Výpadek', body='Text', actor=u)\n"
        "print('TASK', render_task(p).pk, case.pk)\n",
        env_extra={"CELERY_BROKER_URL": "redis://127.0.0.1:1/0"},
        timeout=90,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "could not be sent to the broker" in out.stderr
    task_pk, case_pk = (int(x) for x in out.stdout.split("TASK", 1)[1].split())
    assert Task.objects.get(pk=task_pk).status == STATUS.SCHEDULED  # committed, not lost

    settings.OSV_JOB_STUCK_SECONDS = 0
    assert task_pk in jobs.stuck_jobs()
    jobs.sweep_stuck_jobs()
    wait_for(lambda: Task.objects.get(pk=task_pk).status == STATUS.DONE, timeout=60,
             message="úloha po obnovení brokeru neproběhla")
    assert Document.objects.filter(case_id=case_pk).count() == 1
