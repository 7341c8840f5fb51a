"""The CPU one complete opinion flow costs, flows run one after another: start → draft → approve
driven as the views do, then the worker's job (the numbered DOCX, the notice, the end) run in
this process, as the worker runs it. Per flow: this process's CPU (driver and job) and the
PostgreSQL server's (when it runs on this host).

Like ``bench_pages.py``, it runs inside ``manage.py bench`` and standalone against another
checkout of the project, the "before" of a change (``manage.py bench --before REV``)::

    python /path/to/this/tests/perf/bench_flow.py --flows 40 --json out.json

with the other checkout as the working directory. Both revisions then run this file's driver on
the same database, and the runs alternate, so the ratio of the two is the change's own whatever
the host's speed at the time (flows/s is not: it moves with the host). It therefore imports
nothing of the project at module level and finds its users by the benchmark's naming.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds each process has used so far (Linux /proc; gone ones left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def pids_by_stat(field: int, value: int) -> list[int]:
    """Live processes whose ``/proc/<pid>/stat`` field (counted after the command name: 1 the
    parent, 2 the process group) is ``value``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[field]) == value:
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return pids


def postgres_cpu_seconds() -> float | None:
    """CPU seconds the PostgreSQL server has used (its postmaster with every backend, ended
    ones included: a parent's children times), when it runs on this host; else None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
        tick = os.sysconf("SC_CLK_TCK")
        fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, ValueError):
        return None
    live = pids_by_stat(1, postmaster)  # the backends and the server's own processes
    return sum(int(x) for x in fields[11:15]) / tick + sum(cpu_seconds(live).values())


def opinion_driver(users):
    """A callable that drives one opinion flow start → draft → approve as the views do (the
    worker renders the DOCX after commit); returns the process. ``users``: (user, role) pairs."""
    from datetime import date

    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from opinions import services
    from opinions.catalogues import load_programmes
    from opinions.flows import OpinionFlow, opinion_request_start
    from opinions.models import AreaOfSupport, Call, Opinion
    from workflows.catalogues import load_catalogues

    load_catalogues()
    programme = load_programmes()
    area = AreaOfSupport.objects.get(programme=programme, code="3.1")
    call, _ = Call.objects.get_or_create(programme=programme, number="BENCH", defaults=dict(
        area=area, name="Benchmark", opens_on=date(2011, 1, 1), submission_deadline=date(2099, 12, 31)))
    planner = next(u for u, r in users if r == "planner")
    head = next(u for u, r in users if r == "department_head")
    request = dict(applicant_ico="70832749", applicant_name="Pečovatelská služba Sokolov, p.o.",
                   applicant_address="Sokolovská 1, Sokolov", project_title="Benchmark", call=call, area="3.1",
                   service_types=["40"], target_groups=["S"], whole_region=True, districts=[],
                   period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), budget="1000000",
                   contact_email="")
    statements = dict(s1_verdict="no", s1_text="Projekt nenavazuje na plán.", s2_verdict="yes",
                      s2_text="Potřebný.", s3_verdict="no_experience", s3_text="Bez zkušeností.",
                      s4_verdict="not_funded", s4_text="Nefinancováno z IP.")

    def step(process, node, user, work):
        task = Task.objects.get(process=process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        with task.activation() as activation:
            if activation.task.owner_id is None:
                activation.assign(user)
        with task.activation() as activation:
            activation.start(None)
            work(Opinion.objects.get(case_id=process.case_id), task)
            activation.execute()

    def drive():
        process = opinion_request_start(actor=planner, **request)
        step(process, OpinionFlow.draft, planner, lambda op, task: (
            services.opinion_ip_warnings_refresh(opinion=op),  # the draft form does it first (DraftView)
            services.opinion_draft_save(opinion=op, actor=planner, activity_ids=[], ip_answers={}, **statements),
            services.opinion_submit(opinion=op, actor=planner, task=task)))
        step(process, OpinionFlow.approve, head, lambda op, task: services.opinion_approve(opinion=op, actor=head, task=task))
        return process

    return drive


def bench_users() -> list:
    """(user, role) of the benchmark's users, the role being the user's first group's name."""
    from django.contrib.auth import get_user_model

    out = []
    for user in get_user_model().objects.filter(username__startswith="bench").order_by("username"):
        group = user.groups.order_by("name").first()
        out.append((user, group.name if group else ""))
    return out


def flow_cost(count: int, users=None, warmup: int = 3) -> dict:
    """``count`` complete flows one after another, each job run here as soon as it is scheduled
    (after ``warmup`` untimed flows: imports, templates and caches loaded, as in a serving
    process); CPU per flow of this process and of PostgreSQL."""
    from django.test.utils import override_settings
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from workflows import jobs

    drive = opinion_driver(users or bench_users())

    def one():
        process = drive()
        for _ in range(5):  # the job, and any job it schedules
            pending = list(Task.objects.filter(process=process, flow_task_type="JOB", status=STATUS.SCHEDULED))
            if not pending:
                return
            for task in pending:
                if jobs.run_job(task.pk) != "done":
                    raise RuntimeError(f"job {task.pk} did not run: {task.data}")

    original = jobs.dispatch_job
    jobs.dispatch_job = lambda pk: None  # run here, not by a worker
    try:
        with override_settings(DEBUG=False):
            for _ in range(warmup):
                one()
            db0, cpu0, t0 = postgres_cpu_seconds(), time.process_time(), time.perf_counter()
            for _ in range(count):
                one()
            cpu, seconds, db1 = time.process_time() - cpu0, time.perf_counter() - t0, postgres_cpu_seconds()
    finally:
        jobs.dispatch_job = original
    return {"flows": count, "python_cpu_ms_per_flow": round(cpu * 1000 / count, 1),
            "db_cpu_ms_per_flow": round((db1 - db0) * 1000 / count, 1) if db0 is not None and db1 is not None else None,
            "wall_ms_per_flow": round(seconds * 1000 / count, 1)}


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=40)
    parser.add_argument("--json", required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    with open(args.json, "w") as fh:
        json.dump(flow_cost(args.flows), fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
