"""Every page a person opens costs a pinned number of SQL queries, the same with 3 tasks as with
40 (no query per row, no count that grows with the data). Times are for the benchmark
(``manage.py bench``, docs/performance.md); this test only shows a regression in the count.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.workflows.factories import CaseFactory, TaskFactory, days


def make_case(*, title="Dotaz", applicant="Domov Pod Lesem, o.p.s.", deadline=None):
    return CaseFactory(title=title, applicant_name=applicant, deadline=deadline)


def make_task(case, *, owner=None):
    return TaskFactory(case=case, owner=owner)

pytestmark = pytest.mark.django_db

#: (user, URL) → queries of one request. A change here is a decision: say why in the commit.
#: Every framed page: + 1 for the bell's unread count (issue 12); the task lists and the search:
#: + 1 for the saved views (own and shared in one query).
PAGES = {
    ("referent", "/ukoly/"): 10,
    ("referent", "/fronta/"): 10,
    ("referent", "/fronta/?window=overdue"): 10,
    ("referent", "/fronta/?provider=Poskytovatel"): 10,
    ("referent", "/prehled/"): 9,
    ("planovac", "/prehled/"): 8,
    ("zastupce", "/prehled/"): 9,
    ("vedouci", "/prehled/"): 15,
    ("vedouci", "/tym/"): 12,
    ("referent", "case"): 18,  # + dispatch, + the access log entry (issue 13); may() shares has_perm's cache: -1
    ("referent", "/hledat/"): 9,
    ("referent", "/hledat/?q=Poskytovatel"): 11,  # + the access log entry of a search (issue 13)
    ("referent", "/registry/"): 7,  # + the national registry status (main)
    ("planovac", "/opinions/"): 10,
    # + the access log entry of an export (issue 13)
    ("referent", "/ukoly/?export=csv"): 5,
    ("referent", "/ukoly/?export=xlsx"): 5,
    ("vedouci", "/tym/?export=csv"): 5,
}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(users, n: int) -> None:
    for i in range(n):
        make_task(make_case(title=f"A{i}", applicant=f"Poskytovatel {i}", deadline=days(i - 5)),
                  owner=users["referent"])
        make_task(make_case(title=f"Q{i}", applicant=f"Poskytovatel {i}", deadline=days(i - 5)))
        make_task(make_case(title=f"R{i}", deadline=days(i)), owner=users["referent2"])


def _measure(client, users, case_pk) -> dict:
    out = {}
    for (username, url) in PAGES:
        client.force_login(users[username])
        target = f"/pripady/{case_pk}/" if url == "case" else url
        _queries(client, target)  # session, caches
        out[(username, url)] = _queries(client, target)
    return out


def test_every_page_costs_a_pinned_number_of_queries(client, demo_users):
    case = make_case(title="Případ stránky", deadline=days(3))
    make_task(case, owner=demo_users["referent"])
    _grow(demo_users, 3)
    small = _measure(client, demo_users, case.pk)
    _grow(demo_users, 15)
    large = _measure(client, demo_users, case.pk)
    assert small == large, {k: (small[k], large[k]) for k in small if small[k] != large[k]}
    assert large == PAGES, "; ".join(f"{k}: {large[k]} (pinned {PAGES[k]})" for k in PAGES if large[k] != PAGES[k])


#: lists longer than ``selectors.SHORT_LIST`` are read from the case side in two steps (the page's
#: ids in deadline order, then its rows): one query more than a short list's single query
LONG_LIST_EXTRA = {("referent", "/ukoly/"), ("referent", "/fronta/"), ("referent", "/fronta/?window=overdue"),
                   ("referent", "/fronta/?provider=Poskytovatel"),
                   ("referent", "/prehled/"), ("vedouci", "/tym/")}


def test_long_lists_cost_one_query_more(client, demo_users, monkeypatch):
    from workflows import selectors

    monkeypatch.setattr(selectors, "SHORT_LIST", 0)
    case = make_case(title="Případ stránky", deadline=days(3))
    make_task(case, owner=demo_users["referent"])
    _grow(demo_users, 5)
    got = _measure(client, demo_users, case.pk)
    expected = {k: v + (1 if k in LONG_LIST_EXTRA else 0) for k, v in PAGES.items()}
    assert got == expected, "; ".join(f"{k}: {got[k]} (expected {expected[k]})" for k in PAGES if got[k] != expected[k])


def test_a_common_provider_name_on_a_large_table_costs_one_query_more(client, demo_users, monkeypatch):
    """On a large case table a name of many listed tasks is read from the case side
    (``selectors.list_page``): the cases of the name, then their tasks (whose ids are also the
    count), then the page's rows. One query more than a short list; on the real large table the
    sample that chooses the walk adds one or two more (not here)."""
    from workflows import selectors

    monkeypatch.setattr(selectors, "large_case_table", lambda: True)
    monkeypatch.setattr(selectors, "walk_pays", lambda qs, name: True)
    case = make_case(title="Případ stránky", deadline=days(3))
    make_task(case, owner=demo_users["referent"])
    _grow(demo_users, 5)
    client.force_login(demo_users["referent"])
    url = "/fronta/?provider=Poskytovatel"
    _queries(client, url)
    assert _queries(client, url) == PAGES[("referent", url)] + 1
