"""Accessibility (zákon 99/2019 Sb., WCAG 2.1 AA): axe-core with the tags wcag2a, wcag2aa,
wcag21a, wcag21aa and no rule disabled, in Chromium, on every page the URL configuration lists
for each role (pages the role gets) and on every start and task form the role works on —
0 violations. Runs on the demo data of both agendas.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from django.urls import get_resolver, reverse
from viewflow.workflow import flow as vf_flow

from tests.conftest import url_names
from tests.e2e.conftest import axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = ["referent", "planovac", "koordinator", "vedouci", "ctenar"]
#: URL names that are not pages (actions, downloads, exports, the API) or are Viewflow's own
NOT_PAGES = ("cases:claim", "cases:release", "cases:document_download", "cases:stock_inbox", "cases:stock_queue",
             "registrations:service_national_id", "registrations:remedy_extend", "registrations:export",
             "opinions:withdraw", "cases:ares_lookup",  # POST-only actions and the JSON look-up: not pages
             "cases:notifications_read_all", "cases:notification_read", "cases:saved_view_create",
             "cases:saved_view_delete", "cases:saved_view_copy")


def _page_names():
    return [(n, k) for n, k in url_names()
            if n.split(":")[0] in ("cases", "registrations", "opinions") and not n.startswith("cases:api:")
            and n not in NOT_PAGES and "export" not in n and not n.endswith("_run")]


def _objects():
    from opinions.models import Call, Opinion
    from registrations.models import Provider
    from viewflow.workflow.models import Task
    from workflows.models import Case

    return {
        "cases:case_detail": Case.objects.order_by("pk").first().pk,
        "cases:case_print": Case.objects.order_by("pk").first().pk,
        "cases:reassign": Task.objects.filter(flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"]).first().pk,
        "registrations:provider": Provider.objects.order_by("pk").first().pk,
        "opinions:detail": Opinion.objects.order_by("pk").first().pk,
        "opinions:call_due": Call.objects.order_by("pk").first().pk,
    }


def _form_urls(user):
    """Start forms the user may use and one open task per human node, assigned to the user."""
    from tests.workflows.test_one_frame import task_at
    from workflows import agendas

    urls = []
    for entry in agendas.flows():
        flow_class = entry.flow_class
        for node in flow_class.instance.nodes():
            if isinstance(node, vf_flow.Start) and node.can_execute(user):
                urls.append(node.reverse("execute"))
            elif isinstance(node, vf_flow.View):
                task = task_at(node, user)
                if task is not None and node.can_execute(user, task):
                    urls.append(node.reverse("execute", args=[task.process_id, task.pk]))
    return urls


@pytest.fixture
def demo_office(demo_users):
    from registrations.catalogues import ensure_default_checklist
    from workflows.demo import seed_agendas

    get_resolver().url_patterns
    ensure_default_checklist()
    seed_agendas()
    return demo_users


def test_axe_on_every_page_and_form_of_every_role(page, live_server, demo_office):
    objects = _objects()
    problems, checked = [], 0
    for role in ROLES:
        page.context.clear_cookies()
        login(page, live_server, role)
        urls = []
        for name, kwargs in _page_names():
            if kwargs and name not in objects:
                continue
            urls.append(reverse(name, args=[objects[name]] if kwargs else None))
        urls += _form_urls(demo_office[role])
        urls.append("/tato-stranka-neexistuje/")  # the Czech 404 page
        for url in urls:
            try:
                response = page.goto(f"{live_server.url}{url}")
            except PlaywrightError as exc:  # a download (export), not a page
                if "Download is starting" in str(exc) or "ERR_HTTP_RESPONSE_CODE_FAILURE" in str(exc):
                    continue  # a download, or an empty refusal of a POST-only action
                raise
            if response is None or response.status in (403, 405):
                continue  # not this role's page (the permission matrix covers who gets what)
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue  # JSON endpoints (e.g. the ARES look-up) are not pages
            checked += 1
            for v in axe_violations(page):
                problems.append(f"{role} {url}: {v['id']} ({v['impact']}) {v['help']} → {v['nodes']}")
    print(f"\n[axe] {checked} stránek a formulářů, {len(problems)} porušení")
    assert checked >= 60, checked
    assert not problems, "\n".join(problems)
