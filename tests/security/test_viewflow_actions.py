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
            assert client.post(url).status_code in (302, 403, 404), (username, url)  # 302: non-admins are sent to our screens
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


# ---------------------------------------------------------------- finding 3, the rest

LETTER = "/app/workflow/flows/letter"


def _guard():
    from workflows.middleware import ViewflowActionGuardMiddleware

    return ViewflowActionGuardMiddleware.check


def _allowed(user, action, task) -> bool:
    from django.core.exceptions import PermissionDenied

    try:
        _guard()(user, action, task)
    except PermissionDenied:
        return False
    return True


def test_undo_of_a_human_task_only_head_and_deputy_and_never_after_an_issued_act(demo_users, monkeypatch):
    monkeypatch.setattr(jobs, "dispatch_job", lambda pk: None)
    case = new_letter_case(demo_users["referent"])
    process = letter_send(case=case, subject="Sdělení", body="Vážení,\nsdělujeme.", actor=demo_users["referent"])
    start = process.task_set.order_by("pk").first()  # the step that started the letter (before the render job)
    assert start is not None and start.flow_task_type != "JOB" and start.flow_task.name == "start"
    for username in ("referent", "referent2", "spravce", "planovac"):
        assert not _allowed(demo_users[username], "undo", start), username
        response = as_user(demo_users[username]).post(f"{LETTER}/{process.pk}/start/{start.pk}/undo/")
        assert response.status_code in (302, 403, 404), username
    assert _allowed(demo_users["vedouci"], "undo", start) and _allowed(demo_users["zastupce"], "undo", start)
    assert jobs.run_job(render_task(process).pk) == "done"  # the act is issued: now nobody undoes the step before it
    for username in ("vedouci", "zastupce"):
        assert not _allowed(demo_users[username], "undo", start), username
        response = as_user(demo_users[username]).post(f"{LETTER}/{process.pk}/start/{start.pk}/undo/")
        assert response.status_code in (302, 403), username
    start.refresh_from_db()
    assert start.status == STATUS.DONE


def test_cancel_of_a_task_and_of_a_process_only_head_and_deputy(demo_users):
    task = TaskFactory(case=CaseFactory(title="Zrušit", deadline=days(3)))
    for username in ("referent", "referent2", "spravce", "ctenar"):
        client = as_user(demo_users[username])
        assert client.post(f"{LETTER}/{task.process_id}/repair/{task.pk}/cancel/").status_code in (302, 403), username
        assert client.post(f"{LETTER}/{task.process_id}/cancel/").status_code in (302, 403), username
        assert not _allowed(demo_users[username], "cancel", task)
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.process.status != "CANCELED"
    # the guard lets the head and the deputy through; Viewflow's own rules (manage permission
    # of the flow, the task's state) still apply behind it
    assert _allowed(demo_users["vedouci"], "cancel", task) and _allowed(demo_users["zastupce"], "cancel", task)


def test_assign_from_the_queue_only_for_the_steps_officers_not_by_blanket_rights(demo_users):
    task = TaskFactory(case=CaseFactory(title="Převzít", deadline=days(3)))
    for username in ("spravce", "vedouci", "planovac"):  # the admin is a superuser, the head only manages
        response = as_user(demo_users[username]).post(f"{LETTER}/{task.process_id}/repair/{task.pk}/assign/")
        task.refresh_from_db()
        assert response.status_code == 403 and task.owner is None, username
        bulk = as_user(demo_users[username]).post("/app/workflow/queue/assign/", {"pk": [task.pk]})
        task.refresh_from_db()
        assert bulk.status_code in (302, 403) and task.owner is None, username
    response = as_user(demo_users["referent"]).post(f"{LETTER}/{task.process_id}/repair/{task.pk}/assign/")
    task.refresh_from_db()
    assert response.status_code == 302 and task.owner == demo_users["referent"]


def test_bulk_unassign_of_a_colleagues_task_only_head_and_deputy(demo_users):
    task = TaskFactory(case=CaseFactory(title="Hromadně", deadline=days(3)), owner=demo_users["referent"])
    for username in ("referent2", "spravce"):
        response = as_user(demo_users[username]).post("/app/workflow/inbox/unassign/", {"pk": [task.pk]})
        task.refresh_from_db()
        assert response.status_code in (302, 403) and task.owner == demo_users["referent"], username
        select_all = as_user(demo_users[username]).post("/app/workflow/inbox/unassign/", {"select_all": "1"})
        task.refresh_from_db()
        assert select_all.status_code in (302, 403) and task.owner == demo_users["referent"], username
    assert _allowed(demo_users["zastupce"], "unassign", task) and _allowed(demo_users["referent"], "unassign", task)
    assert _allowed(demo_users["vedouci"], "reassign", task) and not _allowed(demo_users["referent2"], "reassign", task)
