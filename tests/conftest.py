"""Shared fixtures: demo roles and users, a real Celery worker process, helpers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("OSV_VAR_DIR", str(ROOT / "var" / "test"))
os.environ.setdefault("OSV_ENV", "test")


def on_servers() -> bool:
    """True in the PostgreSQL + Redis pass of CI."""
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")) and os.environ.get(
        "CELERY_BROKER_URL", ""
    ).startswith("redis")


# The only skips the suite allows (counted in the summary): server-only, embedded-only, and a
# missing Debian package whose reason names the ``apt-get install`` line:
SERVER_ONLY = "jen na PostgreSQL + Redis (vestavěné nastavení tento test neumí)"
EMBEDDED_ONLY = "jen na vestavěném nastavení (testuje se v prvním průchodu)"
MISSING_PACKAGE = "chybí Debian balík {package} – nainstalujte: sudo apt-get install -y {package}"

server_only = pytest.mark.skipif(not on_servers(), reason=SERVER_ONLY)
embedded_only = pytest.mark.skipif(on_servers(), reason=EMBEDDED_ONLY)


def missing_package(*packages: str) -> str:
    """The skip reason for a test that needs Debian packages this machine lacks."""
    return MISSING_PACKAGE.format(package=" ".join(packages))


def _skips(stats) -> tuple[dict[str, int], list[str]]:
    """Skipped tests by allowed reason (count), and the skips with any other reason."""
    allowed: dict[str, int] = {}
    unexpected: list[str] = []
    for report in stats.get("skipped", []):
        reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
        reason = reason.removeprefix("Skipped: ")
        if reason in (SERVER_ONLY, EMBEDDED_ONLY) or "apt-get install" in reason:  # a named missing package
            allowed[reason] = allowed.get(reason, 0) + 1
        else:
            unexpected.append(f"{report.nodeid}: {reason}")
    return allowed, unexpected


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say how many tests skipped and why, so a newcomer knows what did not run."""
    allowed, unexpected = _skips(terminalreporter.stats)
    if not allowed and not unexpected:
        return
    terminalreporter.section("přeskočené testy")
    for reason, count in allowed.items():
        terminalreporter.write_line(f"{count:4d} × {reason}")
    for line in unexpected:
        terminalreporter.write_line(f"!! nečekaně přeskočeno: {line}")


def pytest_sessionfinish(session, exitstatus):
    """In CI (which installs every package, .ci/run) only the server-only and embedded-only
    skips are allowed: any other hides a test that never ran, and fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("CI") != "true" or reporter is None or exitstatus != 0:
        return
    allowed, unexpected = _skips(reporter.stats)
    if unexpected or set(allowed) - {SERVER_ONLY, EMBEDDED_ONLY}:
        reporter.write_line("!! CI: přeskočeny testy, které se přeskočit nesmějí (viz výše)")
        session.exitstatus = 1


@pytest.fixture
def roles(db):
    from workflows.catalogues import load_catalogues
    from workflows.roles import ensure_groups

    load_catalogues()
    ensure_groups()


@pytest.fixture
def demo_users(roles):
    from django.contrib.auth import get_user_model

    from workflows.demo import ensure_demo_users

    ensure_demo_users()
    User = get_user_model()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def no_dispatch(monkeypatch):
    """Jobs are not sent to a broker; the test runs them itself (``tests.flowkit.run_jobs`` or
    ``workflows.jobs.run_job``). Returns the list of task ids that would have been sent."""
    from workflows import jobs

    sent: list[int] = []
    monkeypatch.setattr(jobs, "dispatch_job", sent.append)
    return sent


@pytest.fixture
def tasks_in_process(monkeypatch):
    """Tasks sent by name (workflows.outbox) run here and now, retries included, as the
    worker would run them — for tests without a worker process."""
    from celery import current_app

    from workflows import outbox

    import worker.tasks  # noqa: F401 (registers the tasks)

    from celery.exceptions import Retry

    def run(task_name, *args, **options):
        task = current_app.tasks[task_name]
        for retries in range(100):  # a retry runs at once (the countdown is the worker's business)
            try:
                task.apply(args=list(args), retries=retries, throw=True)
                return True
            except Retry:
                continue
        raise AssertionError(f"{task_name} se stále opakuje")

    monkeypatch.setattr(outbox, "dispatch", run)


def _worker_env() -> dict[str, str]:
    from django.conf import settings
    from django.db import connection

    env = dict(os.environ)
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        user = db.get("USER") or "postgres"
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{db['NAME']}"
    env["OSV_VAR_DIR"] = str(settings.VAR_DIR)
    env["OSV_STORAGE_DIR"] = str(settings.MEDIA_ROOT)
    env["OSV_ENV"] = "test"
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return env


def _reset_broker():
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # the queued messages go, the folders stay: a worker alive meanwhile (the session's)
        # lists the queue folder every second and dies when it is missing ("Unrecoverable
        # error: FileNotFoundError"), which removing and re-creating the folder risked
        for key in ("data_folder_in", "processed_folder"):
            folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key])
            folder.mkdir(parents=True, exist_ok=True)
            for entry in folder.iterdir():
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
    else:
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


class WorkerProcess:
    """A real ``celery worker`` subprocess on the test database."""

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
             "--concurrency=1", "--pool=prefork", "--without-heartbeat", "--without-gossip", "--without-mingle",
             f"--hostname=test-{os.getpid()}@%h"],
            cwd=ROOT, env=_worker_env(), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("Celery worker skončil:\n" + self.log_path.read_text())
            if "ready." in self.log_path.read_text():
                return self
            time.sleep(0.2)
        raise RuntimeError("Celery worker nenaběhl:\n" + self.log_path.read_text())

    def children(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """One real worker for the session (integration tests use transactional DB access)."""
    with django_db_blocker.unblock():
        _reset_broker()
        worker = WorkerProcess(tmp_path_factory.mktemp("worker") / "worker.log").start()
    yield worker
    worker.stop()


@pytest.fixture
def fresh_worker(django_db_setup, django_db_blocker, tmp_path):
    """A worker of the test's own, for tests that kill or restart it."""
    with django_db_blocker.unblock():
        worker = WorkerProcess(tmp_path / "worker.log")
    yield worker
    if worker.proc and worker.proc.poll() is None:
        worker.stop()


def wait_for(predicate, timeout: float = 60, interval: float = 0.25, message: str = "podmínka nenastala"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"{message} do {timeout} s")


@pytest.fixture
def docx_text():
    """Open a stored DOCX with python-docx and return its whole text."""
    import docx

    def read(document) -> str:
        with document.file.open("rb") as fh:
            parsed = docx.Document(fh)
        parts = [p.text for p in parsed.paragraphs]
        for table in parsed.tables:
            for row in table.rows:
                parts.extend(cell.text for cell in row.cells)
        return "\n".join(parts)

    return read


def url_names():
    """(full name, set of kwarg names) of every named URL (the permission matrix and the
    accessibility sweep walk the same list)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    out = []

    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and p.name:
                out.append((ns + p.name, set(p.pattern.converters)))

    walk(get_resolver().url_patterns)
    return sorted(set((n, frozenset(k)) for n, k in out))
