"""Finding 2 (part): writes are checked by the permission of the action, not by the agenda.

* The deputy, the head and the administrator read a service's § 85 identifier and a remedy
  deadline; only the registration officer (``registrations.change_registeredservice`` /
  ``change_proceeding``) changes them — every role posts, nothing changes for the others.
* Every named URL of our own pages (the resolver; the admin site, the API and Viewflow's
  node URLs have their own rules) is posted to as every role: a URL whose POST writes to the
  database (an INSERT / UPDATE / DELETE on a domain table) must be in ``WRITE_PERMISSIONS``,
  so a new write URL cannot go unclassified."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tests.workflows.factories import CaseFactory, TaskFactory, days

pytestmark = pytest.mark.django_db

USERS = ["referent", "referent2", "planovac", "koordinator", "vedouci", "zastupce", "portal", "spravce", "ctenar"]
OFFICERS = {"referent", "referent2"}
HEADS = {"vedouci", "zastupce"}

# write URL name → the permission (or rule) that decides it and the demo users who hold it
WRITE_PERMISSIONS = {
    "registrations:service_national_id": ("registrations.change_registeredservice", OFFICERS),
    "registrations:remedy_extend": ("registrations.change_proceeding", OFFICERS),
    "cases:claim": ("Viewflow can_assign of the task's node", None),
    "cases:release": ("Viewflow can_unassign of the task's node", None),
    "cases:reassign": ("head of department (workflows.views_tasks)", None),
    "opinions:withdraw": ("opinions staff (opinions.services.opinion_withdraw)", None),
    # one's own notifications and e-mail choices; saved views (tests/workflows/test_saved_views.py)
    "cases:notification_settings": ("signed-in user, own choices", None),
    "cases:notifications_read_all": ("signed-in user, own notifications", None),
    "cases:notification_read": ("signed-in user, own notification", None),
    "cases:saved_view_create": ("who may open the list (workflows.views_notify.may_use_scope)", None),
    "cases:saved_view_delete": ("the view's owner", None),
    "cases:saved_view_copy": ("a colleague of the agenda the view is shared with", None),
    "logout": ("signed-in user", None),
    "login": ("anyone", None),
    "password_change": ("signed-in user", None),
    "password_reset": ("anyone", None),
    "password_reset_confirm": ("anyone", None),
}
SKIP_NAMESPACES = ("admin", "cases:api", "viewflow")  # own rules: Django admin, DRF permissions, Viewflow nodes


WRITE_SQL = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.I)
# sessions, login bookkeeping (axes, last_login) are not writes of an action
BOOKKEEPING_TABLES = ('"django_session"', '"axes_', '"auth_user"', "SAVEPOINT",
                      '"workflows_accesslogentry"')  # + the log of personal-data reads


def own_url_names():
    found = []

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or ""
                walk(p.url_patterns, prefix + str(p.pattern), f"{namespace}:{ns}".strip(":") if ns else namespace)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                route = prefix + str(p.pattern)
                if name.startswith(SKIP_NAMESPACES) or "/workflow/" in route or route.startswith("app/"):
                    continue
                found.append((name, route))

    walk(get_resolver().url_patterns)
    return found


def _url(route: str, pk: int) -> str:
    route = re.sub(r"<(?:int:)?\w*pk>", str(pk), route)
    route = re.sub(r"<str:fmt>", "csv", route)
    route = re.sub(r"<[^>]+>", "x", route).replace("^", "").replace("$", "")
    return "/" + route


@pytest.fixture
def world(demo_users):
    from registrations import demo
    from registrations.models import Proceeding, RegisteredService

    demo.seed()
    service = RegisteredService.objects.exclude(national_id="").first() or RegisteredService.objects.first()
    proceeding = (Proceeding.objects.filter(remedy_deadline__isnull=False).select_related("case").first()
                  or Proceeding.objects.select_related("case").first())
    return demo_users, service, proceeding


def test_only_the_officer_changes_the_national_id_and_extends_a_remedy_deadline(world):
    users, service, proceeding = world
    assert service is not None and proceeding is not None
    before_id = service.national_id
    deadline_before, remedy_before = proceeding.case.deadline, proceeding.remedy_deadline
    for username in sorted(USERS, key=lambda u: u in OFFICERS):  # the officers last: they do change it
        client = Client()
        client.force_login(users[username])
        r1 = client.post(f"/registry/sluzba/{service.pk}/identifikator/", {"national_id": "9999999"})
        r2 = client.post(f"/registry/pripad/{proceeding.case_id}/prodlouzit-lhutu/",
                         {"new_deadline": days(60).isoformat(), "note": "žádost"})
        if username in OFFICERS:
            assert r1.status_code == 302 and r2.status_code == 302, username
        else:
            assert r1.status_code == 403 and r2.status_code == 403, (username, r1.status_code, r2.status_code)
            service.refresh_from_db()
            assert service.national_id == before_id, username
            proceeding.refresh_from_db()
            proceeding.case.refresh_from_db()
            assert proceeding.case.deadline == deadline_before and proceeding.remedy_deadline == remedy_before, username


def test_every_url_that_takes_a_post_is_in_the_permission_map(world):
    users, service, _ = world
    task = TaskFactory(case=CaseFactory(title="Zápis", deadline=days(3)), owner=users["referent"])
    unmapped = []
    swept = 0
    for name, route in own_url_names():
        url = _url(route, task.pk if name.startswith("cases:") else service.pk)
        for username in USERS + [None]:
            client = Client()
            if username:
                client.force_login(users[username])
            with CaptureQueriesContext(connection) as queries:
                response = client.post(url, {"x": "1"})
            swept += 1
            assert response.status_code < 500, (name, url, username, response.status_code)
            writes = [q["sql"][:120] for q in queries.captured_queries if WRITE_SQL.match(q["sql"])
                      and not any(table in q["sql"] for table in BOOKKEEPING_TABLES)]
            if writes and name not in WRITE_PERMISSIONS:
                unmapped.append(f"{name} ({url}) zapsal po POST od {username or 'anonyma'}: {writes[0]}")
    assert unmapped == [], "\n".join(unmapped)
    assert swept >= 20 * len(USERS)
