"""A real Celery worker whose job steps keep their transaction open for ``OSV_TEST_JOB_DELAY``
seconds after the work is done (the DOCX rendered, numbered and stored — not yet committed),
so a reliability test can kill it at the worst moment; it writes the task's id to the file
``OSV_TEST_JOB_MARK`` names when it gets there (the job's one transaction shows nothing before).

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
    mark = os.environ.get("OSV_TEST_JOB_MARK")
    run = Job.run

    def run_and_hold(self, activation):
        result = run(self, activation)
        if mark:  # the test sees the moment: nothing of the job is visible before its commit
            with open(mark, "w") as fh:
                fh.write(str(activation.task.pk))
        time.sleep(delay)  # inside run_job's transaction.atomic(): nothing is committed yet
        return result

    Job.run = run_and_hold
    app.worker_main(["worker", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
