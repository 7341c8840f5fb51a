"""The one flow driver of the tests: take and complete tasks, run worker jobs in-process.

It does what the task views and the worker do, through Viewflow's own activations (assign →
start → work → execute, the job node's ``run_job``), with the permission checks the views make.
Tests that need the broker use the real worker instead (``celery_worker``); the rest take the
``no_dispatch`` fixture (tests/conftest.py) so nothing reaches a broker.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.files.base import ContentFile
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import jobs
from workflows.models import DocumentTemplate

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED, STATUS.STARTED, STATUS.ERROR)


# --------------------------------------------------------------------------- any flow


def open_tasks(process):
    """The process's open human tasks (timers and jobs left out)."""
    return Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED]).exclude(
        flow_task_type__in=["TIMER", "JOB"]
    )


def open_task(process, node=None) -> Task:
    """The one open task of the process (at ``node``): fails when there is none or more."""
    qs = Task.objects.filter(process=process, status__in=OPEN)
    if node is not None:
        qs = qs.filter(flow_task=node)
    tasks = list(qs.order_by("pk"))
    assert len(tasks) == 1, f"expected one open task{f' at {node.name}' if node else ''}, got {tasks}"
    return tasks[0]


def claim(task, user) -> Task:
    """Assign a NEW task to ``user`` (as the queue's Převzít does), checking the permission."""
    with task.activation() as activation:
        if activation.task.owner_id is None:
            assert activation.flow_task.can_assign(user, activation.task), f"{user} may not take {task.flow_task}"
            activation.assign(user)
    task.refresh_from_db()
    return task


def execute(task, user, work: Callable) -> None:
    """Start the task, run ``work(activation)`` inside it, then execute it (as the task view does)."""
    with task.activation() as activation:
        assert activation.flow_task.can_execute(user, activation.task), f"{user} may not execute {task.flow_task}"
        activation.start(None)
        work(activation)
        activation.execute()


def run_jobs(process) -> None:
    """Run the process's scheduled worker jobs until none is left, as the worker would."""
    for _ in range(20):
        pending = list(Task.objects.filter(process=process, flow_task_type="JOB", status=STATUS.SCHEDULED))
        if not pending:
            return
        for task in pending:
            assert jobs.run_job(task.pk) == "done", task.data
    raise AssertionError("jobs keep scheduling jobs")


def do(process, node, user, *, in_process_jobs: bool = True, **data) -> Task:
    """Complete a form step (a View node naming its flow ``handler``) as ``user``, then run jobs."""
    task = claim(open_task(process, node), user)
    handler = getattr(node.flow_class.instance, node.handler)
    execute(task, user, lambda activation: handler(activation, user=user, **data))
    if in_process_jobs:
        run_jobs(process)
    process.refresh_from_db()
    return task


def broken_docx() -> bytes:
    """A real DOCX whose text is a Jinja syntax error: docxtpl refuses to render it."""
    import docx

    document = docx.Document()
    document.add_paragraph("Vážení, {{ nedokončený výraz ")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload_broken_template(code: str) -> DocumentTemplate:
    """The office uploads a faulty version of template ``code``: every rendering of it fails
    for real (the newest active upload wins over the repository's template) until it is
    withdrawn with ``withdraw_template``."""
    template = DocumentTemplate(code=code, active=True)
    template.file.save(f"{code}-chybna.docx", ContentFile(broken_docx()), save=False)
    template.save()
    return template


def withdraw_template(template: DocumentTemplate) -> None:
    DocumentTemplate.objects.filter(pk=template.pk).update(active=False)


# --------------------------------------------------------------------------- letters


def letter_with_failed_render(case, actor=None, *, subject="Sdělení", body="Vážení,\nsdělujeme."):
    """A letter whose rendering failed on a faulty template: returns (process, repair task NEW)."""
    from workflows.flows.letter import LetterFlow, letter_send

    process = letter_send(case=case, subject=subject, body=body, actor=actor)
    template = upload_broken_template("letter")
    try:
        assert jobs.run_job(open_task(process, LetterFlow.render).pk) == "error"
    finally:
        withdraw_template(template)
    repair = open_task(process, LetterFlow.repair)
    assert repair.status == STATUS.NEW
    return process, repair


# --------------------------------------------------------------------------- opinions

#: a valid answer to any IP warning: what the project pays for beyond the IP
COMPLEMENTARY = {"reason": "complementary", "text": "Projekt financuje jiné úvazky než IP kraje."}

STATEMENTS = dict(
    s1_verdict="yes", s1_text="Projekt navazuje na plán práce kraje.",
    s2_verdict="yes", s2_text="Služba je v okrese Sokolov nedostatečně dostupná.",
    s3_verdict="positive", s3_text="Předkladatel poskytuje služby řádně.",
    s4_verdict="not_funded", s4_text="Aktivity projektu nejsou financovány z IP kraje.",
)


def opinion_request_start(**data):
    from opinions.flows import opinion_request_start as start

    return start(**data)


def opinion_of(process):
    from opinions.models import Opinion

    case_id = getattr(process, "case_id", None) or process.coerced.case_id
    return Opinion.objects.get(case_id=case_id)


def complete(task, user, work) -> None:
    """Run ``work(opinion)`` inside the started opinion task, then execute it."""
    execute(task, user, lambda activation: work(opinion_of(task.process)))


def draft(process, user, *, pick=1, answers=None, node=None, **statements):
    """The drafter picks the ``pick`` best plan suggestions, answers IP warnings and submits."""
    from opinions import selectors, services

    task = claim(open_task(process, node), user)

    def work(opinion):
        suggestions = selectors.suggestions_for(opinion)
        ids = [s.item.pk for s in suggestions[:pick]]
        ip_answers = {}
        for w in opinion.ip_warnings.all():
            ip_answers[w.pk] = (answers or {}).get(w.pk, COMPLEMENTARY)
        services.opinion_draft_save(opinion=opinion, actor=user, activity_ids=ids, ip_answers=ip_answers,
                                    **{**STATEMENTS, **statements})
        services.opinion_submit(opinion=opinion, actor=user, task=task)

    complete(task, user, work)
    return opinion_of(process)


def approve(process, user):
    from opinions import services
    from opinions.flows import OpinionFlow

    task = claim(open_task(process, OpinionFlow.approve), user)
    complete(task, user, lambda op: services.opinion_approve(opinion=op, actor=user, task=task))
    return opinion_of(process)


def return_(process, user, comment):
    from opinions import services
    from opinions.flows import OpinionFlow

    task = claim(open_task(process, OpinionFlow.approve), user)
    complete(task, user, lambda op: services.opinion_return(opinion=op, actor=user, comment=comment, task=task))
    return opinion_of(process)


def run_render_job(process) -> str:
    from opinions.flows import OpinionFlow

    return jobs.run_job(open_task(process, OpinionFlow.render).pk)


# --------------------------------------------------------------------------- registrations


def checklist(proceeding, stage="completeness", missing=()):
    """Checklist answers for the stage: every item fulfilled except ``missing`` (noted „chybí“)."""
    from registrations.selectors import checklist_for

    return {i.code: (i.code not in missing, "chybí" if i.code in missing else "")
            for i in checklist_for(proceeding, stage)}
