"""A real Celery worker whose job steps keep their transaction open for ``OSV_TEST_JOB_DELAY``
seconds after the work is done (the DOCX rendered, numbered and stored — not yet committed),
so a reliability test can kill it at the worst moment.

Run as ``python -m tests.reliability.slow_worker <celery worker options>``. The hold is put
around the job node's public ``Job.run`` in this process only; production code has no knob.
"""

from __future__ import annotations

import os
import sys
import time

import django


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from config.celery import app
    from workflows.jobs import Job

    delay = float(os.environ["OSV_TEST_JOB_DELAY"])
    run = Job.run

    def run_and_hold(self, activation):
        result = run(self, activation)
        time.sleep(delay)  # inside run_job's transaction.atomic(): nothing is committed yet
        return result

    Job.run = run_and_hold
    app.worker_main(["worker", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
