"""A stored moment (``created_at``, ``recorded_at``, ``finished`` …) is UTC; its day is the
office's, ``timezone.localdate(moment)``. ``moment.date()`` is the UTC day: between midnight and
1 (2 in summer) in Prague it is the day before, and a decision, a právní moc or a lead time
lands on it (found when the suite ran across midnight in Prague)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: ``x.created_at.date()``, ``e.recorded_at.date()``, ``process.finished.date()`` …
MOMENT_CUT_TO_UTC_DAY = re.compile(r"\w+(_at|\.created|\.finished|\.started|\.assigned)\)?\.date\(\)")


def moment_days(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()
            if MOMENT_CUT_TO_UTC_DAY.search(line) and "localtime(" not in line]


def test_the_check_knows_a_utc_day_from_a_local_one():
    assert moment_days("proceeding.decided_on = document.created_at.date()") != []
    assert moment_days("ok = timezone.localtime(document.created_at).date()") == []
    assert moment_days("ok = timezone.localdate(e.recorded_at)") == []


def test_no_stored_moment_is_cut_to_its_utc_day():
    hits = []
    for package in ("workflows", "registrations", "opinions", "worker", "config"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                hits += [f"{path.relative_to(ROOT)}: {line}" for line in moment_days(path.read_text())]
    assert hits == []
