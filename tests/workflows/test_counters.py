"""The dashboard counters (workflows.counters) stay equal to a count over the tasks whatever
changes them: Viewflow's transitions, a case's new deadline or kind, a deleted task, a finished
process. Checked against :func:`counters.rebuild` (the same rule computed from scratch)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from tests.workflows.factories import CaseFactory, TaskFactory, days


def make_case(*, title="Dotaz", applicant="Domov Pod Lesem, o.p.s.", deadline=None):
    return CaseFactory(title=title, applicant_name=applicant, deadline=deadline)


def make_task(case, *, owner=None):
    return TaskFactory(case=case, owner=owner)
from workflows import counters
from workflows import selectors as sel
from workflows.models import Case, FinishedCount, TaskCount

pytestmark = pytest.mark.django_db


def _snapshot():
    tasks = {tuple(k): n for *k, n in TaskCount.objects.values_list(
        "status", "owner_id", "flow_task", "owner_permission", "case_kind", "deadline", "n") if n}
    finished = {tuple(k): (n, d) for *k, n, d in FinishedCount.objects.values_list(
        "flow_class", "case_kind", "finished_on", "n", "days_total") if n}
    return tasks, finished


def _assert_in_step():
    kept = _snapshot()
    counters.rebuild()
    assert kept == _snapshot()


def test_counters_follow_tasks_cases_and_processes(demo_users):
    ref, ref2 = demo_users["referent"], demo_users["referent2"]
    late = make_case(title="Pozdní", deadline=days(-3))
    soon = make_case(title="Brzká", deadline=days(4))
    none = make_case(title="Bez lhůty")
    queued = make_task(late)
    mine = make_task(soon, owner=ref)
    other = make_task(none, owner=ref2)
    make_task(late, owner=ref)
    _assert_in_step()
    assert sel.count_tasks(ref, sel.SCOPE_INBOX) == 2
    assert sel.count_tasks(ref, sel.SCOPE_QUEUE) == 1

    with queued.activation() as activation:  # Viewflow's own transitions
        activation.assign(ref)
    _assert_in_step()
    assert sel.count_tasks(ref, sel.SCOPE_INBOX) == 3
    assert sel.count_tasks(ref, sel.SCOPE_QUEUE) == 0
    with mine.activation() as activation:
        activation.unassign()
    _assert_in_step()

    Case.objects.filter(pk=none.pk).update(deadline=days(-1))  # a bulk update, no save()
    soon.deadline = days(20)
    soon.save()
    _assert_in_step()
    other.status = STATUS.DONE
    other.finished = timezone.now()
    other.save()
    _assert_in_step()
    mine.delete()
    _assert_in_step()

    process = queued.process
    process.status = PROCESS.DONE
    process.finished = timezone.now()
    process.save()
    _assert_in_step()
    assert FinishedCount.objects.filter(n__gt=0).count() == 1


def test_dashboard_histograms_and_load_match_the_tasks(client, demo_users):
    ref = demo_users["referent"]
    for i in range(6):
        make_task(make_case(title=f"A{i}", deadline=days(i * 3 - 6)), owner=ref)
        make_task(make_case(title=f"Q{i}", deadline=days(i * 3 - 6) if i % 2 else None))
    head = demo_users["vedouci"]
    mine = sel.tasks_for(ref, sel.SCOPE_INBOX)
    hist = sel.deadline_histogram(sel.task_counts(ref, sel.SCOPE_INBOX))
    today = timezone.localdate()
    assert sum(b["count"] for b in hist) == mine.count() == 6
    assert hist[0]["count"] == mine.filter(process__caseprocess__case__deadline__lt=today).count()
    team = sel.deadline_histogram(sel.task_counts(head, sel.SCOPE_TEAM))
    assert sum(b["count"] for b in team) == sel.tasks_for(head, sel.SCOPE_TEAM).count()
    assert team[-1]["count"] == 3  # the queued tasks without a deadline
    load = {r["user_id"]: r for r in sel.team_load(head)}
    assert load[ref.pk]["total"] == 6
    assert load[ref.pk]["overdue"] == mine.filter(process__caseprocess__case__deadline__lt=today).count()
    summary = sel.queue_summary(head)
    assert summary["total"] == 6
    client.force_login(head)
    html = client.get("/prehled/").content.decode()
    assert "Vytížení" in html


def test_tasks_deleted_after_their_counters_leave_no_negative_row(demo_users):
    """A flush deletes table by table: when the counters go first, the task deletes that follow
    must not write rows of -1 (they would hide the next test's or the next load's tasks from
    every list, whose pages are sized by the counters)."""
    ref = demo_users["referent"]
    case = make_case(title="Před vyprázdněním", deadline=days(5))
    make_task(case)
    make_task(case, owner=ref)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM workflows_taskcount")
        cursor.execute("DELETE FROM viewflow_task")
    assert not TaskCount.objects.filter(n__lt=0).exists()
    make_task(make_case(title="Po vyprázdnění", deadline=days(5)))
    assert sel.count_tasks(ref, sel.SCOPE_QUEUE) == 1
    _assert_in_step()


def test_a_process_finished_after_midnight_in_prague_counts_on_the_office_s_day(demo_users):
    """23:30 UTC on 1 December is 0:30 on 2 December in Prague: the finished count (the trigger,
    and a rebuild) and the lead time take the office's day, on both databases."""
    import datetime

    from workflows.models import CaseProcess

    task = TaskFactory(case=CaseFactory(received_on=datetime.date(2026, 11, 25)))
    finished = datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.timezone.utc)
    process = CaseProcess.objects.get(pk=task.process_id)
    process.status, process.finished = PROCESS.DONE, finished
    process.save()
    rows = list(FinishedCount.objects.filter(n__gt=0).values_list("finished_on", "n", "days_total"))
    assert rows == [(datetime.date(2026, 12, 2), 1, 7)]
    _assert_in_step()


def test_an_aware_datetime_is_the_office_s_day_in_the_deadlines():
    import datetime

    from workflows import deadlines

    assert deadlines.as_date(datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.timezone.utc)) == datetime.date(2026, 12, 2)
    assert deadlines.as_date(datetime.datetime(2026, 12, 1, 23, 30)) == datetime.date(2026, 12, 1)  # naive: as it is
