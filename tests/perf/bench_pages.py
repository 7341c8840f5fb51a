"""Every page a person opens, measured on the benchmark data: p50/p95 of N requests through the
full middleware (Django test client, ``DEBUG=False``) and the SQL queries of one request.

Runs inside ``manage.py bench`` and also standalone against another checkout of the project
(the "before" of a change), so both are measured on the same database with the same method::

    python /path/to/this/tests/perf/bench_pages.py --requests 30 --json out.json

with the other checkout as the working directory (``manage.py bench --before REV`` does this
in a git worktree). It therefore imports nothing of the project at module level and finds its
users and objects by the benchmark's naming (``bench01`` …, ``SZ BENCH/…``).
"""

from __future__ import annotations

import json
import os
import sys
import time

#: (name, role of the user who opens it, URL name or path, query string); the busy registration
#: officer ``bench01`` is "officer"
PAGES = [
    ("inbox", "officer", "cases:inbox", ""),
    ("queue", "officer", "cases:queue", ""),
    ("queue, overdue filter", "officer", "cases:queue", "window=overdue"),
    ("queue, provider filter", "officer", "cases:queue", "provider=Poskytovatel 12"),
    ("dashboard (officer)", "officer", "cases:dashboard", ""),
    ("dashboard (planner)", "planner", "cases:dashboard", ""),
    ("dashboard (deputy head)", "deputy_head", "cases:dashboard", ""),
    ("dashboard (head)", "department_head", "cases:dashboard", ""),
    ("team (head)", "department_head", "cases:team", ""),
    ("case page", "officer", "case", ""),
    ("search (no term)", "officer", "cases:search", ""),
    ("search (file mark)", "officer", "cases:search", "q=SZ BENCH/1234/SV"),
    ("registry", "officer", "registrations:registry", ""),
    ("opinions list", "planner", "opinions:list", ""),
    ("export inbox CSV", "officer", "cases:inbox", "export=csv"),
    ("export inbox XLSX", "officer", "cases:inbox", "export=xlsx"),
    ("export team page CSV", "department_head", "cases:team", "export=csv&window=5"),
    ("stock Viewflow inbox", "officer", "/app/workflow/inbox/", ""),
    ("stock Viewflow queue", "officer", "/app/workflow/queue/", ""),
]


def percentile(values, q):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure_page(client, url: str, requests: int, warmup: int = 3) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

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
    body = response.content if not getattr(response, "streaming", False) else b"".join(response.streaming_content)
    return {
        "url": url, "status": response.status_code, "requests": requests, "queries": queries,
        "bytes": len(body), "p50_ms": round(percentile(times, 0.5), 1),
        "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1),
    }


def _users() -> dict:
    """One benchmark user per role (the lowest-numbered one; bench01 is the busy officer)."""
    from django.contrib.auth import get_user_model

    out = {}
    for user in get_user_model().objects.filter(username__startswith="bench").order_by("username"):
        group = user.groups.order_by("name").first()
        role = "officer" if user.username == "bench01" else (group.name if group else "")
        out.setdefault(role, user)
    return out


def _case_url(officer) -> str:
    from django.urls import reverse
    from viewflow.workflow.models import Task

    task = (Task.objects.filter(owner=officer, status="ASSIGNED", flow_task_type="HUMAN")
            .order_by("pk").select_related("process__caseprocess").first())
    return reverse("cases:case_detail", args=[task.process.caseprocess.case_id]) if task else ""


def measure_all(requests: int, progress=print, only: set[str] | None = None) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch, clear_url_caches, reverse

    import config.wsgi

    users = _users()
    out: dict = {}
    # as a web worker serves (config/wsgi.py): a full collection skips the start-up heap (the
    # page runner also measures an older revision, whose web workers did not freeze it)
    if hasattr(config.wsgi, "freeze_startup_heap"):
        config.wsgi.freeze_startup_heap()
    # the test client asks as host "testserver": without it every page is a 400 outside OSV_ENV=test
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with override_settings(ROOT_URLCONF="tests.perf.bench_urls", DEBUG=False, ALLOWED_HOSTS=hosts):
        clear_url_caches()
        clients: dict = {}
        for name, role, target, query in PAGES:
            if only and name not in only:
                continue
            user = users.get(role)
            if user is None:
                out[name] = {"status": "no user of role " + role}
                continue
            if target == "case":
                url = _case_url(users["officer"])
            elif target.startswith("/"):
                url = target
            else:
                try:
                    url = reverse(target)
                except NoReverseMatch:
                    out[name] = {"status": "no such page"}
                    continue
            if not url:
                out[name] = {"status": "nothing to open"}
                continue
            if query:
                url = f"{url}?{query}"
            if role not in clients:
                clients[role] = Client()
                clients[role].force_login(user)
            progress(f"  pages: {name} ({url}) as {user.username}")
            # Viewflow's stock pages take seconds at a million processes: a few requests tell enough
            n = min(requests, 5) if name.startswith("stock") else requests
            out[name] = {"role": role, **measure_page(clients[role], url, n)}
        clear_url_caches()
    connection.close()
    return out


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--json", required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    result = measure_all(args.requests, progress=lambda m: print(m, file=sys.stderr, flush=True))
    with open(args.json, "w") as fh:
        json.dump(result, fh, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
