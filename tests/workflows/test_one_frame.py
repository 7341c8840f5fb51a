"""One frame (issue 12, item 2): every start form and every task screen of every flow renders in
the project's own frame for every non-administrator role; Viewflow's Material frame is left
to administrators.

The demo data of both agendas give real processes; for a human node without an open task in
the demo, a task is opened on a demo process of the same flow and assigned to the role's user,
so every execute URL of every flow is requested as every role.
"""

from __future__ import annotations

import re

import pytest
from viewflow.workflow import flow as vf_flow
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import agendas
from workflows.models import CaseProcess

pytestmark = pytest.mark.django_db

NON_ADMIN = ["referent", "referent2", "planovac", "koordinator", "vedouci", "zastupce", "portal", "ctenar"]
#: what only Viewflow's Material frame puts on a page
MATERIAL = re.compile(r"<vf-page[\s>]|mdc-drawer|vf-page__menu|viewflow/css/|material-icons", re.I)
OUR_FRAME = '<header class="top"'


@pytest.fixture
def demo_world(demo_users):
    from registrations.catalogues import ensure_default_checklist
    from workflows.demo import seed_agendas

    from django.urls import get_resolver

    get_resolver().url_patterns  # Viewflow's node.reverse() needs the site's URLs built
    ensure_default_checklist()
    seed_agendas()
    return demo_users


def human_nodes(flow_class):
    return [node for node in flow_class.instance.nodes() if isinstance(node, vf_flow.View)]


def task_at(node, user) -> Task | None:
    """An open task at ``node`` owned by ``user`` (the demo's own, or opened for the test)."""
    flow_class = node.flow_class
    open_task = Task.objects.filter(flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]).first()
    if open_task is not None:
        Task.objects.filter(pk=open_task.pk).update(owner=user, status=STATUS.ASSIGNED)
        return Task.objects.get(pk=open_task.pk)
    process = CaseProcess.objects.filter(flow_class=flow_class).order_by("pk").first()
    if process is None:
        return None
    data = dict(process.data or {})
    if "pending_delivery" in str(node.name) or node.name.startswith("deliver"):
        from workflows.models import Document

        doc = Document.objects.filter(case_id=process.case_id).first()
        data["pending_delivery"] = doc.pk if doc else None
        CaseProcess.objects.filter(pk=process.pk).update(data=data)
    return Task.objects.create(process_id=process.pk, flow_task=node, flow_task_type="HUMAN",
                               status=STATUS.ASSIGNED, owner=user)


def check_page(response, url, role, problems, served=None):
    if response.status_code == 200 and served is not None:
        served.append(url)
    if response.status_code in (302, 403, 404):
        if response.status_code == 302:
            return
        body = response.content.decode(errors="ignore")
    elif response.status_code == 200:
        body = response.content.decode(errors="ignore")
    else:
        problems.append(f"{role} {url}: HTTP {response.status_code}")
        return
    if MATERIAL.search(body):
        problems.append(f"{role} {url}: Viewflow's Material frame")
    elif OUR_FRAME not in body:
        problems.append(f"{role} {url}: not in the project's frame")


def test_every_start_and_task_form_in_our_frame(client, demo_world):
    problems: list[str] = []
    served: dict[str, list] = {}
    for role in NON_ADMIN:
        served[role] = []
        pages = _walk_forms(client, demo_world[role], role, problems, served[role])
        assert pages >= 25, pages
    assert not problems, "\n".join(problems)
    # the forms were really rendered for those who work on them (not only refused)
    assert len(served["referent"]) >= 18, served["referent"]
    assert len(served["planovac"]) >= 3 and len(served["koordinator"]) >= 3, served
    assert not served["ctenar"] and not served["portal"], served


def _walk_forms(client, user, role, problems, served) -> int:
    client.force_login(user)
    pages = 0
    for entry in agendas.flows():
        flow_class = entry.flow_class
        for node in flow_class.instance.nodes():
            if isinstance(node, vf_flow.Start):
                url = node.reverse("execute")
                check_page(client.get(url), url, role, problems, served)
                pages += 1
        for node in human_nodes(flow_class):
            task = task_at(node, user)
            if task is None:
                continue
            url = node.reverse("execute", args=[task.process_id, task.pk])
            response = client.get(url)
            check_page(response, url, role, problems, served)
            pages += 1
    return pages


def test_officer_sees_start_and_task_forms_in_our_frame_with_case_panel(client, demo_world):
    """A page the officer may use is really rendered (200), in our frame, with the case panel."""
    from registrations.flows.registration import RegistrationFlow

    officer = demo_world["referent"]
    client.force_login(officer)
    start = client.get(RegistrationFlow.start.reverse("execute"))
    assert start.status_code == 200
    body = start.content.decode()
    assert OUR_FRAME in body and not MATERIAL.search(body)
    assert "Založit případ" in body and 'class="skip-link"' in body
    task = task_at(RegistrationFlow.check, officer)
    response = client.get(RegistrationFlow.check.reverse("execute", args=[task.process_id, task.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="case-panel card"' in body and "Otevřít stránku případu" in body
    assert "Dokončit krok" in body


def test_viewflow_own_screens_send_non_admins_to_our_pages(client, demo_world):
    process = CaseProcess.objects.filter(case__isnull=False).order_by("pk").first()
    flow_class = process.flow_class
    urls = ["/app/", "/app/workflow/", flow_class.instance.reverse("index"),
            flow_class.instance.reverse("process_detail", args=[process.pk])]
    for role in NON_ADMIN:
        client.force_login(demo_world[role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (role, url, response.status_code)
            assert not response["Location"].startswith("/app/"), (role, url, response["Location"])


def test_admin_keeps_viewflow_screens(client, demo_world):
    client.force_login(demo_world["spravce"])
    from registrations.flows.registration import RegistrationFlow

    response = client.get(RegistrationFlow.instance.reverse("index"), follow=True)
    assert response.status_code == 200
    assert MATERIAL.search(response.content.decode())
