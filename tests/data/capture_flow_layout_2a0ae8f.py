"""Capture processes of every flow in every state, as raw rows, at the old module layout.

Ran once at commit 2a0ae8f (flows in ``workflows/flows/``) to write
``tests/data/flow_layout_2a0ae8f.json``; the migration test loads those rows on the new layout.
Run (at that commit, as tests/registrations/test_capture_layout.py): OSV_CAPTURE=path pytest …
"""

from __future__ import annotations

import json
import os
from datetime import date

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from registrations.models import Proceeding
from workflows.flows.cancellation import CancellationFlow
from workflows.flows.change_application import ChangeApplicationFlow
from workflows.flows.change_notice import ChangeNoticeFlow
from workflows.flows.letter import letter_send
from registrations.flows.registration import RegistrationFlow as F
from workflows.jobs import run_job

from tests.opinions import flowkit as ok
from tests.opinions.conftest import catalogues, kk_plan, request_data  # noqa: F401 (fixtures)

from .conftest import PROVIDER, checklist, do, run_jobs, service

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.skipif(not os.environ.get("OSV_CAPTURE"),
                                                                           reason="capture only")]

ITEMS = [{"kind": "staff", "description": "Nastoupila sociální pracovnice Bc. Eva Smyšlená"}]
TABLES_SKIP = {"django_migrations", "django_session", "django_admin_log", "auth_permission",
               "auth_group_permissions", "auth_user_user_permissions", "django_content_type", "auth_group"}


def start(officer, label, **kw):
    data = {"provider": {**PROVIDER, "ico": kw.pop("ico", PROVIDER["ico"])}, "services": [service()],
            "received_on": date(2026, 9, 1)}
    data.update(kw)
    process = F.receive.run(user=officer, **data)
    process.data = {**process.data}
    return process, Proceeding.objects.get(case=process.case)


def test_capture(officer, catalogues, kk_plan):
    users = catalogues["users"]
    planner, head = users["planovac"], users["vedouci"]
    labels = {}

    # registration: running at the completeness check
    p, _ = start(officer, "reg_check", ico="25401726")
    labels["reg_check"] = p.pk
    # registration: suspended, waiting on the remedy timer
    p, pr = start(officer, "reg_suspended", ico="27004520")
    do(p, F.check, officer, answers=checklist(pr, missing=("premises",)), remedy_days=30)
    do(p, F.deliver_deficiency, officer, channel="data_box", ready_on=date(2026, 9, 7), collected_on=date(2026, 9, 8))
    labels["reg_suspended_timer"] = p.pk
    # registration: decision job scheduled (not run by a worker yet)
    p, pr = start(officer, "reg_job", ico="26997789")
    do(p, F.check, officer, answers=checklist(pr))
    do(p, F.assess, officer, in_process_jobs=False, answers=checklist(pr, "conditions"), proposal="granted",
       reasoning="Podmínky § 79 splněny.")
    labels["reg_job_scheduled"] = p.pk
    # registration: appeal pending (routing used process.data['appeal_id'])
    p, pr = start(officer, "reg_appeal", ico="49777513")
    do(p, F.check, officer, answers=checklist(pr))
    do(p, F.assess, officer, answers=checklist(pr, "conditions", missing=("cond_premises",)), proposal="refused",
       reasoning="Chybí právo užívat prostory.")
    do(p, F.deliver_evidence_notice, officer, channel="data_box", ready_on=date(2026, 9, 10),
       collected_on=date(2026, 9, 10))
    do(p, F.await_comments, officer)
    do(p, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 9, 21), collected_on=date(2026, 9, 22))
    do(p, F.appeal_period, officer, appeal_received_on=date(2026, 10, 2))
    labels["reg_appeal_pending"] = p.pk
    # registration: done (registered)
    p, pr = start(officer, "reg_done", ico="00064211")
    do(p, F.check, officer, answers=checklist(pr))
    do(p, F.assess, officer, answers=checklist(pr, "conditions"), proposal="granted", omit_reasoning=True)
    do(p, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 10, 5), collected_on=date(2026, 10, 5))
    do(p, F.appeal_period, officer, final_on=date(2026, 10, 21))
    labels["reg_done"] = p.pk
    assert p.status == "DONE"

    # change application: at the check
    from registrations.models import RegisteredService

    registered = RegisteredService.objects.filter(provider__ico="00064211").first()
    from registrations import services as svc

    p = ChangeApplicationFlow.receive.run(user=officer, provider={**PROVIDER, "ico": "00064211"},
                                          services=[svc.change_services_from_registered(registered, capacity=30)],
                                          received_on=date(2026, 11, 2))
    labels["change_app_check"] = p.pk
    # notice of changes: at the check, and one done with an acknowledgement
    notice_data = dict(ico="00064211", service=registered, change_date=date(2026, 10, 25),
                       received_on=date(2026, 11, 10), items=ITEMS, acknowledge=True)
    p = ChangeNoticeFlow.receive.run(user=officer, **notice_data)
    labels["notice_check"] = p.pk
    p = ChangeNoticeFlow.receive.run(user=officer, **notice_data)
    do(p, ChangeNoticeFlow.check_notice, officer, action="record", note="Doklady v pořádku.")
    labels["notice_done"] = p.pk
    # cancellation ex officio: opening notice delivered, at the assessment
    p = CancellationFlow.receive.run(user=officer, provider=registered.provider, services=[registered],
                                     ex_officio=True, grounds="Neplnění podmínek § 79.", received_on=date(2026, 11, 3))
    run_jobs(p)
    do(p, CancellationFlow.deliver_opening_notice, officer, channel="data_box", ready_on=date(2026, 11, 4),
       collected_on=date(2026, 11, 4))
    labels["cancel_assess"] = p.pk

    # opinions: at the draft, at the approval, render job scheduled, done
    op = ok.opinion_request_start(actor=planner, **request_data(catalogues))
    labels["op_draft"] = op.pk
    op = ok.opinion_request_start(actor=planner, **request_data(catalogues, project_title="Druhý projekt"))
    ok.draft(op, planner)
    labels["op_approve"] = op.pk
    op = ok.opinion_request_start(actor=planner, **request_data(catalogues, project_title="Třetí projekt"))
    ok.draft(op, planner)
    ok.approve(op, head)
    labels["op_render_scheduled"] = op.pk
    op = ok.opinion_request_start(actor=planner, **request_data(catalogues, project_title="Čtvrtý projekt"))
    ok.draft(op, planner)
    ok.approve(op, head)
    assert ok.run_render_job(op) == "done"
    labels["op_done"] = op.pk
    # letter: job scheduled
    from workflows.models import Case

    lp = letter_send(case=Case.objects.get(pk=op.coerced.case_id), subject="Průvodní dopis", body="Text dopisu.",
                     actor=head)
    labels["letter_scheduled"] = lp.pk

    dump(os.environ["OSV_CAPTURE"], labels)


def dump(path, labels):
    """Every row of every table (but auth/permission/content-type bookkeeping), FKs to users by username."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    usernames = dict(get_user_model().objects.values_list("pk", "username"))
    ct = {c.pk: f"{c.app_label}.{c.model}" for c in ContentType.objects.all()}
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table in TABLES_SKIP:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            cols = [c[0] for c in cursor.description]
            rows = [dict(zip(cols, r)) for r in cursor.fetchall()]
            if rows:
                tables[table] = rows
    # relations to users and content types: written as names, mapped back on load
    tables["auth_user"] = [{"id": r["id"], "username": r["username"]} for r in tables.get("auth_user", [])]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM auth_group")
        groups = dict(cursor.fetchall())
    tables["auth_user_groups"] = [{"user": usernames[r["user_id"]], "group": groups[r["group_id"]]}
                                  for r in tables.get("auth_user_groups", [])]
    for rows in tables.values():
        for r in rows:
            for key in list(r):
                if key.endswith("content_type_id") and r[key] is not None:
                    r[key] = {"content_type": ct[r[key]]}
    out = {"commit": "2a0ae8f", "labels": labels, "tables": tables}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(out, fh, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1, sort_keys=True)
