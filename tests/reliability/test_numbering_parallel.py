"""č. j. from 4 processes in parallel: no gaps, no duplicates.

Four separate Python processes (like four gunicorn/celery workers) start at the same
instant on the same database and each issue 40 reference numbers, one transaction each,
rolling back every fifth (a failed rendering gives its number back). The scope row does not
exist yet, so they also race to create it. On PostgreSQL this is the real thing; on the
embedded SQLite set-up the same code is serialised by IMMEDIATE transactions.
"""

from __future__ import annotations

import time

import pytest

from tests.reliability.conftest import spawn_django_script
from workflows.models import NumberSequence

pytestmark = pytest.mark.django_db(transaction=True)

PROCESSES = 4
PER_PROCESS = 40
YEAR = 2091  # a scope no other test touches

SCRIPT = """
import time
from django.db import transaction
from workflows.numbering import next_reference_number
start_at = float(os.environ["START_AT"])
while time.time() < start_at:
    time.sleep(0.005)
for i in range({n}):
    try:
        with transaction.atomic():
            number = next_reference_number(year={year})
            if i % 5 == 4:
                raise RuntimeError("rollback")
        print("OK", number, flush=True)
    except RuntimeError:
        print("ROLLBACK", number, flush=True)
"""


def test_four_processes_issue_gap_free_unique_numbers():
    start_at = time.time() + 5
    procs = [spawn_django_script(SCRIPT.format(n=PER_PROCESS, year=YEAR), env_extra={"START_AT": str(start_at)})
             for _ in range(PROCESSES)]
    committed: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-3000:]
        lines = out.split("\n")
        committed += [line.split(" ", 1)[1] for line in lines if line.startswith("OK ")]
        assert sum(1 for line in lines if line.startswith("ROLLBACK ")) == PER_PROCESS // 5

    expected = PROCESSES * (PER_PROCESS - PER_PROCESS // 5)
    assert len(committed) == expected
    assert len(set(committed)) == expected, "duplicate č. j."
    seqs = sorted(int(n.split("/")[1]) for n in committed)
    assert seqs == list(range(1, expected + 1)), "gap in č. j."
    assert all(n.endswith(f"/SV/{YEAR}") for n in committed)
    assert NumberSequence.objects.get(scope=f"cj/KK/{YEAR}").last_value == expected
