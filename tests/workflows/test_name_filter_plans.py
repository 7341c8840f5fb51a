"""The task lists filtered by a provider's name (``selectors.list_page``): a name most cases share
is read in deadline order from the case side (the name checked by ``osv_substring``, never the
trigram index), a rare one as before. Either plan gives the plain query's rows in its order,
counted up to ``NAME_COUNT_CAP`` + 1, on both databases."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import server_only
from tests.workflows.factories import CaseFactory, TaskFactory, days
from workflows import selectors as sel

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(demo_users):
    """Queued and assigned tasks of cases named "Poskytovatel 0" … "Poskytovatel 6" and others,
    with equal deadlines, no deadline and several tasks per case (ties broken by created, pk)."""
    officer = demo_users["referent"]
    cases = []
    for i in range(42):
        name = f"Poskytovatel {i % 7}" if i % 3 else f"Domov {i}"
        deadline = None if i % 5 == 0 else days(i % 4 - 1)
        cases.append(CaseFactory(applicant_name=name, deadline=deadline, title=f"Případ {i}"))
    # the tasks in the reverse order of their cases: of two cases with one deadline, the later
    # case's task comes first in the list (created), so a walk must not cut between them
    for i, case in reversed(list(enumerate(cases))):
        TaskFactory(case=case)
        if i % 4 == 0:
            TaskFactory(case=case)  # a second queued task of the case
        if i % 6 == 0:
            TaskFactory(case=case, owner=officer)
    return demo_users


def _plain(user, scope, filters) -> list[int]:
    """The ids the list has without any plan: the filtered queryset in its own order."""
    qs = sel.filter_tasks(sel.tasks_for(user, scope), filters, user)
    return list(qs.values_list("pk", flat=True))


CASES = [("referent", sel.SCOPE_QUEUE), ("referent", sel.SCOPE_INBOX), ("vedouci", sel.SCOPE_TEAM)]
TERMS = ["Poskytovatel", "poskytovatel 3", "Domov", "Nikdo takový", "oskytovatel 1"]


PLANS = {"walk": (True, True), "sampled, as before": (True, False), "as before": (False, False)}


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("username,scope", CASES)
def test_same_rows_in_the_same_order_as_the_plain_query(lists, monkeypatch, plan, username, scope):
    large, walk = PLANS[plan]
    monkeypatch.setattr(sel, "large_case_table", lambda: large)
    monkeypatch.setattr(sel, "walk_pays", lambda qs, name: walk)
    monkeypatch.setattr(sel, "NAME_COUNT_CAP", 15)
    monkeypatch.setattr(sel, "WALK_CASES_PER_TASK", 1)  # small batches: the walk takes several steps
    user = lists[username]
    seen = 0
    for term in TERMS:
        filters = sel.TaskFilters(provider=term)
        plain = _plain(user, scope, filters)
        listed = sel.list_page(user, scope, filters, sel.task_list(user, scope, filters))
        assert isinstance(listed.rows, sel.ByIds) == walk
        assert listed.total == min(len(plain), 16) and listed.cap == 15
        assert listed.capped == (len(plain) > 15)
        for bottom in range(0, listed.total, 3):  # pages of 3, as the paginator slices them
            page = slice(bottom, min(bottom + 3, listed.total))
            assert [t.pk for t in listed.rows[page]] == plain[page], (term, page)
        seen += len(plain)
    assert seen >= 5  # the fixture fills every list


def test_other_sorts_and_ico_keep_their_plans(lists, monkeypatch):
    monkeypatch.setattr(sel, "large_case_table", lambda: True)
    monkeypatch.setattr(sel, "walk_pays", lambda walk, name: True)
    user = lists["referent"]
    by_name = sel.TaskFilters(provider="Poskytovatel", sort="-deadline")
    listed = sel.list_page(user, sel.SCOPE_QUEUE, by_name, sel.task_list(user, sel.SCOPE_QUEUE, by_name))
    assert not isinstance(listed.rows, sel.ByIds)
    assert [t.pk for t in listed.rows[0:25]] == _plain(user, sel.SCOPE_QUEUE, by_name)[:25]
    by_ico = sel.TaskFilters(provider="2559")
    listed = sel.list_page(user, sel.SCOPE_QUEUE, by_ico, sel.task_list(user, sel.SCOPE_QUEUE, by_ico))
    assert listed.cap == sel.COUNT_CAP and not isinstance(listed.rows, sel.ByIds)


def _walk(user, scope, term):
    from workflows.substring import Substring

    return sel.filter_tasks(sel.tasks_for(user, scope), sel.TaskFilters(provider=term), user,
                            name_lookup=Substring.lookup_name)


@server_only  # the sample is PostgreSQL's TABLESAMPLE
def test_the_walk_is_chosen_from_a_sample_of_the_list(lists, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflows_case")
    monkeypatch.setattr(sel, "_case_rows_cache", [])
    monkeypatch.setattr(sel, "NAME_SAMPLE_MIN_CASES", 1)  # the whole small table is the sample
    officer = lists["referent"]
    assert sel.walk_pays(_walk(officer, sel.SCOPE_QUEUE, "Poskytovatel"), "Poskytovatel")  # 28 cases, 35 queued tasks
    assert sel.walk_pays(_walk(officer, sel.SCOPE_QUEUE, "poskytovatel 3"), "poskytovatel 3")  # 4 queued tasks
    assert sel.walk_pays(_walk(officer, sel.SCOPE_QUEUE, "Domov 6"), "Domov 6")  # 1 queued task is enough
    assert not sel.walk_pays(_walk(officer, sel.SCOPE_TEAM, "Domov 6"), "Domov 6")  # the officer has no team
    assert not sel.walk_pays(_walk(officer, sel.SCOPE_QUEUE, "Nikdo takový"), "Nikdo takový")
    assert sel.walk_pays(_walk(officer, sel.SCOPE_INBOX, "Domov"), "Domov")  # 7 assigned to the officer
    assert not sel.walk_pays(_walk(officer, sel.SCOPE_INBOX, "Poskytovatel"), "Poskytovatel")  # none assigned
    assert sel.large_case_table()
    monkeypatch.setattr(sel, "NAME_SAMPLE_MIN_CASES", 10_000)  # a small table is planned as before
    assert not sel.large_case_table()


def test_no_sample_on_sqlite_or_a_small_table(lists):
    """The test database is small: the list is planned as before."""
    assert not sel.large_case_table()


def test_the_walk_never_cuts_between_cases_of_one_deadline(demo_users, monkeypatch):
    """Three cases of one deadline whose tasks were created in the reverse order: a batch of the
    first two cases must not be taken for the list's first two tasks (the third case's task
    comes first)."""
    from workflows.substring import Substring

    monkeypatch.setattr(sel, "WALK_CASES_PER_TASK", 1)
    cases = [CaseFactory(applicant_name="Spolek Vrba", deadline=days(2)) for _ in range(3)]
    tasks = [TaskFactory(case=case) for case in reversed(cases)]
    officer = demo_users["referent"]
    walk = sel.filter_tasks(sel.tasks_for(officer, sel.SCOPE_QUEUE), sel.TaskFilters(provider="Vrba"), officer,
                            name_lookup=Substring.lookup_name)
    assert sel.walk_ids(walk, "Vrba", 2) == [tasks[0].pk, tasks[1].pk] == _plain(
        officer, sel.SCOPE_QUEUE, sel.TaskFilters(provider="Vrba"))[:2]
