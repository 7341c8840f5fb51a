"""Finding 7: Content-Security-Policy without inline script, no-store on personal data,
401 + WWW-Authenticate on the API without credentials."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from tests.reliability.test_security import opinion_in_drafting, pages_with_forms  # noqa: F401
from tests.workflows.factories import CaseFactory, DocumentFactory, TaskFactory, days

pytestmark = pytest.mark.django_db

SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
HANDLER_RE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def inline_scripts(html: str) -> list[str]:
    found = []
    for attrs, body in SCRIPT_RE.findall(html):
        if "src=" in attrs:
            continue
        kind = re.search(r'type\s*=\s*["\']([^"\']+)', attrs)
        if kind and kind.group(1).lower() in ("application/json", "text/template", "application/ld+json"):
            continue  # data, never executed
        found.append(body.strip()[:80])
    return found


@pytest.fixture
def letter_case(demo_users):
    case = CaseFactory(title="Hlavičky", deadline=days(5), actor=demo_users["referent"])
    task = TaskFactory(case=case, owner=demo_users["referent"])
    return case, task


def test_every_page_has_a_strict_csp_and_no_inline_script(demo_users, opinion_in_drafting, letter_case):  # noqa: F811
    case, task = letter_case
    pages = pages_with_forms(opinion_in_drafting) + [
        ("referent", f"/pripady/{case.pk}/tisk/"),
        ("referent", "/prehled/"),
        ("vedouci", "/prehled/"),
        ("referent", f"/ukoly/{task.pk}/predat/"),
        ("vedouci", f"/ukoly/{task.pk}/predat/"),
        ("referent", "/app/"),
        ("referent", f"/app/workflow/flows/letter/{task.process_id}/"),
        ("vedouci", f"/app/workflow/flows/letter/{task.process_id}/repair/{task.pk}/"),
        ("vedouci", f"/app/workflow/flows/letter/{task.process_id}/repair/{task.pk}/unassign/"),
        ("referent", "/api/docs/"),
        ("ctenar", "/registry/"),
        ("spravce", "/admin/auth/user/"),
    ]
    checked = 0
    for username, url in pages:
        client = Client()
        if username:
            client.force_login(demo_users[username])
        response = client.get(url, follow=True)
        if response.status_code != 200:
            continue  # a page a role may not see is another test's business
        policy = response.headers.get("Content-Security-Policy", "")
        directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
        assert directives.get("script-src") == "'self'", (url, policy)
        assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
        assert directives.get("object-src") == "'none'" and directives.get("frame-ancestors") == "'none'"
        html = response.content.decode()
        assert inline_scripts(html) == [], (url, inline_scripts(html))
        assert not HANDLER_RE.search(html), (url, HANDLER_RE.search(html).group(0))
        assert "javascript:" not in html.lower(), url
        checked += 1
    assert checked >= 20, checked


def test_print_page_loads_the_static_script_that_prints(client, demo_users, letter_case):
    case, _ = letter_case
    client.force_login(demo_users["referent"])
    html = client.get(f"/pripady/{case.pk}/tisk/?auto=1").content.decode()
    assert "data-osv-autoprint" in html and "/static/osv/js/osv.js" in html
    from django.contrib.staticfiles import finders

    assert "window.print()" in open(finders.find("osv/js/osv.js")).read()


def _no_store(response) -> bool:
    parts = {p.strip() for p in response.headers.get("Cache-Control", "").split(",")}
    return "no-store" in parts and "private" in parts


def test_downloads_and_pages_with_personal_data_are_not_stored(client, demo_users, letter_case):
    case, _ = letter_case
    document = DocumentFactory(case=case, personal=True)
    client.force_login(demo_users["referent"])
    for url in [f"/documents/{document.pk}/download/", f"/pripady/{case.pk}/", f"/pripady/{case.pk}/tisk/",
                "/ukoly/", "/hledat/?q=Domov", "/registry/", f"/api/cases/{case.pk}/",
                f"/api/documents/{document.pk}/download/", "/ukoly/?export=csv"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.headers.get("Cache-Control"))


def api_routes():
    """Every route under /api/ in the URL resolver, with sample arguments."""
    samples = {"pk": "1", "ico": "25596641"}
    routes = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, route)
            elif route.startswith("api/"):
                routes.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples[m.group(1)], route))

    walk(get_resolver().url_patterns)
    return routes


def test_api_without_credentials_answers_401_with_www_authenticate():
    routes = api_routes()
    assert len(routes) >= 9, routes
    for url in routes:
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            if response.status_code == 405:
                continue
            if url == "/api/docs/":  # the human-readable page sends the browser to the login form
                assert response.status_code == 302 and "/login/" in response["Location"]
                continue
            assert response.status_code == 401, (method, url, response.status_code)
            assert response["WWW-Authenticate"] == "Token", url
    bad_token = Client(HTTP_AUTHORIZATION="Token nesmysl").get("/api/cases/")
    assert bad_token.status_code == 401 and bad_token["WWW-Authenticate"] == "Token"
