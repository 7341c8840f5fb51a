"""Counters the dashboards read instead of scanning tasks and processes.

``TaskCount`` holds the number of open human tasks (NEW, ASSIGNED, STARTED) per status, owner,
node, permission, case kind and case deadline; ``FinishedCount`` the processes finished per day,
flow and case kind with the sum of their lead times. Database triggers keep both in step with
Viewflow's tables (whatever writes them: Viewflow's activations, the admin, a bulk load), so a
dashboard count costs a sum over a few thousand rows at any data size.

The triggers (installed by migration 0006):

- a human task inserted, changed (status, owner, node, permission) or deleted moves one unit
  from its old key to its new one, looking up its case through ``CaseProcess``;
- a case whose deadline or kind changes moves the counts of its open tasks;
- a process whose ``finished`` is set adds one to the day's row (lead time = the local finish
  date − the case's receipt, at least 0; SQLite takes the UTC date).

:func:`rebuild` recomputes both tables from scratch (after a bulk load that bypassed the
triggers, or to check them: ``python manage.py shell -c "from workflows import counters;
counters.rebuild()"``). The counter rows are hot spots only when two transactions change tasks
of the same node, owner and deadline at the same moment; each holds the row for the rest of its
(short) transaction.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection, transaction

NO_DEADLINE = datetime.date(9999, 12, 31)
OPEN = ("NEW", "ASSIGNED", "STARTED")
_OPEN_SQL = "('NEW', 'ASSIGNED', 'STARTED')"
_KEY = "status, owner_id, flow_task, owner_permission, case_kind, deadline"
_FKEY = "flow_class, case_kind, finished_on"

# --------------------------------------------------------------------------- PostgreSQL

_PG_INSTALL = f"""
CREATE OR REPLACE FUNCTION osv_taskcount_add(p_process bigint, p_status varchar, p_owner integer,
        p_flow_task varchar, p_perm varchar, p_delta integer) RETURNS void AS $$
DECLARE
    v_kind varchar := '';
    v_deadline date := DATE '9999-12-31';
BEGIN
    SELECT coalesce(c.kind, ''), coalesce(c.deadline, DATE '9999-12-31') INTO v_kind, v_deadline
    FROM workflows_caseprocess cp JOIN workflows_case c ON c.id = cp.case_id WHERE cp.process_ptr_id = p_process;
    v_kind := coalesce(v_kind, '');
    v_deadline := coalesce(v_deadline, DATE '9999-12-31');
    IF p_delta < 0 THEN  -- a decrement only lowers an existing row: never a negative row
        UPDATE workflows_taskcount SET n = n + p_delta
        WHERE status = p_status AND owner_id = coalesce(p_owner, 0) AND flow_task = p_flow_task
          AND owner_permission = coalesce(p_perm, '') AND case_kind = v_kind AND deadline = v_deadline;
    ELSE
        INSERT INTO workflows_taskcount ({_KEY}, n)
        VALUES (p_status, coalesce(p_owner, 0), p_flow_task, coalesce(p_perm, ''), v_kind, v_deadline, p_delta)
        ON CONFLICT ({_KEY}) DO UPDATE SET n = workflows_taskcount.n + EXCLUDED.n;
    END IF;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION osv_taskcount_task() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.flow_task_type = 'HUMAN' AND OLD.status IN {_OPEN_SQL} THEN
        PERFORM osv_taskcount_add(OLD.process_id, OLD.status, OLD.owner_id, OLD.flow_task, OLD.owner_permission, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.flow_task_type = 'HUMAN' AND NEW.status IN {_OPEN_SQL} THEN
        PERFORM osv_taskcount_add(NEW.process_id, NEW.status, NEW.owner_id, NEW.flow_task, NEW.owner_permission, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER osv_taskcount_ins AFTER INSERT ON viewflow_task FOR EACH ROW
    WHEN (NEW.flow_task_type = 'HUMAN' AND NEW.status IN {_OPEN_SQL}) EXECUTE FUNCTION osv_taskcount_task();
CREATE TRIGGER osv_taskcount_upd AFTER UPDATE ON viewflow_task FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.owner_id IS DISTINCT FROM NEW.owner_id
          OR OLD.flow_task IS DISTINCT FROM NEW.flow_task OR OLD.owner_permission IS DISTINCT FROM NEW.owner_permission
          OR OLD.flow_task_type IS DISTINCT FROM NEW.flow_task_type OR OLD.process_id IS DISTINCT FROM NEW.process_id)
    EXECUTE FUNCTION osv_taskcount_task();
CREATE TRIGGER osv_taskcount_del AFTER DELETE ON viewflow_task FOR EACH ROW
    WHEN (OLD.flow_task_type = 'HUMAN' AND OLD.status IN {_OPEN_SQL}) EXECUTE FUNCTION osv_taskcount_task();

CREATE OR REPLACE FUNCTION osv_taskcount_case() RETURNS trigger AS $$
BEGIN
    INSERT INTO workflows_taskcount ({_KEY}, n)
    SELECT t.status, coalesce(t.owner_id, 0), t.flow_task, coalesce(t.owner_permission, ''), s.kind, s.deadline, s.sign * count(*)
    FROM workflows_caseprocess cp
    JOIN viewflow_task t ON t.process_id = cp.process_ptr_id
    CROSS JOIN (VALUES (OLD.kind, coalesce(OLD.deadline, DATE '9999-12-31'), -1),
                       (NEW.kind, coalesce(NEW.deadline, DATE '9999-12-31'), 1)) AS s(kind, deadline, sign)
    WHERE cp.case_id = NEW.id AND t.flow_task_type = 'HUMAN' AND t.status IN {_OPEN_SQL}
    GROUP BY t.status, coalesce(t.owner_id, 0), t.flow_task, coalesce(t.owner_permission, ''), s.kind, s.deadline, s.sign
    ON CONFLICT ({_KEY}) DO UPDATE SET n = workflows_taskcount.n + EXCLUDED.n;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER osv_taskcount_case AFTER UPDATE ON workflows_case FOR EACH ROW
    WHEN (OLD.kind IS DISTINCT FROM NEW.kind OR OLD.deadline IS DISTINCT FROM NEW.deadline)
    EXECUTE FUNCTION osv_taskcount_case();

CREATE OR REPLACE FUNCTION osv_finishedcount_process() RETURNS trigger AS $$
BEGIN
    INSERT INTO workflows_finishedcount ({_FKEY}, n, days_total)
    SELECT NEW.flow_class, c.kind, (NEW.finished AT TIME ZONE '{{tz}}')::date, 1,
           GREATEST(0, (NEW.finished AT TIME ZONE '{{tz}}')::date - coalesce(c.received_on, (NEW.created AT TIME ZONE '{{tz}}')::date))
    FROM workflows_caseprocess cp JOIN workflows_case c ON c.id = cp.case_id
    WHERE cp.process_ptr_id = NEW.id
    ON CONFLICT ({_FKEY}) DO UPDATE SET n = workflows_finishedcount.n + 1,
        days_total = workflows_finishedcount.days_total + EXCLUDED.days_total;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER osv_finishedcount_process AFTER UPDATE ON viewflow_process FOR EACH ROW
    WHEN (OLD.finished IS NULL AND NEW.finished IS NOT NULL) EXECUTE FUNCTION osv_finishedcount_process();
"""

_PG_DROP = """
DROP TRIGGER IF EXISTS osv_taskcount_ins ON viewflow_task;
DROP TRIGGER IF EXISTS osv_taskcount_upd ON viewflow_task;
DROP TRIGGER IF EXISTS osv_taskcount_del ON viewflow_task;
DROP TRIGGER IF EXISTS osv_taskcount_case ON workflows_case;
DROP TRIGGER IF EXISTS osv_finishedcount_process ON viewflow_process;
DROP FUNCTION IF EXISTS osv_taskcount_task();
DROP FUNCTION IF EXISTS osv_taskcount_case();
DROP FUNCTION IF EXISTS osv_finishedcount_process();
DROP FUNCTION IF EXISTS osv_taskcount_add(bigint, varchar, integer, varchar, varchar, integer);
"""

# --------------------------------------------------------------------------- SQLite


def _sqlite_add(row: str, delta: int, condition: str) -> str:
    """One unit into (``delta`` 1) or out of (-1) the task's counter row. A decrement only lowers
    an existing row, so deleting tasks after their counters (a flush deletes table by table, in
    any order) never leaves a negative row that would hide a later task from the lists."""
    case = f"(SELECT {{col}} FROM workflows_caseprocess cp JOIN workflows_case c ON c.id = cp.case_id " \
           f"WHERE cp.process_ptr_id = {row}.process_id)"
    if delta < 0:
        return f"""
    UPDATE workflows_taskcount SET n = n - 1
    WHERE status = {row}.status AND owner_id = coalesce({row}.owner_id, 0) AND flow_task = {row}.flow_task
      AND owner_permission = coalesce({row}.owner_permission, '')
      AND case_kind = coalesce({case.format(col='c.kind')}, '')
      AND deadline = coalesce({case.format(col='c.deadline')}, '9999-12-31')
      AND {condition};"""
    return f"""
    INSERT INTO workflows_taskcount ({_KEY}, n)
    SELECT {row}.status, coalesce({row}.owner_id, 0), {row}.flow_task, coalesce({row}.owner_permission, ''),
           coalesce(c.kind, ''), coalesce(c.deadline, '9999-12-31'), {delta}
    FROM (SELECT 1) AS one
    LEFT JOIN workflows_caseprocess cp ON cp.process_ptr_id = {row}.process_id
    LEFT JOIN workflows_case c ON c.id = cp.case_id
    WHERE {condition}
    ON CONFLICT ({_KEY}) DO UPDATE SET n = n + excluded.n;"""


def _sqlite_open(row: str) -> str:
    return f"{row}.flow_task_type = 'HUMAN' AND {row}.status IN {_OPEN_SQL}"


_SQLITE_CASE_MOVE = """
    INSERT INTO workflows_taskcount ({key}, n)
    SELECT t.status, coalesce(t.owner_id, 0), t.flow_task, coalesce(t.owner_permission, ''), {row}.kind,
           coalesce({row}.deadline, '9999-12-31'), {sign} * count(*)
    FROM workflows_caseprocess cp JOIN viewflow_task t ON t.process_id = cp.process_ptr_id
    WHERE cp.case_id = NEW.id AND t.flow_task_type = 'HUMAN' AND t.status IN {open}
    GROUP BY t.status, coalesce(t.owner_id, 0), t.flow_task, coalesce(t.owner_permission, '')
    ON CONFLICT ({key}) DO UPDATE SET n = n + excluded.n;"""

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER osv_taskcount_ins AFTER INSERT ON viewflow_task WHEN {_sqlite_open('NEW')}
    BEGIN {_sqlite_add('NEW', 1, '1')} END;""",
    f"""CREATE TRIGGER osv_taskcount_upd AFTER UPDATE ON viewflow_task
    WHEN OLD.status IS NOT NEW.status OR OLD.owner_id IS NOT NEW.owner_id OR OLD.flow_task IS NOT NEW.flow_task
         OR OLD.owner_permission IS NOT NEW.owner_permission OR OLD.flow_task_type IS NOT NEW.flow_task_type
         OR OLD.process_id IS NOT NEW.process_id
    BEGIN {_sqlite_add('OLD', -1, _sqlite_open('OLD'))} {_sqlite_add('NEW', 1, _sqlite_open('NEW'))} END;""",
    f"""CREATE TRIGGER osv_taskcount_del AFTER DELETE ON viewflow_task WHEN {_sqlite_open('OLD')}
    BEGIN {_sqlite_add('OLD', -1, '1')} END;""",
    f"""CREATE TRIGGER osv_taskcount_case AFTER UPDATE ON workflows_case
    WHEN OLD.kind IS NOT NEW.kind OR OLD.deadline IS NOT NEW.deadline
    BEGIN {_SQLITE_CASE_MOVE.format(key=_KEY, row='OLD', sign=-1, open=_OPEN_SQL)}
          {_SQLITE_CASE_MOVE.format(key=_KEY, row='NEW', sign=1, open=_OPEN_SQL)} END;""",
    f"""CREATE TRIGGER osv_finishedcount_process AFTER UPDATE ON viewflow_process
    WHEN OLD.finished IS NULL AND NEW.finished IS NOT NULL
    BEGIN
    INSERT INTO workflows_finishedcount ({_FKEY}, n, days_total)
    SELECT NEW.flow_class, c.kind, date(NEW.finished, 'localtime'), 1,
           max(0, CAST(julianday(date(NEW.finished, 'localtime'))
                       - julianday(coalesce(c.received_on, date(NEW.created, 'localtime'))) AS INTEGER))
    FROM workflows_caseprocess cp JOIN workflows_case c ON c.id = cp.case_id
    WHERE cp.process_ptr_id = NEW.id
    ON CONFLICT ({_FKEY}) DO UPDATE SET n = n + 1, days_total = days_total + excluded.days_total;
    END;""",
]

_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name};" for name in (
    "osv_taskcount_ins", "osv_taskcount_upd", "osv_taskcount_del", "osv_taskcount_case", "osv_finishedcount_process")]


def install(schema_editor) -> None:
    """Create the triggers (migration 0006)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_PG_INSTALL.replace("{tz}", settings.TIME_ZONE))
    else:
        for statement in _SQLITE_INSTALL:
            schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_PG_DROP)
    else:
        for statement in _SQLITE_DROP:
            schema_editor.execute(statement)


def _rebuild_sql(vendor: str) -> list[str]:
    no_deadline = "DATE '9999-12-31'" if vendor == "postgresql" else "'9999-12-31'"
    if vendor == "postgresql":
        tz = settings.TIME_ZONE
        day = f"(p.finished AT TIME ZONE '{tz}')::date"
        days = f"GREATEST(0, {day} - coalesce(c.received_on, (p.created AT TIME ZONE '{tz}')::date))"
    else:
        # SQLite stores UTC; 'localtime' is the day in TIME_ZONE (Django sets the process's TZ to it)
        day = "date(p.finished, 'localtime')"
        days = ("max(0, CAST(julianday(date(p.finished, 'localtime')) - julianday(coalesce(c.received_on, "
                "date(p.created, 'localtime'))) AS INTEGER))")
    return [
        "DELETE FROM workflows_taskcount",
        f"""INSERT INTO workflows_taskcount ({_KEY}, n)
        SELECT t.status, coalesce(t.owner_id, 0), t.flow_task, coalesce(t.owner_permission, ''), coalesce(c.kind, ''),
               coalesce(c.deadline, {no_deadline}), count(*)
        FROM viewflow_task t
        LEFT JOIN workflows_caseprocess cp ON cp.process_ptr_id = t.process_id
        LEFT JOIN workflows_case c ON c.id = cp.case_id
        WHERE t.flow_task_type = 'HUMAN' AND t.status IN {_OPEN_SQL}
        GROUP BY 1, 2, 3, 4, 5, 6""",
        "DELETE FROM workflows_finishedcount",
        f"""INSERT INTO workflows_finishedcount ({_FKEY}, n, days_total)
        SELECT p.flow_class, c.kind, {day}, count(*), sum({days})
        FROM viewflow_process p
        JOIN workflows_caseprocess cp ON cp.process_ptr_id = p.id
        JOIN workflows_case c ON c.id = cp.case_id
        WHERE p.finished IS NOT NULL
        GROUP BY 1, 2, 3""",
    ]


def rebuild(using=None) -> None:
    """Recompute both counter tables from the task and process tables (one transaction)."""
    conn = connection if using is None else __import__("django.db", fromlist=["connections"]).connections[using]
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("LOCK TABLE workflows_taskcount, workflows_finishedcount IN EXCLUSIVE MODE")
        for statement in _rebuild_sql(conn.vendor):
            cursor.execute(statement)


def migrate_forward(apps, schema_editor) -> None:
    install(schema_editor)
    with schema_editor.connection.cursor() as cursor:
        for statement in _rebuild_sql(schema_editor.connection.vendor):
            cursor.execute(statement)


def migrate_backward(apps, schema_editor) -> None:
    uninstall(schema_editor)


def reinstall(apps, schema_editor) -> None:
    """Replace the triggers with the current ones and recompute the counters (migration 0010)."""
    uninstall(schema_editor)
    migrate_forward(apps, schema_editor)
