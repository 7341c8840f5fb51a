"""Helpers to drive the registration flows programmatically (jobs run in-process)."""

from __future__ import annotations

from datetime import date

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import jobs


@pytest.fixture(autouse=True)
def no_broker(monkeypatch, request):
    """Jobs are run in-process by ``run_jobs``; only worker tests use the real broker."""
    if "celery_worker" not in request.fixturenames:
        monkeypatch.setattr(jobs, "dispatch_job", lambda pk: None)


@pytest.fixture
def officer(demo_users):
    from registrations.catalogues import ensure_default_checklist

    ensure_default_checklist()  # a transactional test before us may have flushed migration data
    return demo_users["referent"]


def run_jobs(process) -> None:
    """Run the process's scheduled worker jobs, as the worker would."""
    for _ in range(20):
        pending = list(Task.objects.filter(process=process, flow_task_type="JOB", status=STATUS.SCHEDULED))
        if not pending:
            return
        for task in pending:
            assert jobs.run_job(task.pk) == "done", task.data


def open_tasks(process):
    return Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED]).exclude(flow_task_type="TIMER")


def open_task(process, node):
    return Task.objects.get(process=process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def do(process, node, user, *, in_process_jobs=True, **data):
    """Complete a View node as ``user`` (assign, start, handler, execute), then run jobs."""
    task = open_task(process, node)
    with task.activation() as activation:
        if activation.task.status == STATUS.NEW:
            assert activation.assign.has_perm(user), f"{user} may not take {node.name}"
            activation.assign(user)
        activation.start(None)
        getattr(node.flow_class.instance, node.handler)(activation, user=user, **data)
        activation.execute()
    if in_process_jobs:
        run_jobs(process)
    process.refresh_from_db()
    return task


def checklist(proceeding, stage="completeness", missing=()):
    from registrations.selectors import checklist_for

    return {i.code: (i.code not in missing, "chybí" if i.code in missing else "") for i in checklist_for(proceeding, stage)}


PROVIDER = {
    "ico": "26997789",
    "name": "Domov Na Výsluní, z. ú.",
    "legal_form": "zapsaný ústav",
    "address": "Sluneční 12, 350 02 Cheb",
    "statutory_body": "Mgr. Alena Fiktivní, ředitelka",
    "email": "info@navysluni.example",
    "data_box": "abc1234",
}


def service(**kw):
    data = {
        "service_type": "49", "form": "residential", "target_groups": ["S"], "age_from": 65, "age_to": None,
        "place": "Sluneční 12, Cheb", "territory": "okres Cheb", "capacity": 24, "start_on": date(2026, 11, 1),
    }
    data.update(kw)
    return data
