"""One beat in the whole installation, however many machines start one.

Celery beat has no leader election: two beats send every periodic task twice. Each beat takes
a lock when it starts (``beat_init``) and holds it for its lifetime; a second beat waits as a
standby and takes over when the first one dies:

- PostgreSQL: a session advisory lock on a connection of its own (released by the server
  when the beat's process or machine dies — no stale lock);
- SQLite (the embedded set-up, one machine): an exclusive ``flock`` on ``var/celerybeat.lock``.

Periodic tasks additionally run under :func:`single_run`, so a slow run (a long deadline
scan) and the next tick never overlap, whichever workers pick them up.
"""

from __future__ import annotations

import contextlib
import logging
import time
import zlib
from pathlib import Path

log = logging.getLogger("osv.beat")

#: advisory lock keys (int8): the beat, then one per periodic task name
BEAT_KEY = zlib.crc32(b"osv-agenda:celery-beat")


def _key(name: str) -> int:
    return zlib.crc32(f"osv-agenda:task:{name}".encode())


class BeatLock:
    """The beat's lock; ``acquire(wait=True)`` blocks until this beat is the only one."""

    def __init__(self, poll_seconds: float = 5.0):
        self.poll_seconds = poll_seconds
        self._conn = None
        self._file = None

    def try_acquire(self) -> bool:
        from django.conf import settings
        from django.db import connections

        db = connections["default"]
        if db.vendor == "postgresql":
            if self._conn is None:
                import psycopg

                if settings.OSV_BEAT_LOCK_DATABASE_URL:  # past PgBouncer, straight to PostgreSQL
                    self._conn = psycopg.connect(settings.OSV_BEAT_LOCK_DATABASE_URL, autocommit=True)
                else:
                    params = db.get_connection_params()
                    for key in ("cursor_factory", "context", "prepare_threshold"):
                        params.pop(key, None)
                    self._conn = psycopg.connect(autocommit=True, **params)
            return bool(self._conn.execute("SELECT pg_try_advisory_lock(%s)", [BEAT_KEY]).fetchone()[0])
        import fcntl

        path = Path(settings.VAR_DIR) / "celerybeat.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        if self._file is None:
            self._file = open(path, "a+")
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def acquire(self, wait: bool = True) -> bool:
        warned = False
        while not self.try_acquire():
            if not wait:
                return False
            if not warned:
                log.warning("Another Celery beat holds the lock; this one waits as a standby.")
                warned = True
            time.sleep(self.poll_seconds)
        log.info("Celery beat lock acquired: this is the only beat.")
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()  # the session lock goes with the session
            self._conn = None
        if self._file is not None:
            self._file.close()
            self._file = None


_beat_lock: BeatLock | None = None


def on_beat_init(sender=None, **kwargs) -> None:
    """``celery.signals.beat_init``: wait until this beat holds the lock."""
    global _beat_lock
    _beat_lock = BeatLock()
    _beat_lock.acquire(wait=True)


@contextlib.contextmanager
def single_run(name: str):
    """Yield True if no other run of ``name`` is under way (and hold that until the body ends),
    else yield False. PostgreSQL: a session advisory lock on the task's connection, released
    in ``finally``; SQLite serialises writers itself, so always True there."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or settings.DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS"):
        yield True  # SQLite; or PgBouncer in transaction mode (no sessions): the tasks are idempotent
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
        got = bool(cursor.fetchone()[0])
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
