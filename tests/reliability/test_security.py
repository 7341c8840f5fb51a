"""Security basics: production `check --deploy` clean, login throttled after repeated
failures (per user name + address, Czech message), CSRF on every form."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.test_settings import PROD, manage
from workflows.demo import DEMO_PASSWORD

LOGIN = "/login/"


def test_check_deploy_is_clean_with_production_settings(monkeypatch):
    # the browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a deployment never has it
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PROD)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in (result.stdout + result.stderr)


# ------------------------------------------------------------------------------ login throttling
# (django-axes; the parallel burst and the trusted proxy: tests/security/test_login_throttle.py)


@pytest.fixture
def clean_cache(db):
    from axes.models import AccessAttempt

    cache.clear()
    AccessAttempt.objects.all().delete()
    yield
    cache.clear()


def login(username, password, ip="10.0.0.1"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def failures(username, ip):
    from axes.models import AccessAttempt
    from django.db.models import Sum

    return AccessAttempt.objects.filter(username=username, ip_address=ip).aggregate(
        n=Sum("failures_since_start"))["n"] or 0


@pytest.mark.django_db
def test_login_locked_after_five_failures_for_that_name_and_address(demo_users, clean_cache):
    for attempt in range(1, 5):
        client, response = login("referent", "spatne-heslo")
        assert response.status_code == 200 and not logged_in(client)
        assert "Příliš mnoho" not in response.content.decode()
    client, response = login("referent", "spatne-heslo")  # the fifth failure locks
    assert response.status_code == 429
    assert "Příliš mnoho neúspěšných pokusů o přihlášení" in response.content.decode()

    client, response = login("referent", DEMO_PASSWORD)  # even the right password is refused now
    assert response.status_code == 429 and not logged_in(client)
    assert "15 minut zablokováno" in response.content.decode()

    client, response = login("referent", DEMO_PASSWORD, ip="10.0.0.2")  # another address: fine
    assert response.status_code == 302 and logged_in(client)
    client, response = login("referent2", DEMO_PASSWORD)  # another user from the same address: fine
    assert response.status_code == 302 and logged_in(client)

    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))  # 15 min later
    client, response = login("referent", DEMO_PASSWORD)
    assert response.status_code == 302 and logged_in(client)


@pytest.mark.django_db
def test_successful_login_resets_the_count_and_case_does_not_matter(demo_users, clean_cache):
    for _ in range(4):
        login("Referent ", "spatne-heslo")
    assert failures("referent", "10.0.0.1") == 4  # same counter whatever the case
    client, response = login("referent", DEMO_PASSWORD)
    assert logged_in(client)
    assert failures("referent", "10.0.0.1") == 0
    for _ in range(4):
        login("referent", "spatne-heslo")
    client, response = login("referent", DEMO_PASSWORD)
    assert logged_in(client)


@pytest.mark.django_db
def test_unknown_user_names_are_throttled_too(demo_users, clean_cache):
    for _ in range(5):
        login("nikdo", "x")
    assert failures("nikdo", "10.0.0.1") == 5
    assert login("nikdo", "x")[1].status_code == 429


@pytest.mark.django_db
def test_admin_login_is_throttled_as_well(demo_users, clean_cache):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(5):
        client.post("/admin/login/", {"username": "spravce", "password": "x"})
    response = client.post("/admin/login/", {"username": "spravce", "password": DEMO_PASSWORD})
    assert response.status_code == 429 and "Příliš mnoho" in response.content.decode()


# ------------------------------------------------------------------------------ CSRF on every form

FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)


def post_forms(html: str):
    for attrs, body in FORM_RE.findall(html):
        method = re.search(r'method\s*=\s*["\']?(\w+)', attrs, re.I)
        if method and method.group(1).lower() == "post":
            action = re.search(r'action\s*=\s*["\']([^"\']*)["\']', attrs, re.I)
            yield (action.group(1) if action else ""), body


def pages_with_forms(opinion_ids):
    """(user, url) pairs: the screens with POST forms — lists, search, task screens, admin."""
    pages = [
        (None, LOGIN),
        ("referent", "/"),
        ("referent", "/ukoly/"),
        ("referent", "/fronta/"),
        ("vedouci", "/tym/"),
        ("referent", "/hledat/"),
        ("planovac", "/opinions/"),
        ("planovac", "/app/workflow/flows/opinion/start/"),
        ("referent", "/app/workflow/flows/registration/start/"),
        ("referent", "/app/workflow/flows/changenotice/start/"),
        ("referent", "/app/workflow/flows/changeapplication/start/"),
        ("referent", "/app/workflow/flows/cancellation/start/"),
        ("referent", "/registry/"),
        ("spravce", "/admin/"),
        ("spravce", "/admin/auth/group/add/"),
    ]
    process, draft_task, case = opinion_ids
    pages.append(("planovac", f"/app/workflow/flows/opinion/{process}/draft/{draft_task}/execute/"))
    pages.append(("planovac", f"/pripady/{case}/"))
    return pages


@pytest.fixture
def opinion_in_drafting(demo_users):
    from tests import flowkit as fk
    from tests.opinions.factories import OpinionRequestFactory

    process = fk.opinion_request_start(actor=demo_users["planovac"], **OpinionRequestFactory())
    task = fk.claim(fk.open_task(process), demo_users["planovac"])
    return process.pk, task.pk, process.case_id


@pytest.mark.django_db
def test_every_form_carries_a_csrf_token_and_a_post_without_it_is_refused(demo_users, opinion_in_drafting,
                                                                        clean_cache):
    checked = 0
    for username, url in pages_with_forms(opinion_in_drafting):
        client = Client(enforce_csrf_checks=True)
        if username:
            client.force_login(demo_users[username])
        response = client.get(url, follow=True)
        assert response.status_code == 200, (username, url, response.status_code)
        html = response.content.decode()
        for action, body in post_forms(html):
            assert "csrfmiddlewaretoken" in body, f"formulář bez CSRF tokenu na {url} (action={action!r})"
            target = action or response.request["PATH_INFO"]
            if target.startswith("http") or target.startswith("#"):
                continue
            refused = client.post(target, {"x": "1"})
            assert refused.status_code == 403, (url, target, refused.status_code)
            checked += 1
    assert checked >= 10, checked


@pytest.mark.django_db
def test_post_only_endpoints_refuse_requests_without_the_token(demo_users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_users["referent"])
    for url in ["/ukoly/1/prevzit/", "/ukoly/1/uvolnit/", "/ukoly/1/predat/", "/logout/",
                "/api/opinion-requests/", "/api/change-notices/"]:
        response = client.post(url, {"x": "1"})
        assert response.status_code == 403, (url, response.status_code)
