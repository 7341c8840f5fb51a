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


def host_speed() -> float:
    """CPU seconds of a fixed pure-Python loop (the sum of 10⁷ squares), the best of three: the
    host's speed at the time, so runs on a VM whose host speeds up and slows down (seen here:
    the same flow at 87 ms of CPU one hour, 290 ms another) can be read side by side."""
    times = []
    for _ in range(3):
        t0 = time.process_time()
        sum(i * i for i in range(10_000_000))
        times.append(time.process_time() - t0)
    return round(min(times), 3)


def db_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        return str(cursor.fetchone()[0])


def _cpu_note(v: dict) -> str:
    """CPU per document (what the machine's other load hardly moves): raw, or worker + database."""
    if v.get("cpu_ms_per_doc") is not None:
        return f" · CPU {v['cpu_ms_per_doc']} ms/doc"
    if v.get("worker_cpu_ms_per_doc") is not None:
        db = f" + database {v['db_cpu_ms_per_doc']}" if v.get("db_cpu_ms_per_doc") is not None else ""
        return f" · CPU worker {v['worker_cpu_ms_per_doc']}{db} ms/doc"
    return ""


class Command(BaseCommand):
    help = "Benchmark at scale: list pages (ours vs stock Viewflow), documents, deadline scan."

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=200_000)
        parser.add_argument("--users", type=int, default=30)
        parser.add_argument("--requests", type=int, default=50, help="requests per page (p50/p95)")
        parser.add_argument("--documents", type=int, default=40, help="documents per throughput run")
        parser.add_argument("--worker-concurrency", type=int, default=2, help="of the documents drain and the opinion flows")
        parser.add_argument("--due", type=int, default=300, help="cases due for a reminder (same at every size)")
        parser.add_argument("--scan-sizes", "--sizes", dest="scan_sizes", default="20000,200000,1000000",
                            help="sizes at which the pages and the deadline scan are measured (the data grows "
                                 "in between; sizes above --processes are left out)")
        parser.add_argument("--merge", nargs="*", default=[],
                            help="JSON files of earlier runs (other databases, other sizes): their pages join "
                                 "this run's table, so every size sits side by side with its growth ratio")
        parser.add_argument("--scale-workers", default="1,2,4", help="worker processes for the scaling run")
        parser.add_argument("--scale-http", default="1,2", help="gunicorn instances for the scaling run")
        parser.add_argument("--clone", action="store_true",
                            help="PostgreSQL: grow past 20 000 by copying the generated rows server-side (fast)")
        parser.add_argument("--before", default="",
                            help="a git revision: its pages and the CPU of an opinion flow are measured too, from "
                                 "a worktree, on the same data")
        parser.add_argument("--opinions", type=int, default=30, help="complete opinion flows to time")
        parser.add_argument("--opinion-drivers", default="1,2,4",
                            help="driver processes of the opinion flows (people working at once), one run each")
        parser.add_argument("--skip", default="", help="comma list of: pages,documents,worker,scan,opinions,scale")
        parser.add_argument("--force", action="store_true", help="run on a database with non-benchmark cases")
        parser.add_argument("--json", default="", help="output file (default var/bench/bench-<db>-<n>-<time>.json)")

    def log(self, msg):
        self.stdout.write(msg)
        self.stdout.flush()

    def handle(self, *args, **opt):
        from tests.perf import bench_data, bench_pages, bench_run
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
        result = {"started": timezone.now().isoformat(), "machine": machine(), "host_speed": [host_speed()], "options": {
            k: opt[k] for k in ("processes", "users", "requests", "documents", "worker_concurrency", "due",
                                "scan_sizes", "before", "opinions", "opinion_drivers")}}
        self.log(f"» benchmark on {result['machine']['database']} ({result['machine']['nproc']} CPU, "
                 f"{result['machine']['memory']}): {target:,} processes, {opt['users']} users")
        users = bench_data.ensure_users(opt["users"])
        result["generate"] = []
        result["scan"] = {}
        result["pages"], result["pages_before"] = {}, {}
        for size in steps:
            t0 = time.perf_counter()
            if opt["clone"] and bench_data.existing_count() >= 20_000 and connection.vendor == "postgresql":
                info = bench_data.clone_to(size, users=users, progress=self.log)
                if info["added"]:
                    bench_data.finish_generation(self.log)
            else:
                info = bench_data.grow_to(size, users=users, due=opt["due"], progress=self.log)
            result["generate"].append({"size": size, **info, "wall_seconds": round(time.perf_counter() - t0, 1)})
            if size in scan_sizes and "scan" not in skip:
                self.log(f"  scan: deadline/reminder scan at {size:,} processes")
                result["scan"][str(size)] = bench_run.measure_scan()
            if "pages" not in skip:
                result["pages"][str(size)] = bench_pages.measure_all(opt["requests"], progress=self.log)
                if opt["before"]:
                    result["pages_before"][str(size)] = self.pages_before(opt["before"], opt["requests"])
        result["data"] = bench_data.data_summary()
        self.log(f"  data: {result['data']}")
        if len(scan_sizes) >= 2 and "scan" not in skip:
            small, big = result["scan"][str(scan_sizes[0])], result["scan"][str(scan_sizes[-1])]
            result["scan"]["ratio"] = round(big["scan_ms"] / max(small["scan_ms"], 1e-9), 2)
            result["scan"]["data_ratio"] = round(scan_sizes[-1] / scan_sizes[0], 1)

        busy = users[0][0]
        result["busy_user"] = {"username": busy.username, "role": users[0][1]}
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

        if "scale" not in skip:
            workers = [int(x) for x in opt["scale_workers"].split(",") if x.strip()]
            result["scale"] = {"workers": bench_run.worker_scaling(opt["documents"], workers, progress=self.log)}
            instances = [int(x) for x in opt["scale_http"].split(",") if x.strip()]
            from django.urls import reverse

            result["scale"]["http"] = bench_run.http_scaling(busy, reverse("cases:inbox"), instances,
                                                             progress=self.log)
        if "opinions" not in skip and opt["opinions"]:
            result["opinion_flows"] = {}
            for drivers in [int(x) for x in opt["opinion_drivers"].split(",") if x.strip()]:
                self.log(f"  opinions: {opt['opinions']} complete flows with the real worker, {drivers} driver(s)")
                result["opinion_flows"][str(drivers)] = bench_run.opinion_flows(
                    opt["opinions"], users, opt["worker_concurrency"], progress=self.log, drivers=drivers)
            if opt["before"]:
                result["opinion_flow_cost"] = self.flow_cost_before(opt["before"], max(opt["opinions"] // 5, 10))

        for path in opt["merge"]:
            earlier = json.loads(Path(path).read_text())
            for key in ("pages", "pages_before"):
                for size, pages in earlier.get(key, {}).items():
                    result[key].setdefault(size, pages)
            result.setdefault("merged", []).append({"file": str(path), "load_average": earlier.get("load_average"),
                                                    "data": earlier.get("data")})
        result["finished"] = timezone.now().isoformat()
        result["host_speed"].append(host_speed())
        result["load_average"] = os.getloadavg()
        self.print_table(result)
        out = Path(opt["json"]) if opt["json"] else Path(settings.VAR_DIR) / "bench" / (
            f"bench-{connection.vendor}-{target}-{timezone.now():%Y%m%d-%H%M%S}.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
        self.log(f"» JSON: {out}")

    @staticmethod
    def before_tree(rev: str) -> tuple[str, Path]:
        """``rev``'s short hash and a git worktree of it under var/bench (made once)."""
        import subprocess

        root = Path(settings.BASE_DIR)
        sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=root, check=True, capture_output=True,
                             text=True).stdout.strip()
        tree = Path(settings.VAR_DIR) / "bench" / f"before-{sha}"
        if not tree.exists():
            subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=root, check=True,
                           capture_output=True)
        return sha, tree

    @staticmethod
    def run_in(tree: Path, script: str, out: Path, *args: str) -> dict:
        """One of this tree's standalone runners (tests/perf) on ``tree``'s code, same database."""
        import subprocess
        import sys

        runner = Path(settings.BASE_DIR) / "tests" / "perf" / script
        subprocess.run([sys.executable, str(runner), *args, "--json", str(out)], cwd=tree, check=True,
                       env={**os.environ, "PYTHONPATH": str(tree)})
        return json.loads(out.read_text())

    def pages_before(self, rev: str, requests: int) -> dict:
        """The pages as ``rev`` serves them: this tree's page runner on a worktree of that
        revision (same database, same method)."""
        sha, tree = self.before_tree(rev)
        self.log(f"  pages: before = {rev} ({sha}) from {tree}")
        out = Path(settings.VAR_DIR) / "bench" / f"pages-before-{sha}.json"
        return {"revision": sha, **self.run_in(tree, "bench_pages.py", out, "--requests", str(requests))}

    def flow_cost_before(self, rev: str, flows: int, rounds: int = 3) -> dict:
        """CPU per complete opinion flow (in series, the job run in-process), ``rev`` and this tree
        side by side: this tree's driver on both, the runs alternating (before, now, before, now
        …), so a drift of the host's speed weighs on both alike; the ratio is the change's."""
        sha, tree = self.before_tree(rev)
        root = Path(settings.BASE_DIR)
        runs: dict[str, list[dict]] = {"before": [], "now": []}
        for i in range(rounds):
            for name, where in (("before", tree), ("now", root)):
                self.log(f"  opinion flow cost: {name} ({sha if name == 'before' else 'this tree'}), "
                         f"{flows} flows, round {i + 1}/{rounds}")
                out = Path(settings.VAR_DIR) / "bench" / f"flow-cost-{name}.json"
                runs[name].append(self.run_in(where, "bench_flow.py", out, "--flows", str(flows)))
        result = {"revision": sha, "flows_per_run": flows, "rounds": rounds}
        for name, rows in runs.items():
            for key in ("python_cpu_ms_per_flow", "db_cpu_ms_per_flow"):
                values = [r[key] for r in rows if r.get(key) is not None]
                result[f"{name}_{key}"] = round(sum(values) / len(values), 1) if values else None
        total = {name: (result[f"{name}_python_cpu_ms_per_flow"] or 0) + (result[f"{name}_db_cpu_ms_per_flow"] or 0)
                 for name in runs}
        result["ratio_now_to_before"] = round(total["now"] / total["before"], 3) if total["before"] else None
        return result

    def page_table(self, r):
        """Every page × every size: p50/p95 and queries, the growth of p95 per 10× data and the
        "before" revision's p95 beside it."""
        sizes = sorted(r.get("pages", {}), key=int)
        if not sizes:
            return
        names = list(dict.fromkeys(n for size in sizes for n in r["pages"][size]))
        head = ["page"] + [f"@{int(s):,}" for s in sizes] + ["growth p95 /10×"]
        if r.get("pages_before"):
            head.append(f"before p95 @{int(sizes[-1]):,}")
        rows = [head]
        r["page_growth"] = {}
        for name in names:
            cells = [name]
            p95 = []
            for size in sizes:
                p = r["pages"][size].get(name, {})
                if p.get("status") == 200:
                    cells.append(f"{p['p50_ms']}/{p['p95_ms']} ms · {p['queries']} q")
                    p95.append((int(size), p["p95_ms"]))
                else:
                    cells.append(str(p.get("status", "–")))
            if len(p95) >= 2:
                import math

                (s0, t0), (s1, t1) = p95[0], p95[-1]
                growth = round((t1 / max(t0, 1e-9)) ** (1 / max(math.log10(s1 / s0), 1e-9)), 2)
                r["page_growth"][name] = growth
                cells.append(f"×{growth}")
            else:
                cells.append("–")
            if r.get("pages_before"):
                before = r["pages_before"].get(sizes[-1], {}).get(name, {})
                cells.append(f"{before['p95_ms']} ms · {before['queries']} q" if before.get("status") == 200
                             else str(before.get("status", "–")))
            rows.append(cells)
        widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
        self.log("")
        self.log("pages (busy officer bench01, planner, deputy, head): p50/p95, queries of one request")
        for i, row in enumerate(rows):
            self.log(" | ".join(c.ljust(w) for c, w in zip(row, widths)))
            if i == 0:
                self.log("-+-".join("-" * w for w in widths))

    def print_table(self, r):
        rows = [("measure", "value")]
        d = r["data"]
        rows.append(("processes / tasks", f"{d['processes']:,} / {d['tasks']:,}"))
        rows.append(("queue (NEW) / assigned tasks", f"{d['queue_new_tasks']:,} / {d['assigned_tasks']:,}"))
        rows.append(("load average (1, 5, 15 min) at the end", " ".join(f"{x:.2f}" for x in r["load_average"])))
        if r.get("host_speed"):
            rows.append(("host speed: 10⁷ squares in Python, at the start / end",
                         " / ".join(f"{x} s" for x in r["host_speed"]) + " of CPU (lower is faster)"))
        for name, v in r.get("documents", {}).items():
            extra = f" · ×{v['ratio_to_raw']} of raw" if "ratio_to_raw" in v else ""
            extra += _cpu_note(v)
            rows.append((f"documents: {name}", f"{v['per_second']} docs/s ({v['documents']} in {v['seconds']} s)"
                                               f"{extra}"))
        for n, v in r.get("scale", {}).get("workers", {}).items():
            rows.append((f"scale: {n} worker process(es)", f"{v['per_second']} docs/s ({v['documents']} in {v['seconds']} s)"
                                                         f" · ×{v['ratio_to_first']} of 1{_cpu_note(v)}"))
        for n, v in r.get("scale", {}).get("http", {}).items():
            rows.append((f"scale: {n} gunicorn instance(s)", f"{v['per_second']} req/s of the inbox, p50 {v['p50_ms']} ms,"
                                                           f" p95 {v['p95_ms']} ms ({v['clients']} clients)"))
        for n, v in r.get("opinion_flows", {}).items():
            rows.append((f"opinion flows (start→DOCX→end), {n} driver(s)",
                         f"{v['per_second']} flows/s ({v['flows']} in {v['seconds']} s, driving {v['drive_seconds']} s)"
                         + (f" · CPU driver {v['driver_cpu_ms_per_flow']}, worker {v.get('worker_cpu_ms_per_flow')}, database "
                            f"{v.get('db_cpu_ms_per_flow')}, machine {v['machine_cpu_ms_per_flow']} ms/flow"
                            if "machine_cpu_ms_per_flow" in v else "")))
        cost = r.get("opinion_flow_cost")
        if cost:
            rows.append((f"opinion flow CPU, in series, before {cost['revision']} → now",
                         f"{cost['before_python_cpu_ms_per_flow']} + {cost['before_db_cpu_ms_per_flow']} (database) → "
                         f"{cost['now_python_cpu_ms_per_flow']} + {cost['now_db_cpu_ms_per_flow']} ms/flow"
                         f" · ×{cost['ratio_now_to_before']} ({cost['rounds']} alternating runs of "
                         f"{cost['flows_per_run']} each)"))
        for size, v in r.get("scan", {}).items():
            if isinstance(v, dict):
                rows.append((f"deadline scan @ {int(size):,}",
                             f"median {v['scan_ms']} ms, min {v.get('scan_min_ms')} ms (due query {v['due_query_ms']} ms, {v['due_cases']} due cases, "
                             f"{v['reminders']} reminders)"))
            else:
                rows.append((f"scan {size}", str(v)))
        self.page_table(r)
        width = max(len(a) for a, _ in rows)
        self.log("")
        for i, (a, b) in enumerate(rows):
            self.log(f"{a.ljust(width)} | {b}")
            if i == 0:
                self.log("-" * width + "-+-" + "-" * 60)
