"""Finding 3: Viewflow's undo / revive / unassign only as the process design gives them.

* A worker job that issued an act (number + document) can never be undone or revived — that
  would issue a second act with a new č. j.; not even by the head holding the manage permission.
* Officers cannot return a colleague's task to the queue; the head and the deputy standing
  in for the head can, and both may reassign."""

from __future__ import annotations

import pytest
from django.test import Client
from viewflow.workflow.status import STATUS

from tests.reliability.conftest import new_letter_case, render_task
from tests.workflows.factories import CaseFactory, TaskFactory, days
from workflows import jobs
from workflows.flows.letter import letter_send
from workflows.models import Document

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_issuing_job_is_never_undone_or_revived(demo_users, monkeypatch):
    monkeypatch.setattr(jobs, "dispatch_job", lambda pk: None)
    case = new_letter_case(demo_users["referent"])
    process = letter_send(case=case, subject="Sdělení", body="Vážení,\nsdělujeme.", actor=demo_users["referent"])
    task = render_task(process)
    assert jobs.run_job(task.pk) == "done"
    documents = Document.objects.filter(case=case).count()
    for username in ("vedouci", "zastupce", "referent", "spravce"):
        client = as_user(demo_users[username])
        for action in ("undo", "revive"):
            url = f"/app/workflow/flows/letter/{process.pk}/render/{task.pk}/{action}/"
            assert client.post(url).status_code in (403, 404), (username, url)
    task.refresh_from_db()
    assert task.status == STATUS.DONE and Document.objects.filter(case=case).count() == documents


def test_only_head_and_deputy_return_a_colleagues_task(demo_users):
    for username, allowed in [("referent2", False), ("vedouci", True), ("zastupce", True)]:
        task = TaskFactory(case=CaseFactory(title=f"Úkol {username}", deadline=days(3)), owner=demo_users["referent"])
        ours = as_user(demo_users[username]).post(f"/ukoly/{task.pk}/uvolnit/")
        task.refresh_from_db()
        if allowed:
            assert ours.status_code == 302 and task.owner is None, username
        else:
            assert ours.status_code == 403 and task.owner == demo_users["referent"], username
            stock = as_user(demo_users[username]).post(
                f"/app/workflow/flows/letter/{task.process_id}/repair/{task.pk}/unassign/")
            task.refresh_from_db()
            assert stock.status_code == 403 and task.owner == demo_users["referent"], username
    own = TaskFactory(case=CaseFactory(title="Vlastní", deadline=days(3)), owner=demo_users["referent"])
    assert as_user(demo_users["referent"]).post(f"/ukoly/{own.pk}/uvolnit/").status_code == 302


def test_the_deputy_reassigns_too(demo_users):
    task = TaskFactory(case=CaseFactory(title="Předání", deadline=days(3)), owner=demo_users["referent"])
    assert as_user(demo_users["zastupce"]).get(f"/ukoly/{task.pk}/predat/").status_code == 200
    assert as_user(demo_users["referent2"]).get(f"/ukoly/{task.pk}/predat/").status_code == 403
