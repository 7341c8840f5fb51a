"""Processes stored at the old module layout (flows in ``workflows/flows/``) survive the move.

``tests/data/flow_layout_2a0ae8f.json`` holds raw rows captured at commit 2a0ae8f (see
``tests/data/capture_flow_layout_2a0ae8f.py``): processes of every flow running, suspended on
the remedy timer, with a job scheduled, with an appeal pending, and done. The test migrates the
two agendas back to before their flow-path migrations, inserts the rows as they were, migrates
forward, and then completes every open process with the flows at their new place.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from viewflow.workflow.fields import FlowReferenceField, TaskReferenceField
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from workflows import jobs
from tests.registrations.factories import ministry

FIXTURE = Path(__file__).parent / "data" / "flow_layout_2a0ae8f.json"
BEFORE_MOVE = [("registrations", "0005_proceeding_ordering_phase_index"), ("opinions", "0003_opinion_withdrawn")]
OLD_PREFIXES = ("workflows/flows.registration", "workflows/flows.change_notice", "workflows/flows.change_application",
                "workflows/flows.cancellation", "workflows/flows.opinion")

pytestmark = pytest.mark.django_db(transaction=True)


def _models_by_table(apps):
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.proxy:  # proxies share their concrete model's table
            out[model._meta.db_table] = model
    return out


def _load_raw_rows(apps, data) -> list:
    """Insert the captured rows through the historical models of the migration state."""
    models = _models_by_table(apps)
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    old_user = {r["id"]: r["username"] for r in data["tables"]["auth_user"]}
    users = {}
    for username in old_user.values():
        users[username] = User.objects.get_or_create(username=username)[0].pk
    for r in data["tables"]["auth_user_groups"]:
        group = Group.objects.get_or_create(name=r["group"])[0]
        User.groups.through.objects.get_or_create(user_id=users[r["user"]], group_id=group.pk)
    loaded = []
    for table, rows in data["tables"].items():
        if table.startswith("auth_"):
            continue
        model = models[table]
        objects = []
        for row in rows:
            kwargs = {}
            for field in model._meta.local_concrete_fields:
                if field.column not in row:
                    continue
                value = row[field.column]
                if isinstance(value, dict) and "content_type" in value:
                    app_label, name = value["content_type"].split(".")
                    value = ContentType.objects.get_or_create(app_label=app_label, model=name)[0].pk
                elif field.is_relation and field.related_model is User and value is not None:
                    value = users[old_user[value]]
                elif isinstance(value, str) and field.get_internal_type() == "JSONField":
                    value = json.loads(value)  # the database cursor returned JSON columns as text
                elif value is not None and not isinstance(field, (FlowReferenceField, TaskReferenceField)):
                    value = field.to_python(value)  # stored references stay strings: the old paths do not import
                kwargs[field.attname] = value
            for parent, link in model._meta.parents.items():  # a child row's pk is its parent's
                if link is not None and link.attname in kwargs:
                    kwargs[parent._meta.pk.attname] = kwargs[link.attname]
            objects.append(model(**kwargs))
        for obj in objects:  # raw: each row into its own table only (multi-table children too), as loaddata does
            obj.save_base(raw=True, force_insert=True)
        loaded.append(model)
    return loaded


@pytest.fixture
def old_layout_rows(django_db_blocker):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_MOVE)
    apps = MigrationExecutor(connection).loader.project_state(BEFORE_MOVE).apps
    with connection.cursor() as cursor:
        tables = [m._meta.db_table for m in apps.get_models(include_auto_created=True)
                  if m._meta.app_label in ("workflows", "registrations", "opinions", "viewflow")]
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)
    with transaction.atomic():
        loaded = _load_raw_rows(apps, data)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM viewflow_process WHERE flow_class LIKE 'workflows/flows.%%'")
        assert cursor.fetchone()[0] == 14  # every process is stored at the old layout
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    return data["labels"]


def test_old_processes_migrate_and_complete_on_the_new_layout(old_layout_rows, monkeypatch):
    from django.contrib.auth import get_user_model

    from opinions.flows import OpinionFlow
    from registrations.flows.cancellation import CancellationFlow as C
    from registrations.flows.change_application import ChangeApplicationFlow as A
    from registrations.flows.change_notice import ChangeNoticeFlow as N
    from registrations.flows.registration import RegistrationFlow as R
    from registrations.models import Proceeding
    from tests import flowkit as ok
    from tests.flowkit import checklist, do, run_jobs
    from workflows.catalogues import load_catalogues
    from workflows.flows.letter import LetterFlow
    from workflows.roles import ensure_groups

    monkeypatch.setattr(jobs, "dispatch_job", lambda pk: None)  # jobs run in-process below
    load_catalogues()
    ensure_groups()
    labels = old_layout_rows
    with connection.cursor() as cursor:
        for prefix in OLD_PREFIXES:
            cursor.execute("SELECT count(*) FROM viewflow_task WHERE flow_task LIKE %s", [prefix + ".%"])
            assert cursor.fetchone()[0] == 0, prefix
    process = {name: Process.objects.get(pk=pk) for name, pk in labels.items()}
    expected = {"reg_check": R, "reg_suspended_timer": R, "reg_job_scheduled": R, "reg_appeal_pending": R, "reg_done": R,
                "change_app_check": A, "notice_check": N, "notice_done": N, "cancel_assess": C, "op_draft": OpinionFlow,
                "op_approve": OpinionFlow, "op_render_scheduled": OpinionFlow, "op_done": OpinionFlow,
                "letter_scheduled": LetterFlow}
    for name, flow_class in expected.items():
        assert process[name].flow_class is flow_class, name
    assert {t.flow_task for t in Task.objects.filter(process=process["reg_suspended_timer"],
                                                     status=STATUS.SCHEDULED)} == {R.await_supplement__timeout}

    User = get_user_model()
    officer = User.objects.get(username="referent")
    planner, head = User.objects.get(username="planovac"), User.objects.get(username="vedouci")

    def coerced(name):
        return process[name].coerced

    def proceeding(name):
        return Proceeding.objects.get(case_id=coerced(name).case_id)

    def decide_and_finish(name, flow, *, delivered, final_on):
        do(coerced(name), flow.deliver_decision, officer, channel="data_box", ready_on=delivered, collected_on=delivered)
        do(coerced(name), flow.appeal_period, officer, final_on=final_on)

    # registration at the completeness check
    p = coerced("reg_check")
    do(p, R.check, officer, answers=checklist(proceeding("reg_check")))
    do(p, R.assess, officer, answers=checklist(proceeding("reg_check"), "conditions"), proposal="granted",
       omit_reasoning=True)
    decide_and_finish("reg_check", R, delivered=date(2026, 10, 5), final_on=date(2026, 10, 21))
    # suspended, waiting on the remedy timer: the supplement arrives, then the same path
    p = coerced("reg_suspended_timer")
    do(p, R.await_supplement, officer, received_on=date(2026, 9, 20), note="doloženo")
    do(p, R.check, officer, answers=checklist(proceeding("reg_suspended_timer")))
    do(p, R.assess, officer, answers=checklist(proceeding("reg_suspended_timer"), "conditions"), proposal="granted",
       omit_reasoning=True)
    decide_and_finish("reg_suspended_timer", R, delivered=date(2026, 10, 5), final_on=date(2026, 10, 21))
    # the decision job that was scheduled when the rows were captured
    run_jobs(coerced("reg_job_scheduled"))
    decide_and_finish("reg_job_scheduled", R, delivered=date(2026, 10, 5), final_on=date(2026, 10, 21))
    # appeal pending (the old layout kept its id in process.data; the flow now asks the proceeding)
    p = coerced("reg_appeal_pending")
    do(p, R.decide_appeal, officer, route="forwarded", note="Důvody pro § 87 nejsou.", forwarded_on=date(2026, 10, 20),
       points="Odvolatel namítá, že rozpočet doložil.")
    do(p, R.ministry_outcome, officer, **ministry("dismissed", outcome_on=date(2026, 11, 10), notified_on=date(2026, 11, 16)))
    # application to change at the check
    p = coerced("change_app_check")
    do(p, A.check, officer, answers=checklist(proceeding("change_app_check")))
    do(p, A.assess, officer, answers=checklist(proceeding("change_app_check"), "conditions"), proposal="granted",
       omit_reasoning=True)
    decide_and_finish("change_app_check", A, delivered=date(2026, 11, 10), final_on=date(2026, 11, 26))
    # notice of changes at the check (acknowledgement job runs)
    do(coerced("notice_check"), N.check_notice, officer, action="record", note="V pořádku.")
    # ex officio cancellation at the assessment: § 36(3) notice, comments, decision
    p = coerced("cancel_assess")
    do(p, C.assess, officer, answers={}, proposal="granted", reasoning="Podmínky § 79 nejsou plněny.")
    do(p, C.deliver_evidence_notice, officer, channel="data_box", ready_on=date(2026, 11, 5),
       collected_on=date(2026, 11, 5))
    do(p, C.await_comments, officer)
    decide_and_finish("cancel_assess", C, delivered=date(2026, 11, 10), final_on=date(2026, 11, 26))
    # opinions: draft → approve → render; approve → render; render
    ok.draft(coerced("op_draft"), planner)
    ok.approve(coerced("op_draft"), head)
    assert ok.run_render_job(coerced("op_draft")) == "done"
    ok.approve(coerced("op_approve"), head)
    assert ok.run_render_job(coerced("op_approve")) == "done"
    assert ok.run_render_job(coerced("op_render_scheduled")) == "done"
    # the letter's scheduled render
    run_jobs(coerced("letter_scheduled"))

    for name in labels:
        process[name].refresh_from_db()
        assert process[name].status == STATUS.DONE, (name, process[name].status)
