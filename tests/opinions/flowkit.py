"""Helpers that drive the opinion flow directly (the views do the same over HTTP)."""

from __future__ import annotations

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from opinions import services
from opinions.models import Opinion
from opinions.flows import OpinionFlow, opinion_request_start
from workflows.jobs import run_job


def opinion_of(process) -> Opinion:
    case_id = getattr(process, "case_id", None) or process.coerced.case_id
    return Opinion.objects.get(case_id=case_id)


def open_task(process, node=None) -> Task:
    qs = Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED,
                                                             STATUS.STARTED, STATUS.ERROR])
    if node is not None:
        qs = qs.filter(flow_task=node)
    tasks = list(qs.order_by("pk"))
    assert len(tasks) == 1, f"expected one open task, got {tasks}"
    return tasks[0]


def claim(task, user) -> Task:
    with task.activation() as activation:
        if activation.task.owner_id is None:
            assert activation.flow_task.can_assign(user, activation.task), f"{user} may not take {task.flow_task}"
            activation.assign(user)
    task.refresh_from_db()
    return task


def complete(task, user, work) -> None:
    """Run ``work(opinion)`` inside the started task, then execute it (as the view does)."""
    with task.activation() as activation:
        assert activation.flow_task.can_execute(user, activation.task), f"{user} may not execute {task.flow_task}"
        activation.start(None)
        work(opinion_of(task.process))
        activation.execute()


STATEMENTS = dict(
    s1_verdict="yes", s1_text="Projekt navazuje na plán práce kraje.",
    s2_verdict="yes", s2_text="Služba je v okrese Sokolov nedostatečně dostupná.",
    s3_verdict="positive", s3_text="Předkladatel poskytuje služby řádně.",
    s4_verdict="not_funded", s4_text="Aktivity projektu nejsou financovány z IP kraje.",
)


#: a valid answer to any IP warning: what the project pays for beyond the IP
COMPLEMENTARY = {"reason": "complementary", "text": "Projekt financuje jiné úvazky než IP kraje."}


def draft(process, user, *, pick=1, answers=None, node=None, **statements) -> Opinion:
    from opinions import selectors

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


def approve(process, user) -> Opinion:
    task = claim(open_task(process, OpinionFlow.approve), user)
    complete(task, user, lambda op: services.opinion_approve(opinion=op, actor=user, task=task))
    return opinion_of(process)


def return_(process, user, comment) -> Opinion:
    task = claim(open_task(process, OpinionFlow.approve), user)
    complete(task, user, lambda op: services.opinion_return(opinion=op, actor=user, comment=comment, task=task))
    return opinion_of(process)


def run_render_job(process) -> str:
    task = open_task(process, OpinionFlow.render)
    return run_job(task.pk)


__all__ = ["approve", "claim", "complete", "draft", "open_task", "opinion_of", "opinion_request_start",
           "return_", "run_render_job"]
