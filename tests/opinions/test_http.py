"""The opinion flow over HTTP with the Django test client: screens, permissions, four-eyes, reader."""

from __future__ import annotations

import pytest
from viewflow.workflow.models import Task

from opinions.models import Opinion
from opinions.flows import OpinionFlow
from workflows.models import ServiceType, TargetGroup

from tests import flowkit as fk

pytestmark = pytest.mark.django_db

BASE = "/app/workflow/flows/opinion"


def _login(client, user):
    client.force_login(user)
    return client


def _task_url(task, action):
    return f"{BASE}/{task.process_id}/{task.flow_task.name}/{task.pk}/{action}/"


def test_request_draft_approve_over_http_and_reader_sees_issued_only(
    client, catalogues, kk_plan, django_capture_on_commit_callbacks
):
    users = catalogues["users"]
    planner, head, reader = users["planovac"], users["vedouci"], users["ctenar"]

    # --- the planner registers the request through the start form
    _login(client, planner)
    assert client.get(f"{BASE}/start/").status_code == 200
    form = {
        "applicant_ico": "70832749", "applicant_name": "Pečovatelská služba Sokolov, p.o.",
        "applicant_address": "Sokolovská 1, 356 01 Sokolov",
        "project_title": "Rozvoj pečovatelské služby pro seniory na Sokolovsku",
        "registration_number": "CZ.1.04/3.1.00/56.00123",
        "call": catalogues["call56"].pk, "area": catalogues["area31"].pk,
        "service_types": [ServiceType.objects.get(paragraph="40").pk],
        "target_groups": [TargetGroup.objects.get(code="S").pk],
        "districts": ["Sokolov"], "period_start": "1. 7. 2011", "period_end": "30. 6. 2012",
        "budget": "1200000", "contact_email": "projekt@example.invalid",
    }
    bad = client.post(f"{BASE}/start/", {**form, "applicant_ico": "12345678", "period_end": "1. 1. 2011"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "nemá platnou kontrolní číslici" in body and "nemůže předcházet" in body
    no_seat = client.post(f"{BASE}/start/", {**form, "applicant_address": ""}).content.decode()
    assert "Vyplňte sídlo žadatele (uvádí se ve vyjádření)." in no_seat
    assert not Opinion.objects.exists()
    response = client.post(f"{BASE}/start/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    opinion = Opinion.objects.get()
    process = opinion.case.processes.get()
    task = Task.objects.get(process_id=process.pk, flow_task=OpinionFlow.draft)

    # --- the coordinator cannot take a 3.1 draft; the planner can
    _login(client, users["koordinator"])
    assert client.post(_task_url(task, "assign")).status_code == 403
    _login(client, planner)
    assert client.post(_task_url(task, "assign")).status_code == 302
    page = client.get(_task_url(task, "execute"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Návrhy aktivit plánu kraje" in html
    assert "§ 40 (zděděno) a S shodné s 4.1.1" in html
    assert "Koncept do:" in html and "Aktuální lhůta" in html
    suggestion = "4.1.1"
    item_pk = kk_plan.items.get(number=suggestion, kind="activity").pk
    draft = {"s1_verdict": "yes", "s1_text": "Navazuje na prioritu 4 plánu práce.",
             "activities": [str(item_pk)], "s2_verdict": "yes", "s2_text": "Potřeba je doložena.",
             "s3_verdict": "positive", "s3_text": "Bez výhrad.", "s4_verdict": "not_funded",
             "s4_text": "Pečovatelská služba není v IP kraje."}
    saved = client.post(_task_url(task, "execute"), {**draft, "_save": "1"})
    assert saved.status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.DRAFTING and opinion.s1_text.startswith("Navazuje")
    # incomplete submit shows the Czech reason and keeps the task
    incomplete = client.post(_task_url(task, "execute"), {**draft, "s4_verdict": "", "_submit": "1"})
    assert incomplete.status_code == 200 and "Chybí závěr výroku 4." in incomplete.content.decode()
    assert client.post(_task_url(task, "execute"), {**draft, "_submit": "1"}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.WAITING

    # --- four-eyes over HTTP: the drafter cannot take the approval; the head can
    approve = Task.objects.get(process_id=process.pk, flow_task=OpinionFlow.approve)
    assert client.post(_task_url(approve, "assign")).status_code == 403
    _login(client, head)
    assert client.post(_task_url(approve, "assign")).status_code == 302
    page = client.get(_task_url(approve, "execute"))
    assert page.status_code == 200 and "Navazuje na prioritu 4" in page.content.decode()
    no_comment = client.post(_task_url(approve, "execute"), {"decision": "return", "comment": ""})
    assert "napište připomínky" in no_comment.content.decode()
    # approval issues the numbered opinion: preview first (nothing written), then confirmed
    shown = client.post(_task_url(approve, "execute"), {"decision": "approve"})
    assert shown.status_code == 200 and "Náhled před vydáním" in shown.content.decode()
    opinion.refresh_from_db()
    assert opinion.status != Opinion.Status.APPROVED
    from workflows.preview import CONFIRM_FIELD

    confirmed = client.post(_task_url(approve, "execute"),
                            {"decision": "approve", CONFIRM_FIELD: shown.context["confirm_token"]})
    assert confirmed.status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.APPROVED and opinion.approver == head

    # --- the worker step (run in-process here), then the reader
    with django_capture_on_commit_callbacks(execute=True):
        assert fk.run_render_job(process) == "done"
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.ISSUED

    other = fk.opinion_request_start(actor=planner, **{
        "applicant_ico": "25596641", "applicant_name": "Domov Vřesová, o.p.s.", "project_title": "Jiný projekt",
        "applicant_address": "Vřesová 1, 357 35 Vřesová",
        "call": catalogues["call56"], "area": "3.1", "service_types": ["70"], "target_groups": ["OZP"],
        "period_start": "2011-01-01", "period_end": "2011-12-31", "budget": 5000,
    })
    waiting = fk.opinion_of(other)
    _login(client, reader)
    listing = client.get("/opinions/")
    assert listing.status_code == 200
    assert opinion.case.file_mark in listing.content.decode()
    assert waiting.case.file_mark not in listing.content.decode()
    assert client.get(f"/opinions/{opinion.pk}/").status_code == 200
    assert client.get(f"/opinions/{waiting.pk}/").status_code == 404
    _login(client, head)
    due = client.get(f"/opinions/calls/{catalogues['call56'].pk}/")
    assert due.status_code == 200 and waiting.case.file_mark in due.content.decode()
