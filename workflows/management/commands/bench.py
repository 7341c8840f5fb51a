"""Benchmark: ``python manage.py bench --processes 200000 --users 30``.

Builds (or grows) bulk data in the configured database, then measures the inbox and queue
pages (ours and Viewflow's stock ones, side by side), document throughput (worker pipeline,
in-process pipeline, raw docxtpl) and the deadline scan at the sizes given by
``--scan-sizes``. Prints one table and writes a JSON file to var/bench/.

It writes a lot of rows: run it on a database of its own (see docs/performance.md). It
refuses a database holding cases that are not benchmark cases, unless ``--force``.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def machine() -> dict:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024} MB"
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "memory": mem, "cpu": cpu, "python": platform.python_version(),
            "database": connection.vendor, "db_version": db_version(),
            "broker": settings.CELERY_BROKER_URL.split("://")[0]}


def db_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        return str(cursor.fetchone()[0])


class Command(BaseCommand):
    help = "Benchmark at scale: list pages (ours vs stock Viewflow), documents, deadline scan."

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=200_000)
        parser.add_argument("--users", type=int, default=30)
        parser.add_argument("--requests", type=int, default=50, help="requests per page (p50/p95)")
        parser.add_argument("--documents", type=int, default=40, help="documents per throughput run")
        parser.add_argument("--worker-concurrency", type=int, default=1)
        parser.add_argument("--due", type=int, default=300, help="cases due for a reminder (same at every size)")
        parser.add_argument("--scan-sizes", default="20000,200000",
                            help="sizes at which to time the deadline scan (growing the data in between)")
        parser.add_argument("--opinions", type=int, default=30, help="complete opinion flows to time")
        parser.add_argument("--skip", default="", help="comma list of: pages,documents,worker,scan,opinions")
        parser.add_argument("--force", action="store_true", help="run on a database with non-benchmark cases")
        parser.add_argument("--json", default="", help="output file (default var/bench/bench-<db>-<n>-<time>.json)")

    def log(self, msg):
        self.stdout.write(msg)
        self.stdout.flush()

    def handle(self, *args, **opt):
        from tests.perf import bench_data, bench_run
        from workflows.models import Case

        foreign = (Case.objects.exclude(file_mark__startswith="SZ BENCH/")
                   .exclude(created_by__username__startswith="bench").count())  # opinion flows of a previous run
        if foreign and not opt["force"]:
            raise CommandError(f"The database holds {foreign} cases that are not benchmark data; use a database "
                               "of its own (see docs/performance.md) or --force.")
        skip = {s.strip() for s in opt["skip"].split(",") if s.strip()}
        target = opt["processes"]
        scan_sizes = sorted({int(s) for s in opt["scan_sizes"].split(",") if s.strip() and int(s) <= target})
        steps = sorted(set(scan_sizes) | {target})
        result = {"started": timezone.now().isoformat(), "machine": machine(), "options": {
            k: opt[k] for k in ("processes", "users", "requests", "documents", "worker_concurrency", "due",
                                "scan_sizes")}}
        self.log(f"» benchmark on {result['machine']['database']} ({result['machine']['nproc']} CPU, "
                 f"{result['machine']['memory']}): {target:,} processes, {opt['users']} users")
        users = bench_data.ensure_users(opt["users"])
        result["generate"] = []
        result["scan"] = {}
        for size in steps:
            t0 = time.perf_counter()
            info = bench_data.grow_to(size, users=users, due=opt["due"], progress=self.log)
            result["generate"].append({"size": size, **info, "wall_seconds": round(time.perf_counter() - t0, 1)})
            if size in scan_sizes and "scan" not in skip:
                self.log(f"  scan: deadline/reminder scan at {size:,} processes")
                result["scan"][str(size)] = bench_run.measure_scan()
        result["data"] = bench_data.data_summary()
        self.log(f"  data: {result['data']}")
        if len(scan_sizes) >= 2 and "scan" not in skip:
            small, big = result["scan"][str(scan_sizes[0])], result["scan"][str(scan_sizes[-1])]
            result["scan"]["ratio"] = round(big["scan_ms"] / max(small["scan_ms"], 1e-9), 2)
            result["scan"]["data_ratio"] = round(scan_sizes[-1] / scan_sizes[0], 1)

        busy = users[0][0]
        result["busy_user"] = {"username": busy.username, "role": users[0][1]}
        if "pages" not in skip:
            result["pages"] = bench_run.measure_pages(busy, opt["requests"], progress=self.log)
        if "documents" not in skip:
            n = opt["documents"]
            self.log(f"  documents: raw docxtpl × {n}")
            result["documents"] = {"raw_docxtpl": bench_run.raw_docxtpl(n)}
            self.log(f"  documents: in-process pipeline × {n}")
            result["documents"]["in_process_pipeline"] = bench_run.in_process_pipeline(n)
            if "worker" not in skip:
                self.log(f"  documents: worker pipeline × {n}")
                result["documents"]["worker_pipeline"] = bench_run.worker_pipeline(
                    n, opt["worker_concurrency"], progress=self.log)
            raw = result["documents"]["raw_docxtpl"]["per_second"]
            for key in ("in_process_pipeline", "worker_pipeline"):
                if key in result["documents"]:
                    result["documents"][key]["ratio_to_raw"] = round(result["documents"][key]["per_second"] / raw, 3)

        if "opinions" not in skip and opt["opinions"]:
            self.log(f"  opinions: {opt['opinions']} complete flows with the real worker")
            result["opinion_flows"] = bench_run.opinion_flows(opt["opinions"], users, opt["worker_concurrency"],
                                                              progress=self.log)

        result["finished"] = timezone.now().isoformat()
        self.print_table(result)
        out = Path(opt["json"]) if opt["json"] else Path(settings.VAR_DIR) / "bench" / (
            f"bench-{connection.vendor}-{target}-{timezone.now():%Y%m%d-%H%M%S}.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        self.log(f"» JSON: {out}")

    def print_table(self, r):
        rows = [("measure", "value")]
        d = r["data"]
        rows.append(("processes / tasks", f"{d['processes']:,} / {d['tasks']:,}"))
        rows.append(("queue (NEW) / assigned tasks", f"{d['queue_new_tasks']:,} / {d['assigned_tasks']:,}"))
        for name, p in r.get("pages", {}).items():
            if isinstance(p, dict):
                if p.get("status") != 200:
                    rows.append((name, f"HTTP {p.get('status')}"))
                else:
                    rows.append((name, f"p50 {p['p50_ms']} ms · p95 {p['p95_ms']} ms · {p['queries']} queries · "
                                       f"{p['bytes'] // 1024} kB"))
            else:
                rows.append((name, str(p)))
        for name, v in r.get("documents", {}).items():
            extra = f" · ×{v['ratio_to_raw']} of raw" if "ratio_to_raw" in v else ""
            rows.append((f"documents: {name}", f"{v['per_second']} docs/s ({v['documents']} in {v['seconds']} s)"
                                               f"{extra}"))
        if "opinion_flows" in r:
            v = r["opinion_flows"]
            rows.append(("opinion flows (start→DOCX→end)", f"{v['per_second']} flows/s ({v['flows']} in {v['seconds']} s,"
                                                           f" driving {v['drive_seconds']} s)"))
        for size, v in r.get("scan", {}).items():
            if isinstance(v, dict):
                rows.append((f"deadline scan @ {int(size):,}",
                             f"median {v['scan_ms']} ms, min {v.get('scan_min_ms')} ms (due query {v['due_query_ms']} ms, {v['due_cases']} due cases, "
                             f"{v['reminders']} reminders)"))
            else:
                rows.append((f"scan {size}", str(v)))
        width = max(len(a) for a, _ in rows)
        self.log("")
        for i, (a, b) in enumerate(rows):
            self.log(f"{a.ljust(width)} | {b}")
            if i == 0:
                self.log("-" * width + "-+-" + "-" * 60)
