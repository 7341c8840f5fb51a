"""Bulk generator of benchmark data: cases, processes of every registered flow (multi-table:
Process rows, then CaseProcess rows by raw insert — Django's bulk_create refuses MTI models),
about five tasks per process in mixed states, 30 users with the real roles, deadlines.

Growable: ``grow_to(n)`` adds processes up to ``n`` without touching what is there, so the
deadline scan can be measured at 20 000 and again at 200 000 with the same due items.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from workflows import counters
from workflows.models import Case
from registrations.models import RegistrationCaseKind
from opinions.models import OpinionCaseKind

BATCH = 5000
PREFIX = "BENCH"
# share of processes per flow (by class name) and the case kind each one carries
FLOW_MIX = [
    ("RegistrationFlow", 0.45, RegistrationCaseKind.REGISTRATION),
    ("ChangeNoticeFlow", 0.15, RegistrationCaseKind.CHANGE_NOTICE),
    ("ChangeApplicationFlow", 0.10, RegistrationCaseKind.CHANGE_APPLICATION),
    ("CancellationFlow", 0.05, RegistrationCaseKind.CANCELLATION),
    ("OpinionFlow", 0.20, OpinionCaseKind.OPINION),
    ("LetterFlow", 0.05, RegistrationCaseKind.LETTER),
]
ROLE_PLAN = (["registration_officer"] * 12 + ["planner"] * 8 + ["roma_coordinator"] * 2 + ["department_head"] * 2
             + ["deputy_head"] * 2 + ["reader"] * 4)
QUEUE_SHARE = 0.10  # processes waiting in a queue (NEW task) — ~20 000 at 200 000, as in the notes
ACTIVE_SHARE = 0.16  # processes not finished (queue + assigned + scheduled jobs)
BUSY_USER_TASKS = 40


def _flows():
    from workflows.selectors import registered_flows

    by_name = {f.__name__: f for f in registered_flows()}
    out = []
    for name, share, kind in FLOW_MIX:
        flow = by_name.get(name)
        if flow is None:
            continue
        nodes = list(flow.instance.nodes())
        human = [n for n in nodes if getattr(n, "task_type", "") == "HUMAN"]
        start = next((n for n in nodes if getattr(n, "task_type", "") in ("HUMAN_START", "START")), None)
        end = next((n for n in nodes if getattr(n, "task_type", "") == "END"), None)
        jobs = [n for n in nodes if getattr(n, "task_type", "") == "JOB"]
        perms = {}
        for n in human:
            perm = getattr(n, "_owner_permission", None)
            if callable(perm):
                perm = perm(SimpleNamespace(flow_class=flow, process=None, task=None))
            perms[n.name] = perm or ""
        out.append(SimpleNamespace(cls=flow, share=share, kind=kind, human=human, start=start, end=end, jobs=jobs,
                                   perms=perms))
    total = sum(f.share for f in out)
    for f in out:
        f.share /= total
    return out


def ensure_users(count: int):
    from workflows.roles import ensure_groups

    ensure_groups()
    User = get_user_model()
    users = []
    for i in range(count):
        role = ROLE_PLAN[i % len(ROLE_PLAN)]
        user, created = User.objects.get_or_create(username=f"bench{i + 1:02d}",
                                                   defaults={"first_name": "Bench", "last_name": f"{role} {i + 1}"})
        if created:
            user.set_password("bench-heslo-2026")
            user.save()
        user.groups.set([Group.objects.get(name=role)])
        users.append((user, role))
    return users


def existing_count() -> int:
    return Case.objects.filter(file_mark__startswith=f"SZ {PREFIX}/").count()


def _role_can(role: str, perm: str) -> bool:
    group = Group.objects.get(name=role)
    app_label, codename = perm.split(".", 1)
    return group.permissions.filter(content_type__app_label=app_label, codename=codename).exists()


def grow_to(total: int, *, users, due: int, progress=print, seed: int = 2026) -> dict:
    """Add processes until there are ``total``; the first ``due`` active cases are due today ± 3 days."""
    start = existing_count()
    if start >= total:
        return {"added": 0, "seconds": 0.0}
    rng = random.Random(seed + start)
    flows = _flows()
    today = timezone.localdate()
    now = timezone.now()
    busy = users[0][0]
    role_of = {u.pk: r for u, r in users}
    # who may own a task of which node: users whose role holds the node's permission
    owners_for: dict[tuple, list] = {}
    for f in flows:
        for n in f.human:
            perm = f.perms[n.name]
            owners_for[(f.cls, n.name)] = [u for u, r in users if perm and _role_can(r, perm)] or [busy]
    busy_assigned = Task.objects.filter(owner=busy, status=STATUS.ASSIGNED).count()
    due_made = Case.objects.filter(file_mark__startswith=f"SZ {PREFIX}/", deadline__gte=today - timedelta(days=3),
                                   deadline__lte=today + timedelta(days=3)).count()
    opinion_setup = _opinion_setup()
    t0 = time.perf_counter()
    added = 0
    for chunk_start in range(start, total, BATCH):
        chunk_end = min(chunk_start + BATCH, total)
        plans = []
        cases = []
        for i in range(chunk_start, chunk_end):
            r = rng.random()
            acc = 0.0
            flow = flows[-1]
            for f in flows:
                acc += f.share
                if r < acc:
                    flow = f
                    break
            created = now - timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
            s = rng.random()
            if s < QUEUE_SHARE:
                fate = "queue"
            elif s < ACTIVE_SHARE:
                fate = "assigned"
            else:
                fate = "done"
            if fate == "done":
                state, deadline = Case.State.CLOSED, None
            else:
                state = Case.State.OPEN
                if due_made < due:
                    deadline = today + timedelta(days=rng.randint(-3, 3))
                    due_made += 1
                else:
                    deadline = today + timedelta(days=rng.randint(30, 180))
            cases.append(Case(kind=flow.kind, file_mark=f"SZ {PREFIX}/{i + 1}/SV", title=f"Případ {i + 1}",
                              applicant_name=f"Poskytovatel {i % 5000}", ico=f"{10000000 + i % 5000}",
                              received_on=created.date(), deadline=deadline, state=state))
            plans.append((flow, fate, created))
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=BATCH)
            if cases[0].pk is None:  # backends that return no ids
                marks = [c.file_mark for c in cases]
                ids = dict(Case.objects.filter(file_mark__in=marks).values_list("file_mark", "pk"))
                for c in cases:
                    c.pk = ids[c.file_mark]
            _opinions(cases, plans, opinion_setup, users, rng)
            processes = [Process(flow_class=flow.cls, status=PROCESS.DONE if fate == "done" else PROCESS.NEW,
                                 created=created, finished=created + timedelta(days=20) if fate == "done" else None,
                                 data={})
                         for flow, fate, created in plans]
            Process.objects.bulk_create(processes, batch_size=BATCH)
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO workflows_caseprocess (process_ptr_id, case_id) VALUES (%s, %s)",
                    [(p.pk, c.pk) for p, c in zip(processes, cases)],
                )
            tasks = []
            for (flow, fate, created), process in zip(plans, processes):
                t = created
                if flow.start is not None:
                    tasks.append(Task(process=process, flow_task=flow.start, flow_task_type=flow.start.task_type,
                                      status=STATUS.DONE, created=t, finished=t))
                middle = rng.sample(flow.human, k=min(3, len(flow.human))) if flow.human else []
                for node in middle[:-1] if fate != "done" else middle:
                    t = t + timedelta(days=rng.randint(1, 5))
                    tasks.append(Task(process=process, flow_task=node, flow_task_type="HUMAN", status=STATUS.DONE,
                                      created=t, assigned=t, started=t, finished=t + timedelta(hours=2),
                                      owner=rng.choice(owners_for[(flow.cls, node.name)]),
                                      owner_permission=flow.perms[node.name]))
                if fate == "done":
                    if flow.jobs:
                        job = rng.choice(flow.jobs)
                        tasks.append(Task(process=process, flow_task=job, flow_task_type="JOB", status=STATUS.DONE,
                                          created=t, scheduled=t, started=t, finished=t))
                    if flow.end is not None:
                        tasks.append(Task(process=process, flow_task=flow.end, flow_task_type="END",
                                          status=STATUS.DONE, created=t, finished=t))
                    continue
                node = middle[-1] if middle else None
                if node is None:
                    continue
                t = t + timedelta(days=1)
                perm = flow.perms[node.name]
                if fate == "queue":
                    tasks.append(Task(process=process, flow_task=node, flow_task_type="HUMAN", status=STATUS.NEW,
                                      created=t, owner_permission=perm))
                else:
                    candidates = owners_for[(flow.cls, node.name)]
                    if busy in candidates and busy_assigned < BUSY_USER_TASKS:
                        owner = busy
                        busy_assigned += 1
                    else:
                        others = [u for u in candidates if u != busy] or candidates
                        owner = rng.choice(others)
                    tasks.append(Task(process=process, flow_task=node, flow_task_type="HUMAN",
                                      status=STATUS.ASSIGNED, created=t, assigned=t, owner=owner,
                                      owner_permission=perm))
            Task.objects.bulk_create(tasks, batch_size=BATCH)
        added += len(cases)
        del cases, plans, processes, tasks
        reset_queries()  # DEBUG keeps every statement (5 000 rows each) otherwise
        progress(_bar(chunk_end - start, total - start, chunk_end, total, time.perf_counter() - t0))
    finish_generation(progress)
    return {"added": added, "seconds": round(time.perf_counter() - t0, 1), "roles": sorted(set(role_of.values()))}


def _columns(cursor, table: str) -> list[str]:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                   "AND table_schema = current_schema() ORDER BY ordinal_position", [table])
    return [r[0] for r in cursor.fetchall()]


def _copy_sql(cursor, table: str, overrides: dict[str, str], source: str) -> str:
    """``INSERT INTO table SELECT … FROM table s WHERE <source>`` with some columns computed."""
    cols = _columns(cursor, table)
    exprs = [overrides.get(c, f"s.{c}") for c in cols]
    return f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {table} s WHERE {source}"


def clone_to(total: int, *, users, progress=print) -> dict:
    """Grow a PostgreSQL benchmark database by copying its generated rows server-side (cases,
    processes, tasks, opinions with shifted ids): the same mix of flows and states at ~10× the
    speed of :func:`grow_to` (the machine is shared; 1 000 000 processes would take the Python
    generator 40+ minutes under load). Copies keep the busy user at 40 tasks (their tasks go to
    the second officer) and the due items fixed (a copied deadline within ±3 days moves by 60
    days). The triggers of ``workflows.counters`` count the copied tasks as they go in."""
    start = existing_count()
    if start >= total or connection.vendor != "postgresql":
        return {"added": 0, "seconds": 0.0, "cloned": True}
    busy, other = users[0][0], users[1][0]
    today = timezone.localdate()
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM workflows_case WHERE file_mark LIKE 'SZ BENCH/%%' "
                       "AND file_mark NOT LIKE 'SZ BENCH/C%%'")
        cmin, cmax = cursor.fetchone()
        copy = 0
        done = start
        while done < total:
            copy += 1
            step = min(total - done, existing_count_original(cursor))
            with transaction.atomic():
                cursor.execute("SELECT max(id) FROM workflows_case")
                case_off = cursor.fetchone()[0] - cmin + 1
                cursor.execute("SELECT max(id) FROM viewflow_process")
                proc_off = cursor.fetchone()[0] + 1
                cursor.execute("SELECT max(id) FROM viewflow_task")
                task_off = cursor.fetchone()[0] + 1
                cursor.execute("SELECT coalesce(max(id), 0) FROM opinions_opinion")
                op_off = cursor.fetchone()[0] + 1
                cursor.execute("SELECT min(process_ptr_id) FROM workflows_caseprocess")
                pmin = cursor.fetchone()[0]
                cursor.execute("SELECT min(t.id) FROM viewflow_task t")
                tmin = cursor.fetchone()[0]
                cursor.execute("SELECT min(id) FROM opinions_opinion")
                omin = cursor.fetchone()[0] or 0
                src_cases = f"s.id BETWEEN {cmin} AND {cmin + step - 1}"
                cursor.execute("CREATE TEMP TABLE bench_src ON COMMIT DROP AS SELECT process_ptr_id AS pid FROM "
                               f"workflows_caseprocess WHERE case_id BETWEEN {cmin} AND {cmin + step - 1}")
                cursor.execute("CREATE INDEX ON bench_src (pid)")
                deadline = (f"CASE WHEN s.deadline BETWEEN DATE '{today}' - 3 AND DATE '{today}' + 3 "
                            "THEN s.deadline + 60 ELSE s.deadline END")
                cursor.execute(_copy_sql(cursor, "workflows_case", {
                    "id": f"s.id + {case_off}", "file_mark": f"'SZ BENCH/C{case_off}-' || s.id || '/SV'",
                    "deadline": deadline}, src_cases.replace("s.id", "s.id") + " AND s.file_mark NOT LIKE 'SZ BENCH/C%%'"))
                cursor.execute(_copy_sql(cursor, "viewflow_process", {"id": f"s.id - {pmin} + {proc_off}"},
                                         "s.id IN (SELECT pid FROM bench_src)"))
                cursor.execute(_copy_sql(cursor, "workflows_caseprocess", {
                    "process_ptr_id": f"s.process_ptr_id - {pmin} + {proc_off}", "case_id": f"s.case_id + {case_off}"},
                    "s.process_ptr_id IN (SELECT pid FROM bench_src)"))
                cursor.execute(_copy_sql(cursor, "viewflow_task", {
                    "id": f"s.id - {tmin} + {task_off}", "process_id": f"s.process_id - {pmin} + {proc_off}",
                    "owner_id": f"CASE WHEN s.owner_id = {busy.pk} THEN {other.pk} ELSE s.owner_id END"},
                    "s.process_id IN (SELECT pid FROM bench_src)"))
                cursor.execute(_copy_sql(cursor, "opinions_opinion", {
                    "id": f"s.id - {omin} + {op_off}", "case_id": f"s.case_id + {case_off}"},
                    f"s.case_id BETWEEN {cmin} AND {cmin + step - 1}"))
                for table in ("workflows_case", "viewflow_process", "viewflow_task", "opinions_opinion"):
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            done += step
            progress(_bar(done - start, total - start, done, total, time.perf_counter() - t0))
    return {"added": total - start, "seconds": round(time.perf_counter() - t0, 1), "cloned": True}


def existing_count_original(cursor) -> int:
    cursor.execute("SELECT count(*) FROM workflows_case WHERE file_mark LIKE 'SZ BENCH/%%' "
                   "AND file_mark NOT LIKE 'SZ BENCH/C%%'")
    return cursor.fetchone()[0]


def finish_generation(progress=print) -> None:
    """After a load: providers, counters from scratch, VACUUM ANALYZE."""
    _providers()
    progress("  data: counters (workflows.counters.rebuild) …")
    counters.rebuild()
    progress("  data: VACUUM ANALYZE (visibility map for index-only scans, statistics) …")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _rss_mb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _bar(done: int, todo: int, at: int, total: int, elapsed: float, width: int = 30) -> str:
    """One progress line: a bar, processes, rate, time left and the peak memory of this process."""
    share = done / max(todo, 1)
    rate = done / max(elapsed, 1e-9)
    left = (todo - done) / max(rate, 1e-9)
    bar = "#" * int(share * width) + "." * (width - int(share * width))
    return (f"  data: [{bar}] {share:4.0%} {at:>9,} / {total:,} processes · {rate:,.0f}/s · "
            f"ETA {int(left) // 60}:{int(left) % 60:02d} · peak RSS {_rss_mb()} MB")


def _opinion_setup():
    """The call and area the opinion cases belong to (catalogues loaded once)."""
    from datetime import date

    from opinions.catalogues import load_programmes
    from opinions.models import AreaOfSupport, Call
    from workflows.catalogues import load_catalogues

    load_catalogues()
    programme = load_programmes()
    area = AreaOfSupport.objects.get(programme=programme, code="3.1")
    calls = []
    for i in range(12):
        call, _ = Call.objects.get_or_create(programme=programme, number=f"BENCH-{i + 1}", defaults=dict(
            area=area, name=f"Benchmark {i + 1}", opens_on=date(2011, 1, 1),
            submission_deadline=date(2026, 1, 1) + timedelta(days=60 * i)))
        calls.append(call)
    return SimpleNamespace(area=area, calls=calls)


def _opinions(cases, plans, setup, users, rng) -> None:
    """An ``Opinion`` for every opinion case (the opinions list and the head's per-call tiles
    read them): issued when the process is done, drafting or waiting for approval otherwise."""
    from datetime import date

    from opinions.models import Opinion

    drafters = [u for u, r in users if r == "planner"] or [users[0][0]]
    rows = []
    for case, (flow, fate, created) in zip(cases, plans):
        if flow.kind != OpinionCaseKind.OPINION:
            continue
        status = Opinion.Status.ISSUED if fate == "done" else (
            Opinion.Status.DRAFTING if fate == "assigned" else Opinion.Status.WAITING)
        deadline = case.deadline or created.date() + timedelta(days=30)
        rows.append(Opinion(case=case, status=status, applicant_ico=case.ico, applicant_name=case.applicant_name,
                            project_title=f"Projekt {case.title}", call=rng.choice(setup.calls), area=setup.area,
                            period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), budget=1_000_000,
                            case_deadline=deadline, draft_deadline=deadline - timedelta(days=5),
                            drafter=rng.choice(drafters)))
    if rows:
        Opinion.objects.bulk_create(rows, batch_size=BATCH)


PROVIDERS = 400  # a region's registry: the same at every size


def _providers() -> None:
    from registrations.models import Provider

    have = Provider.objects.filter(name__startswith="Poskytovatel ").count()
    if have >= PROVIDERS:
        return
    Provider.objects.bulk_create([
        Provider(ico=f"{20000000 + i}", name=f"Poskytovatel {i}", legal_form="spolek", address=f"Ulice {i}, Karlovy Vary")
        for i in range(have, PROVIDERS)], batch_size=BATCH)


def data_summary() -> dict:
    return {
        "processes": Process.objects.count(),
        "tasks": Task.objects.count(),
        "queue_new_tasks": Task.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN").count(),
        "assigned_tasks": Task.objects.filter(status=STATUS.ASSIGNED).count(),
        "cases": Case.objects.count(),
    }
