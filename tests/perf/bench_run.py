"""Measurements of the benchmark: list pages (ours vs Viewflow's stock), document throughput
(worker pipeline vs raw docxtpl), deadline scan. Called by ``manage.py bench``."""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from registrations.models import RegistrationCaseKind
from tests.perf.bench_flow import (cpu_seconds as _cpu_seconds, opinion_driver, pids_by_stat as _pids_by_stat,
                                   postgres_cpu_seconds as _postgres_cpu_seconds)

ROOT = Path(settings.BASE_DIR)


def percentile(values, q):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure_page(client: Client, url: str, requests: int, warmup: int = 3) -> dict:
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            return {"url": url, "status": response.status_code}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured)
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "url": url, "status": response.status_code, "requests": requests, "queries": queries,
        "bytes": len(response.content), "p50_ms": round(percentile(times, 0.5), 1),
        "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1),
    }


def measure_pages(user, requests: int, progress=print) -> dict:
    out = {}
    with override_settings(ROOT_URLCONF="tests.perf.bench_urls", DEBUG=False):
        from django.urls import clear_url_caches

        clear_url_caches()
        client = Client()
        client.force_login(user)
        pages = {
            "our inbox": reverse("cases:inbox"),
            "our queue": reverse("cases:queue"),
            "stock inbox": "/app/workflow/inbox/",
            "stock queue": "/app/workflow/queue/",
        }
        for name, url in pages.items():
            progress(f"  pages: {name} ({url}) × {requests}")
            out[name] = measure_page(client, url, requests)
        clear_url_caches()
    for scope in ("inbox", "queue"):
        ours, stock = out.get(f"our {scope}", {}), out.get(f"stock {scope}", {})
        if ours.get("p95_ms") and stock.get("p95_ms"):
            out[f"{scope} ratio ours/stock p95"] = round(ours["p95_ms"] / stock["p95_ms"], 3)
    return out


# ------------------------------------------------------------------------------ documents


def _letter_case():
    from workflows.models import Case

    return Case.objects.create(kind=RegistrationCaseKind.LETTER, file_mark=f"SZ BENCH/doc/{uuid.uuid4().hex[:12]}",
                               title="Dopis (benchmark)", applicant_name="Spolek Pomoc, z.s.", ico="26997789")


def _letter_context(case):
    from workflows.documents import base_context

    body = "Vážení,\nv příloze zasíláme sdělení k řízení.\nS pozdravem"
    return {**base_context(case), "subject": "Sdělení (benchmark)", "body_paragraphs": body.split("\n"),
            "reference_number": "KK/1/SV/2026"}


def raw_docxtpl(count: int) -> dict:
    from docxtpl import DocxTemplate

    from workflows.documents import TEMPLATE_DIR

    case = _letter_case()
    context = _letter_context(case)
    path = str(TEMPLATE_DIR / "letter.docx")
    t0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(count):
        doc = DocxTemplate(path)
        doc.render(context, autoescape=True)
        doc.save(io.BytesIO())
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"documents": count, "seconds": round(seconds, 2), "per_second": round(count / seconds, 2),
            "cpu_ms_per_doc": round(cpu * 1000 / count, 1)}


def _cpu_used(before: dict[int, float], pids) -> float:
    """CPU seconds ``pids`` used since ``before`` (a process not there then: all of its)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in _cpu_seconds(pids).items())


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (every core, every process: /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _group_pids(pgid: int) -> list[int]:
    """The processes of a worker's session (its pool children included)."""
    return _pids_by_stat(2, pgid)


def _db_backend_pids() -> list[int]:
    """PostgreSQL backends serving other connections to this database (the workers'), when
    the server runs on this host (their CPU is read from /proc); [] otherwise."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
        pids = [row[0] for row in cursor.fetchall()]
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()]


def in_process_pipeline(count: int) -> dict:
    """letter_send + run_job in this process (flow, numbering, storage, history; no broker)."""
    from viewflow.workflow.models import Task

    from workflows import jobs
    from workflows.flows.letter import LetterFlow, letter_send

    original = jobs.dispatch_job
    jobs.dispatch_job = lambda pk: None
    try:
        t0 = time.perf_counter()
        for _ in range(count):
            process = letter_send(case=_letter_case(), subject="Sdělení (benchmark)", body="Vážení,\ntext")
            task = Task.objects.get(process=process, flow_task=LetterFlow.render)
            assert jobs.run_job(task.pk) == "done"
        seconds = time.perf_counter() - t0
    finally:
        jobs.dispatch_job = original
    return {"documents": count, "seconds": round(seconds, 2), "per_second": round(count / seconds, 2)}


def _start_worker(log_path: Path, concurrency: int, index: int = 0) -> subprocess.Popen:
    env = dict(os.environ)
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.setdefault("DEBUG", "0")  # as a worker runs in production (no query log kept)
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING",
         f"--concurrency={concurrency}", "--pool=prefork", "--without-heartbeat", "--without-gossip",
         "--without-mingle", f"--hostname=bench-{os.getpid()}-{index}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    return proc


def worker_pipeline(count: int, concurrency: int, progress=print, processes: int = 1) -> dict:
    """A drain: ``count`` letters queued here (letter_send), then real Celery workers
    (``processes`` of them, ``concurrency`` each) render them; the time from sending the queued
    jobs to the broker until all are DONE."""
    import signal

    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from workflows.flows.letter import LetterFlow, letter_send

    log_path = Path(settings.VAR_DIR) / "bench" / "worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    procs = [_start_worker(log_path.with_name(f"worker-{i}.log"), concurrency, index=i) for i in range(processes)]
    proc = procs[0]
    log_path = log_path.with_name("worker-0.log")
    try:
        # wait until the worker consumes: send one warm-up letter and wait for it
        process = letter_send(case=_letter_case(), subject="warm-up", body="x")
        task_pk = Task.objects.get(process=process, flow_task=LetterFlow.render).pk
        deadline = time.time() + 120
        while Task.objects.get(pk=task_pk).status != STATUS.DONE:
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("worker did not start: " + log_path.read_text()[-2000:])
            time.sleep(0.2)
        if processes > 1:
            time.sleep(5)  # the other workers finish starting (the warm-up proved one consumes)
        # a drain: the letters are queued first (their broker messages held back), then all
        # sent at once, and the clock runs until the workers have rendered every one
        from workflows import jobs

        progress(f"  documents: worker ready, queueing {count} letters")
        held: list[int] = []
        original, jobs.dispatch_job = jobs.dispatch_job, held.append
        t_send = time.perf_counter()
        try:
            for _ in range(count):
                letter_send(case=_letter_case(), subject="Sdělení (benchmark)", body="Vážení,\ntext")
        finally:
            jobs.dispatch_job = original
        sent = time.perf_counter() - t_send
        pks = list(held)
        # CPU the drain costs (a figure the machine's other load hardly moves, unlike the
        # wall time): the worker processes and the database backends serving them
        worker_cpu0 = _cpu_seconds([pid for p in procs for pid in _group_pids(p.pid)])
        backend_cpu0 = _cpu_seconds(_db_backend_pids())
        t0 = time.perf_counter()
        for pk in pks:
            original(pk)
        deadline = time.time() + 600
        while Task.objects.filter(pk__in=pks, status=STATUS.DONE).count() < count:
            if time.time() > deadline:
                raise RuntimeError("worker did not finish in 10 minutes")
            time.sleep(0.02)
        seconds = time.perf_counter() - t0
        worker_cpu = _cpu_used(worker_cpu0, [pid for p in procs for pid in _group_pids(p.pid)])
        backend_pids = _db_backend_pids()  # the workers' connections (a pool child connects on its first job)
        backend_cpu = _cpu_used(backend_cpu0, backend_pids)
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    return {"documents": count, "seconds": round(seconds, 2), "per_second": round(count / seconds, 2),
            "send_seconds": round(sent, 2), "worker_concurrency": concurrency, "worker_processes": processes,
            "worker_cpu_ms_per_doc": round(worker_cpu * 1000 / count, 1),
            "db_cpu_ms_per_doc": round(backend_cpu * 1000 / count, 1) if backend_pids else None}


# ------------------------------------------------------------------------------ deadline scan


def measure_scan(repeat: int = 7) -> dict:
    from workflows.reminders import due_cases, scan_deadlines

    today = timezone.localdate()
    times, query_times, counts = [], [], {}
    for _ in range(repeat):
        with transaction.atomic():
            t0 = time.perf_counter()
            list(due_cases(today))
            query_times.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            counts = scan_deadlines(today)
            times.append((time.perf_counter() - t0) * 1000)
            transaction.set_rollback(True)  # the reminders are not kept: every repeat does the full work
    return {"scan_ms": round(statistics.median(times), 1), "scan_min_ms": round(min(times), 1),
            "due_query_ms": round(statistics.median(query_times), 1),
            "due_cases": counts.get("cases"), "reminders": counts.get("sent")}


# ------------------------------------------------------------------------------ opinion flows


def _drive_flows(users, count: int, ready, go, out) -> None:
    """One driver process (a person at a desk): ``count`` flows one after another, as in
    production (no query log), after two untimed ones (a web process serves warm: its imports,
    templates and caches are loaded); sends the process ids back through ``out``."""
    from django.db import connections

    connections.close_all()  # never the parent's socket: this process opens its own
    with override_settings(DEBUG=False):
        drive = opinion_driver(users)
        out.put(([drive().pk for _ in range(2)], 0.0))
        ready.set()
        go.wait()
        cpu0 = time.process_time()
        pks = [drive().pk for _ in range(count)]
        cpu = time.process_time() - cpu0
    connections.close_all()
    out.put((pks, cpu))


def _wait_done(pks, worker, log_path) -> None:
    """Until every one of these processes is DONE (the worker's log told if it is not)."""
    from viewflow.workflow.models import Process
    from viewflow.workflow.status import PROCESS

    deadline = time.time() + 600
    while Process.objects.filter(pk__in=pks, status=PROCESS.DONE).count() < len(pks):
        if time.time() > deadline or worker.poll() is not None:
            raise RuntimeError("opinion flows did not finish: " + log_path.read_text()[-2000:])
        time.sleep(0.02)


def opinion_flows(count: int, users, concurrency: int, progress=print, drivers: int = 1) -> dict:
    """Complete opinion flows per second: start → draft → approve (driven as the views do, by
    ``drivers`` processes at once, each one flow after another, like that many people at their
    desks) → the real worker renders the numbered DOCX → notice → end; the time from the first
    start until every flow is DONE."""
    import multiprocessing
    import signal

    from django.db import connections

    log_path = Path(settings.VAR_DIR) / "bench" / "worker-opinions.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    proc = _start_worker(log_path, concurrency)
    time.sleep(3)
    ctx = multiprocessing.get_context("fork")
    shares = [count // drivers + (1 if i < count % drivers else 0) for i in range(drivers)]
    ready, go, out = [ctx.Event() for _ in shares], ctx.Event(), ctx.Queue()
    connections.close_all()  # the children must not inherit this process's connection
    children = [ctx.Process(target=_drive_flows, args=(users, n, r, go, out)) for n, r in zip(shares, ready)]
    try:
        for child in children:
            child.start()
        for r in ready:
            r.wait(120)
        warm = [pk for _ in children for pk in out.get(timeout=120)[0]]
        _wait_done(warm, proc, log_path)
        worker0 = _cpu_seconds(_group_pids(proc.pid))
        db0 = _postgres_cpu_seconds()
        t0, machine0 = time.perf_counter(), _machine_busy_seconds()
        go.set()
        pks, driver_cpu = [], 0.0
        for _ in children:
            some, cpu = out.get(timeout=600)
            pks += some
            driver_cpu += cpu
        driven = time.perf_counter() - t0
        for child in children:
            child.join(30)
        if any(child.exitcode for child in children):
            raise RuntimeError("an opinion driver failed")
        progress(f"  opinions: {count} driven to approval by {drivers} driver(s) in {driven:.1f} s, "
                 "waiting for the worker")
        _wait_done(pks, proc, log_path)
        seconds = time.perf_counter() - t0
        machine_cpu = _machine_busy_seconds() - machine0
        worker_cpu = _cpu_used(worker0, _group_pids(proc.pid))
        db1 = _postgres_cpu_seconds()
        db_cpu = db1 - db0 if db0 is not None and db1 is not None else None
    finally:
        for child in children:
            if child.is_alive():
                child.kill()
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return {"flows": count, "seconds": round(seconds, 2), "per_second": round(count / seconds, 2),
            "drive_seconds": round(driven, 2), "drivers": drivers, "worker_concurrency": concurrency,
            "driver_cpu_ms_per_flow": round(driver_cpu * 1000 / count, 1),
            "worker_cpu_ms_per_flow": round(worker_cpu * 1000 / count, 1),
            "db_cpu_ms_per_flow": round(db_cpu * 1000 / count, 1) if db_cpu is not None else None,
            "machine_cpu_ms_per_flow": round(machine_cpu * 1000 / count, 1)}


# ------------------------------------------------------------------------------ scale-out


def worker_scaling(count: int, workers: list[int], progress=print) -> dict:
    """Documents/s through the real pipeline with 1, 2, 4 … separate worker processes (each
    ``--concurrency=1``, as if on machines of their own), the same drain of ``count`` letters.
    The sizes run there and back (1, 2, 4, 4, 2, 1): on a shared machine the load drifts, and a
    drift then weighs on every size alike; each size's figure pools its two drains."""
    runs: dict[int, list[dict]] = {n: [] for n in workers}
    for n in workers + workers[::-1]:
        progress(f"  scale: {n} worker process(es) × {count} documents")
        runs[n].append(worker_pipeline(count, 1, progress=progress, processes=n))
    out = {}
    for n in workers:
        docs = sum(r["documents"] for r in runs[n])
        seconds = sum(r["seconds"] for r in runs[n])
        pooled = {"documents": docs, "seconds": round(seconds, 2), "per_second": round(docs / seconds, 2),
                  "worker_processes": n, "runs_per_second": [r["per_second"] for r in runs[n]]}
        for key in ("worker_cpu_ms_per_doc", "db_cpu_ms_per_doc"):
            values = [r[key] for r in runs[n] if r.get(key) is not None]
            pooled[key] = round(sum(values) / len(values), 1) if values else None
        out[str(n)] = pooled
    base = out[str(workers[0])]["per_second"]
    for n in workers:
        out[str(n)]["ratio_to_first"] = round(out[str(n)]["per_second"] / base, 2)
    return out


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_scaling(user, path: str, instances: list[int], requests: int = 200, clients: int = 8,
                 progress=print) -> dict:
    """Requests/s of one page over real HTTP with 1 and 2 gunicorn instances (each 1 worker
    process × 4 threads), ``clients`` concurrent clients spread over the instances."""
    import concurrent.futures
    import signal
    import urllib.request

    from django.conf import settings as dj_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = f"{dj_settings.SESSION_COOKIE_NAME}={client.cookies[dj_settings.SESSION_COOKIE_NAME].value}"
    env = {**os.environ, "DEBUG": "0"}  # as served in production (no query log)
    out = {}
    for n in instances:
        procs, ports = [], []
        log_path = Path(settings.VAR_DIR) / "bench" / f"gunicorn-{n}.log"
        log = open(log_path, "w")
        try:
            for _ in range(n):
                port = _free_port()
                ports.append(port)
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                     "--workers", "1", "--threads", "4"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))

            def get(i: int) -> float:
                port = ports[i % len(ports)]
                req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
                t0 = time.perf_counter()
                with urllib.request.urlopen(req, timeout=60) as resp:
                    resp.read()
                    assert resp.status == 200
                return (time.perf_counter() - t0) * 1000

            deadline = time.time() + 60
            while True:
                try:
                    for i in range(len(ports)):
                        get(i)
                    break
                except Exception:
                    if time.time() > deadline:
                        raise RuntimeError("gunicorn did not start: " + log_path.read_text()[-2000:])
                    time.sleep(0.5)
            progress(f"  scale: {n} gunicorn instance(s), {clients} clients × {requests} requests of {path}")
            t0 = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                times = list(pool.map(get, range(requests)))
            seconds = time.perf_counter() - t0
        finally:
            for proc in procs:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(proc.pid, signal.SIGKILL)
        out[str(n)] = {"instances": n, "requests": requests, "clients": clients, "seconds": round(seconds, 2),
                       "per_second": round(requests / seconds, 1), "p50_ms": round(percentile(times, 0.5), 1),
                       "p95_ms": round(percentile(times, 0.95), 1)}
    return out
