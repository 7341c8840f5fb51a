"""Tests of workflows.deadlines against hand-checked calendar dates.

Every expected date below was worked out by hand and its weekday checked with
``datetime.date(...).strftime("%a")``, not by running the function under test. Czech holidays used:
1 Jan, Good Friday (2026-04-03, 2027-03-26), Easter Monday (2026-04-06, 2027-03-29), 1 May, 8 May,
5 Jul, 6 Jul, 28 Sep, 28 Oct, 17 Nov, 24–26 Dec.

No database and no Django settings are needed: an autouse fixture pins the ``OSV_*`` settings to
the documented defaults (or to per-test overrides), so the tests do not depend on whatever the
project's settings module says.
"""

from __future__ import annotations

import datetime

import pytest

from workflows import deadlines as dl
from workflows.deadlines import (
    EXTENSION_GROUNDS,
    OpinionDeadlines,
    Suspension,
    add_days,
    add_months,
    add_weeks,
    add_working_days,
    add_years,
    appeal_deadline,
    change_notice_deadline,
    decision_deadline,
    delivery_fiction_date,
    finality_date,
    is_change_notice_late,
    is_working_day,
    next_working_day,
    opinion_deadlines,
    remedy_deadline,
    reminder_dates,
    shift_to_working_day,
    suspended_days,
    working_days_between,
)

D = datetime.date


@pytest.fixture(autouse=True)
def osv_settings(monkeypatch):
    """Pin the OSV_* settings to the documented defaults; tests may put overrides in the dict."""
    overrides: dict[str, object] = {}

    def fake_setting(name, default=None):
        if name in overrides:
            return overrides[name]
        return dl._DEFAULTS[name] if default is None else default

    monkeypatch.setattr(dl, "_setting", fake_setting)
    return overrides


# --------------------------------------------------------------------------- deadlines.md examples

DESIGN_EXAMPLES = [
    pytest.param(
        # Fri 2026-12-18 + 30 days = Sun 2027-01-17 → Mon 2027-01-18
        lambda: decision_deadline(D(2026, 12, 18)),
        D(2027, 1, 18),
        id="application-2026-12-18-30-days",
    ),
    pytest.param(
        # Thu 2026-12-10 + 15 = Fri 2026-12-25 holiday, Sat 26 holiday, Sun 27 → Mon 2026-12-28
        lambda: appeal_deadline(D(2026, 12, 10)),
        D(2026, 12, 28),
        id="appeal-2026-12-10",
    ),
    pytest.param(
        # change Mon 2026-04-20 → 15th of May: Fri 2026-05-15
        lambda: change_notice_deadline(D(2026, 4, 20)),
        D(2026, 5, 15),
        id="change-notice-2026-04-20",
    ),
    pytest.param(
        # change Sat 2026-10-03 → Sun 2026-11-15 → Mon 2026-11-16
        lambda: change_notice_deadline(D(2026, 10, 3)),
        D(2026, 11, 16),
        id="change-notice-2026-10-03",
    ),
    pytest.param(
        # výzva delivered Mon 2026-03-02, 1 month → Thu 2026-04-02
        lambda: remedy_deadline(D(2026, 3, 2), months=1),
        D(2026, 4, 2),
        id="remedy-1-month-2026-03-02",
    ),
    pytest.param(
        # received Sat 2027-01-30 + 1 month → no 30 Feb → Sun 2027-02-28 → Mon 2027-03-01
        lambda: add_months(D(2027, 1, 30), 1),
        D(2027, 3, 1),
        id="1-month-2027-01-30",
    ),
]


@pytest.mark.parametrize(("compute", "expected"), DESIGN_EXAMPLES)
def test_design_examples(compute, expected):
    assert compute() == expected


# --------------------------------------------------------------------------- working days

@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 4, 2), True),  # 2026-04-02 Thu, before Easter
        (D(2026, 4, 3), False),  # 2026-04-03 Fri Good Friday
        (D(2026, 4, 4), False),  # 2026-04-04 Sat
        (D(2026, 4, 5), False),  # 2026-04-05 Sun Easter Sunday
        (D(2026, 4, 6), False),  # 2026-04-06 Mon Easter Monday
        (D(2026, 4, 7), True),  # 2026-04-07 Tue
        (D(2027, 3, 26), False),  # 2027-03-26 Fri Good Friday
        (D(2027, 3, 29), False),  # 2027-03-29 Mon Easter Monday
        (D(2026, 5, 8), False),  # 2026-05-08 Fri holiday
        (D(2026, 9, 28), False),  # 2026-09-28 Mon holiday
        (D(2026, 10, 28), False),  # 2026-10-28 Wed holiday
        (D(2026, 11, 17), False),  # 2026-11-17 Tue holiday
        (D(2026, 12, 24), False),  # 2026-12-24 Thu holiday
        (D(2026, 12, 31), True),  # 2026-12-31 Thu, not a holiday
        (D(2027, 1, 1), False),  # 2027-01-01 Fri holiday
        (datetime.datetime(2026, 12, 24, 9, 30), False),  # a datetime is read as its date
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 3, 6), D(2026, 3, 6)),  # 2026-03-06 Fri working → itself
        (D(2026, 3, 7), D(2026, 3, 9)),  # 2026-03-07 Sat → Mon 2026-03-09
        (D(2026, 4, 3), D(2026, 4, 7)),  # 2026-04-03 Fri Good Friday → Tue 2026-04-07
        (D(2027, 3, 26), D(2027, 3, 30)),  # 2027-03-26 Fri Good Friday → Tue 2027-03-30
        (D(2026, 12, 24), D(2026, 12, 28)),  # 2026-12-24 Thu holiday → Mon 2026-12-28
        (D(2028, 1, 1), D(2028, 1, 3)),  # 2028-01-01 Sat holiday → Mon 2028-01-03
    ],
)
def test_next_and_shift_to_working_day(day, expected):
    assert next_working_day(day) == expected
    assert shift_to_working_day(day) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 2026-04-02 Thu +1: Fri 3 GF, Sat, Sun, Mon 6 EM → Tue 2026-04-07
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        # 2026-04-07 Tue −1: back over Easter → Thu 2026-04-02
        (D(2026, 4, 7), -1, D(2026, 4, 2)),
        # 2026-12-23 Wed +1: 24–26 holidays, Sun 27 → Mon 2026-12-28
        (D(2026, 12, 23), 1, D(2026, 12, 28)),
        # 2026-12-28 Mon −5: Wed 23, Tue 22, Mon 21, Fri 18, Thu 17 → 2026-12-17
        (D(2026, 12, 28), -5, D(2026, 12, 17)),
        # 2026-10-26 Mon +3: Tue 27, (Wed 28 holiday), Thu 29, Fri 30 → 2026-10-30
        (D(2026, 10, 26), 3, D(2026, 10, 30)),
        # 2026-03-07 Sat +0 → unchanged
        (D(2026, 3, 7), 0, D(2026, 3, 7)),
        # 2026-03-07 Sat +1 → Mon 2026-03-09
        (D(2026, 3, 7), 1, D(2026, 3, 9)),
        # 2026-03-07 Sat −1 → Fri 2026-03-06
        (D(2026, 3, 7), -1, D(2026, 3, 6)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(2026, 3, 9), D(2026, 3, 9), 0),  # same day
        (D(2026, 3, 6), D(2026, 3, 9), 1),  # Fri → Mon: only Mon counts
        # Wed 2026-04-01 → Fri 2026-04-10: Thu 2, Tue 7, Wed 8, Thu 9, Fri 10 (GF, EM skipped)
        (D(2026, 4, 1), D(2026, 4, 10), 5),
        # Wed 2026-12-23 → Mon 2026-12-28: 24–26 holidays, Sun 27 → 1
        (D(2026, 12, 23), D(2026, 12, 28), 1),
        # reverse: Mon 28 back to Wed 23 → −1
        (D(2026, 12, 28), D(2026, 12, 23), -1),
        # deadline Fri 2026-03-06 seen on Sat 2026-03-07: already one working day overdue
        (D(2026, 3, 7), D(2026, 3, 6), -1),
        # deadline Fri 2026-03-06 seen on Mon 2026-03-09 → −1 (Fri is the one missed day)
        (D(2026, 3, 9), D(2026, 3, 6), -1),
        # Fri 2026-12-18 → Mon 2027-01-18: Dec 21,22,23,28,29,30,31 = 7; Jan 4–8, 11–15, 18 = 11
        (D(2026, 12, 18), D(2027, 1, 18), 18),
        (D(2027, 1, 18), D(2026, 12, 18), -18),  # both ends working days: symmetric
    ],
)
def test_working_days_between(a, b, expected):
    assert working_days_between(a, b) == expected


def test_working_days_between_inverts_add_working_days():
    start = D(2026, 12, 1)
    for offset in range(0, 60):
        a = start + datetime.timedelta(days=offset)  # includes weekends and Christmas
        for n in (-12, -5, -1, 0, 1, 3, 5, 12):
            assert working_days_between(a, add_working_days(a, n)) == n, (a, n)


def test_working_days_between_matches_day_by_day_count():
    a = D(2026, 1, 1)
    for b in (D(2026, 12, 31), D(2027, 4, 1), D(2026, 4, 6)):
        naive = sum(
            1
            for i in range(1, (b - a).days + 1)
            if is_working_day(a + datetime.timedelta(days=i))
        )
        assert working_days_between(a, b) == naive


def test_holiday_lookup_is_cached_per_year():
    dl._holidays_for_year.cache_clear()
    for _ in range(3):
        is_working_day(D(2026, 12, 24))
        is_working_day(D(2026, 6, 1))
    info = dl._holidays_for_year.cache_info()
    assert info.misses == 1
    assert info.hits >= 5


# --------------------------------------------------------------------------- § 40 counting

@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        # Fri 2026-03-20 + 14 = Fri 2026-04-03 GF, Sat, Sun, Mon EM → Tue 2026-04-07
        (lambda: add_days(D(2026, 3, 20), 14), D(2026, 4, 7)),
        # Thu 2027-03-11 + 15 = Fri 2027-03-26 GF … Mon 03-29 EM → Tue 2027-03-30
        (lambda: add_days(D(2027, 3, 11), 15), D(2027, 3, 30)),
        # Sun 2026-09-13 + 15 = Mon 2026-09-28 holiday → Tue 2026-09-29
        (lambda: add_days(D(2026, 9, 13), 15), D(2026, 9, 29)),
        # Tue 2026-10-13 + 15 = Wed 2026-10-28 holiday → Thu 2026-10-29
        (lambda: add_days(D(2026, 10, 13), 15), D(2026, 10, 29)),
        # Mon 2026-11-02 + 15 = Tue 2026-11-17 holiday → Wed 2026-11-18
        (lambda: add_days(D(2026, 11, 2), 15), D(2026, 11, 18)),
        # Wed 2026-12-09 + 15 = Thu 2026-12-24 holiday, 25 Fri, 26 Sat, 27 Sun → Mon 2026-12-28
        (lambda: add_days(D(2026, 12, 9), 15), D(2026, 12, 28)),
        # Thu 2027-12-09 + 15 = Fri 2027-12-24 holiday, Sat 25, Sun 26 → Mon 2027-12-27
        (lambda: add_days(D(2027, 12, 9), 15), D(2027, 12, 27)),
        # Fri 2027-12-17 + 15 = Sat 2028-01-01 holiday, Sun 2 → Mon 2028-01-03
        (lambda: add_days(D(2027, 12, 17), 15), D(2028, 1, 3)),
        # Sat 2026-06-20 + 15 = Sun 2026-07-05 holiday, Mon 07-06 holiday → Tue 2026-07-07
        (lambda: add_days(D(2026, 6, 20), 15), D(2026, 7, 7)),
        # Thu 2026-04-16 + 15 = Fri 2026-05-01 holiday, Sat, Sun → Mon 2026-05-04
        (lambda: add_days(D(2026, 4, 16), 15), D(2026, 5, 4)),
        # Thu 2026-04-23 + 15 = Fri 2026-05-08 holiday, Sat, Sun → Mon 2026-05-11
        (lambda: add_days(D(2026, 4, 23), 15), D(2026, 5, 11)),
        # no shift: Thu 2026-12-10 + 15 = Fri 2026-12-25 stays
        (lambda: add_days(D(2026, 12, 10), 15, shift=False), D(2026, 12, 25)),
        # Sat 2026-01-31 + 1 month → no 31 Feb → Sat 2026-02-28 → Mon 2026-03-02
        (lambda: add_months(D(2026, 1, 31), 1), D(2026, 3, 2)),
        # same without shift → Sat 2026-02-28
        (lambda: add_months(D(2026, 1, 31), 1, shift=False), D(2026, 2, 28)),
        # leap year: Mon 2028-01-31 + 1 month → Tue 2028-02-29
        (lambda: add_months(D(2028, 1, 31), 1), D(2028, 2, 29)),
        # Mon 2026-08-31 + 1 month → no 31 Sep → Wed 2026-09-30
        (lambda: add_months(D(2026, 8, 31), 1), D(2026, 9, 30)),
        # Sat 2026-10-31 + 1 month → Mon 2026-11-30
        (lambda: add_months(D(2026, 10, 31), 1), D(2026, 11, 30)),
        # Tue 2026-11-24 + 1 month = Thu 2026-12-24 holiday … → Mon 2026-12-28
        (lambda: add_months(D(2026, 11, 24), 1), D(2026, 12, 28)),
        # year rollover: Tue 2026-12-15 + 1 month → Fri 2027-01-15
        (lambda: add_months(D(2026, 12, 15), 1), D(2027, 1, 15)),
        # Thu 2026-12-10 + 2 weeks = Thu 2026-12-24 holiday … → Mon 2026-12-28
        (lambda: add_weeks(D(2026, 12, 10), 2), D(2026, 12, 28)),
        # Wed 2026-03-04 + 2 weeks → Wed 2026-03-18
        (lambda: add_weeks(D(2026, 3, 4), 2), D(2026, 3, 18)),
        # leap day: Tue 2028-02-29 + 1 year → no 29 Feb 2029 → Wed 2029-02-28
        (lambda: add_years(D(2028, 2, 29), 1), D(2029, 2, 28)),
        # Thu 2026-12-31 + 1 year → Fri 2027-12-31
        (lambda: add_years(D(2026, 12, 31), 1), D(2027, 12, 31)),
        # Mon 2025-11-17 + 1 year = Tue 2026-11-17 holiday → Wed 2026-11-18
        (lambda: add_years(D(2025, 11, 17), 1), D(2026, 11, 18)),
    ],
)
def test_counting(compute, expected):
    assert compute() == expected


# --------------------------------------------------------------------------- decision deadline

@pytest.mark.parametrize(
    ("received", "kwargs", "expected"),
    [
        # Fri 2026-02-20 + 30 = Sun 2026-03-22 → Mon 2026-03-23
        (D(2026, 2, 20), {}, D(2026, 3, 23)),
        # single suspension Mon 03-02 … Fri 03-13 = 12 days: Sun 03-22 + 12 = Fri 2026-04-03 GF
        # → Tue 2026-04-07
        (
            D(2026, 2, 20),
            {"suspensions": [(D(2026, 3, 2), D(2026, 3, 13))]},
            D(2026, 4, 7),
        ),
        # two intervals: Mon 2026-01-05 + 30 = Wed 02-04; 01-12…01-16 (5) + 02-02…02-11 (10)
        # → Thu 2026-02-19
        (
            D(2026, 1, 5),
            {
                "suspensions": [
                    Suspension(D(2026, 1, 12), D(2026, 1, 16)),
                    Suspension(D(2026, 2, 2), D(2026, 2, 11)),
                ]
            },
            D(2026, 2, 19),
        ),
        # overlapping: 01-12…01-21 and 01-18…01-25 → union 01-12…01-25 = 14 days
        # Wed 02-04 + 14 → Wed 2026-02-18
        (
            D(2026, 1, 5),
            {"suspensions": [(D(2026, 1, 18), D(2026, 1, 25)), (D(2026, 1, 12), D(2026, 1, 21))]},
            D(2026, 2, 18),
        ),
        # the same interval twice counts once: 5 days → Mon 2026-02-09
        (
            D(2026, 1, 5),
            {"suspensions": [(D(2026, 1, 12), D(2026, 1, 16)), (D(2026, 1, 12), D(2026, 1, 16))]},
            D(2026, 2, 9),
        ),
        # open suspension: clock stopped → no deadline
        (
            D(2026, 1, 5),
            {"suspensions": [(D(2026, 1, 5), D(2026, 1, 7)), (D(2026, 1, 12), None)]},
            None,
        ),
        # extension 30: Fri 2026-12-18 + 60 → Tue 2027-02-16
        (D(2026, 12, 18), {"extension_days": 30}, D(2027, 2, 16)),
        # extension 20 + suspension Tue 11-10 … Sat 11-14 (5): Mon 2026-11-02 + 55 = Sun 12-27
        # → Mon 2026-12-28
        (
            D(2026, 11, 2),
            {"extension_days": 20, "suspensions": [(D(2026, 11, 10), D(2026, 11, 14))]},
            D(2026, 12, 28),
        ),
        # shift only once at the end: Fri 2026-12-18 + 30 = Sun 2027-01-17, + 1 suspended day
        # (Tue 2027-01-05) = Mon 2027-01-18 (not Mon 18 + 1 = Tue 19)
        (
            D(2026, 12, 18),
            {"suspensions": [(D(2027, 1, 5), D(2027, 1, 5))]},
            D(2027, 1, 18),
        ),
    ],
)
def test_decision_deadline(received, kwargs, expected):
    assert decision_deadline(received, **kwargs) == expected


@pytest.mark.parametrize("extension", [31, -1])
def test_decision_deadline_rejects_bad_extension(extension):
    with pytest.raises(ValueError, match="nejvýše o 30 dní"):
        decision_deadline(D(2026, 12, 18), extension_days=extension)


def test_suspension_ending_before_start_is_rejected():
    with pytest.raises(ValueError):
        decision_deadline(D(2026, 1, 5), suspensions=[(D(2026, 1, 20), D(2026, 1, 10))])


def test_suspended_days():
    assert suspended_days([]) == 0
    assert suspended_days([(D(2026, 1, 12), D(2026, 1, 12))]) == 1
    # adjacent intervals: 01-12…01-15 (4) + 01-16…01-20 (5) = 9
    adjacent = [(D(2026, 1, 12), D(2026, 1, 15)), (D(2026, 1, 16), D(2026, 1, 20))]
    assert suspended_days(adjacent) == 9
    assert suspended_days([(D(2026, 1, 12), None)]) is None


def test_extension_grounds():
    codes = [code for code, _ in EXTENSION_GROUNDS]
    assert codes == ["on_site_check", "hearing", "summons", "expert_opinion", "complex_case"]
    labels = dict(EXTENSION_GROUNDS)
    assert labels["on_site_check"] == "Místní šetření"
    assert labels["complex_case"] == "Zvlášť složitý případ"


# --------------------------------------------------------------------------- remedy, delivery, appeal

@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        # default 30 days: Mon 2026-03-02 + 30 → Wed 2026-04-01
        (lambda: remedy_deadline(D(2026, 3, 2)), D(2026, 4, 1)),
        # Thu 2026-03-19 + 15 = Fri 2026-04-03 GF → Tue 2026-04-07
        (lambda: remedy_deadline(D(2026, 3, 19), days=15), D(2026, 4, 7)),
        # Sat 2026-01-31 + 1 month → Sat 2026-02-28 → Mon 2026-03-02
        (lambda: remedy_deadline(D(2026, 1, 31), months=1), D(2026, 3, 2)),
        # fiction: Fri 2026-03-13 + 10 = Mon 2026-03-23 (working, shift irrelevant)
        (lambda: delivery_fiction_date(D(2026, 3, 13)), D(2026, 3, 23)),
        (lambda: delivery_fiction_date(D(2026, 3, 13), shift=False), D(2026, 3, 23)),
        # fiction: Wed 2026-03-18 + 10 = Sat 2026-03-28 → Mon 2026-03-30; without shift Sat 28
        (lambda: delivery_fiction_date(D(2026, 3, 18)), D(2026, 3, 30)),
        (lambda: delivery_fiction_date(D(2026, 3, 18), shift=False), D(2026, 3, 28)),
        # fiction: Mon 2026-12-14 + 10 = Thu 2026-12-24 holiday → Mon 2026-12-28; without: 24
        (lambda: delivery_fiction_date(D(2026, 12, 14), shift=True), D(2026, 12, 28)),
        (lambda: delivery_fiction_date(D(2026, 12, 14), shift=False), D(2026, 12, 24)),
        # appeal: Thu 2026-03-19 + 15 = Fri 2026-04-03 GF → Tue 2026-04-07
        (lambda: appeal_deadline(D(2026, 3, 19)), D(2026, 4, 7)),
        # finality: day after the appeal deadline Tue 04-07 → Wed 2026-04-08
        (lambda: finality_date(D(2026, 3, 19)), D(2026, 4, 8)),
        # finality: appeal deadline Mon 2026-12-28 → Tue 2026-12-29
        (lambda: finality_date(D(2026, 12, 10)), D(2026, 12, 29)),
        # waiver Mon 2026-12-14 → final that day
        (lambda: finality_date(D(2026, 12, 10), waived_on=D(2026, 12, 14)), D(2026, 12, 14)),
        # a waiver after finality does not postpone it: still Tue 2026-12-29
        (lambda: finality_date(D(2026, 12, 10), waived_on=D(2027, 1, 5)), D(2026, 12, 29)),
    ],
)
def test_remedy_delivery_appeal(compute, expected):
    assert compute() == expected


def test_remedy_days_and_months_together_rejected():
    with pytest.raises(ValueError):
        remedy_deadline(D(2026, 3, 2), days=10, months=1)


def test_waiver_before_delivery_rejected():
    with pytest.raises(ValueError):
        finality_date(D(2026, 12, 10), waived_on=D(2026, 12, 9))


def test_remedy_default_from_settings(osv_settings):
    osv_settings["OSV_REMEDY_DEFAULT_DAYS"] = 15
    # Mon 2026-03-02 + 15 → Tue 2026-03-17
    assert remedy_deadline(D(2026, 3, 2)) == D(2026, 3, 17)


def test_delivery_fiction_shift_from_settings(osv_settings):
    osv_settings["OSV_DELIVERY_FICTION_SHIFT"] = False
    # Wed 2026-03-18 + 10 = Sat 2026-03-28 stays
    assert delivery_fiction_date(D(2026, 3, 18)) == D(2026, 3, 28)
    assert delivery_fiction_date(D(2026, 3, 18), shift=True) == D(2026, 3, 30)


# --------------------------------------------------------------------------- notice of changes

@pytest.mark.parametrize(
    ("change", "kwargs", "expected"),
    [
        # Sat 2026-12-05 → Fri 2027-01-15 (year rollover)
        (D(2026, 12, 5), {}, D(2027, 1, 15)),
        # Sat 2026-01-31 → Sun 2026-02-15 → Mon 2026-02-16
        (D(2026, 1, 31), {}, D(2026, 2, 16)),
        # shift off → Sun 2026-02-15
        (D(2026, 1, 31), {"shift": False}, D(2026, 2, 15)),
        # Wed 2026-07-01 → Sat 2026-08-15 → Mon 2026-08-17
        (D(2026, 7, 1), {}, D(2026, 8, 17)),
        # 2011 wording: Mon 2026-04-20 + 15 → Tue 2026-05-05
        (D(2026, 4, 20), {"rule": "days_15"}, D(2026, 5, 5)),
        # 2011 wording: Thu 2026-04-16 + 15 = Fri 2026-05-01 holiday → Mon 2026-05-04
        (D(2026, 4, 16), {"rule": "days_15"}, D(2026, 5, 4)),
        # 2011 wording, shift off → Fri 2026-05-01
        (D(2026, 4, 16), {"rule": "days_15", "shift": False}, D(2026, 5, 1)),
    ],
)
def test_change_notice_deadline(change, kwargs, expected):
    assert change_notice_deadline(change, **kwargs) == expected


def test_change_notice_rule_and_shift_from_settings(osv_settings):
    osv_settings["OSV_CHANGE_NOTICE_RULE"] = "days_15"
    osv_settings["OSV_CHANGE_NOTICE_SHIFT"] = False
    # Thu 2026-04-16 + 15 = Fri 2026-05-01 (holiday, not moved)
    assert change_notice_deadline(D(2026, 4, 16)) == D(2026, 5, 1)


def test_change_notice_unknown_rule():
    with pytest.raises(ValueError):
        change_notice_deadline(D(2026, 4, 16), rule="weekly")


def test_is_change_notice_late():
    # change Sat 2026-10-03: deadline Mon 2026-11-16
    assert is_change_notice_late(D(2026, 10, 3), D(2026, 11, 16)) is False
    assert is_change_notice_late(D(2026, 10, 3), D(2026, 11, 17)) is True
    # without the shift the deadline is Sun 2026-11-15, so Mon 16 is late
    assert is_change_notice_late(D(2026, 10, 3), D(2026, 11, 16), shift=False) is True
    # 2011 wording: Mon 2026-04-20 + 15 = Tue 2026-05-05
    assert is_change_notice_late(D(2026, 4, 20), D(2026, 5, 6), rule="days_15") is True
    assert is_change_notice_late(D(2026, 4, 20), D(2026, 5, 15), rule="days_15") is True
    assert is_change_notice_late(D(2026, 4, 20), D(2026, 5, 15)) is False


# --------------------------------------------------------------------------- opinions

@pytest.mark.parametrize(
    ("received", "call", "kwargs", "expected"),
    [
        # 30 days wins: Mon 2026-03-02 + 30 = Wed 04-01; call Tue 06-30 − 5 wd = Tue 06-23
        # draft: Wed 04-01 − 3 wd = Tue 31, Mon 30, Fri 2026-03-27
        (
            D(2026, 3, 2),
            D(2026, 6, 30),
            {},
            OpinionDeadlines(D(2026, 4, 1), D(2026, 3, 27), False),
        ),
        # call buffer wins: call Fri 2026-03-20 − 5 wd = Thu 19, Wed 18, Tue 17, Mon 16,
        # Fri 2026-03-13; draft − 3 wd = Thu 12, Wed 11, Tue 2026-03-10
        (
            D(2026, 3, 2),
            D(2026, 3, 20),
            {},
            OpinionDeadlines(D(2026, 3, 13), D(2026, 3, 10), False),
        ),
        # call over Easter: call Fri 2026-04-10 − 5 wd = Thu 9, Wed 8, Tue 7, (Mon 6, Fri 3
        # holidays) Thu 2, Wed 2026-04-01; 30 days from Fri 03-20 = Sun 04-19 → Mon 04-20
        # draft: Wed 04-01 − 3 wd = Tue 31, Mon 30, Fri 2026-03-27
        (
            D(2026, 3, 20),
            D(2026, 4, 10),
            {},
            OpinionDeadlines(D(2026, 4, 1), D(2026, 3, 27), False),
        ),
        # too late: received Mon 2026-03-16, call-based Fri 03-13 is already past; the draft is
        # never due after the opinion itself → Fri 2026-03-13 too (both overdue from the start)
        (
            D(2026, 3, 16),
            D(2026, 3, 20),
            {},
            OpinionDeadlines(D(2026, 3, 13), D(2026, 3, 13), True),
        ),
        # too late on a weekend: received Sat 2026-03-14, call Fri 03-20 − 5 wd = Fri 03-13
        (
            D(2026, 3, 14),
            D(2026, 3, 20),
            {},
            OpinionDeadlines(D(2026, 3, 13), D(2026, 3, 13), True),
        ),
        # the call closed before the request: received Mon 2026-03-23, call Fri 03-20 → Fri 03-13
        (
            D(2026, 3, 23),
            D(2026, 3, 20),
            {},
            OpinionDeadlines(D(2026, 3, 13), D(2026, 3, 13), True),
        ),
        # call closes soon, one working day of margin: received Thu 2026-03-12, call Fri 03-20
        # − 5 wd = Fri 03-13; draft Fri 03-13 − 3 wd = Tue 03-10 → clamped to received Thu 03-12,
        # which is still before the opinion's Fri 03-13
        (
            D(2026, 3, 12),
            D(2026, 3, 20),
            {"draft_working_days": 5},
            OpinionDeadlines(D(2026, 3, 13), D(2026, 3, 12), False),
        ),
        # too late with no draft buffer at all: received Tue 2026-03-17, draft 0 wd → Fri 03-13
        (
            D(2026, 3, 17),
            D(2026, 3, 20),
            {"draft_working_days": 0},
            OpinionDeadlines(D(2026, 3, 13), D(2026, 3, 13), True),
        ),
        # call-based deadline equals the day received (Fri 2026-03-13): not too late
        (
            D(2026, 3, 13),
            D(2026, 3, 20),
            {},
            OpinionDeadlines(D(2026, 3, 13), D(2026, 3, 13), False),
        ),
        # draft clamped to received: Thu 2026-03-12, case Fri 03-13, draft Tue 03-10 → Thu 03-12
        (
            D(2026, 3, 12),
            D(2026, 3, 20),
            {},
            OpinionDeadlines(D(2026, 3, 13), D(2026, 3, 12), False),
        ),
        # no call: Fri 2026-12-18 + 30 → Mon 2027-01-18; draft − 3 wd = Fri 15, Thu 14,
        # Wed 2027-01-13
        (
            D(2026, 12, 18),
            None,
            {},
            OpinionDeadlines(D(2027, 1, 18), D(2027, 1, 13), False),
        ),
        # explicit buffer 0 and draft 1: call Fri 2026-03-20 itself; draft Thu 2026-03-19
        (
            D(2026, 3, 2),
            D(2026, 3, 20),
            {"buffer_working_days": 0, "draft_working_days": 1},
            OpinionDeadlines(D(2026, 3, 20), D(2026, 3, 19), False),
        ),
    ],
)
def test_opinion_deadlines(received, call, kwargs, expected):
    result = opinion_deadlines(received, call, **kwargs)
    assert result == expected
    assert result.draft_deadline <= result.case_deadline  # the draft is never due after the opinion


def test_opinion_buffers_from_settings(osv_settings):
    osv_settings["OSV_OPINION_CALL_BUFFER_WORKING_DAYS"] = 10
    osv_settings["OSV_OPINION_DRAFT_WORKING_DAYS"] = 1
    # call Fri 2026-03-20 − 10 wd: 19,18,17,16,13,12,11,10,9, Fri 2026-03-06; draft Thu 03-05
    result = opinion_deadlines(D(2026, 3, 2), D(2026, 3, 20))
    assert result == OpinionDeadlines(D(2026, 3, 6), D(2026, 3, 5), False)


def test_opinion_deadlines_is_frozen():
    result = opinion_deadlines(D(2026, 3, 2), None)
    with pytest.raises(AttributeError):
        result.too_late = True  # type: ignore[misc]


# --------------------------------------------------------------------------- reminders

@pytest.mark.parametrize(
    ("deadline", "kwargs", "expected"),
    [
        # Mon 2026-12-28: −5 wd Thu 2026-12-17, −1 wd Wed 2026-12-23, missed Tue 2026-12-29
        (
            D(2026, 12, 28),
            {},
            [("before_5", D(2026, 12, 17)), ("before_1", D(2026, 12, 23)),
             ("missed", D(2026, 12, 29))],
        ),
        # Tue 2026-04-07: −5 wd Thu 2, Wed 1, Tue 31, Mon 30, Fri 2026-03-27; −1 wd Thu 04-02;
        # missed Wed 2026-04-08
        (
            D(2026, 4, 7),
            {},
            [("before_5", D(2026, 3, 27)), ("before_1", D(2026, 4, 2)),
             ("missed", D(2026, 4, 8))],
        ),
        # custom: 3 wd before Tue 2026-04-07 → Tue 2026-03-31
        (
            D(2026, 4, 7),
            {"before_working_days": (3,)},
            [("before_3", D(2026, 3, 31)), ("missed", D(2026, 4, 8))],
        ),
        # a Friday deadline: missed is the calendar day after, Sat 2026-03-07
        (
            D(2026, 3, 6),
            {"before_working_days": (1, 1)},
            [("before_1", D(2026, 3, 5)), ("missed", D(2026, 3, 7))],
        ),
    ],
)
def test_reminder_dates(deadline, kwargs, expected):
    assert reminder_dates(deadline, **kwargs) == expected


def test_reminder_days_from_settings(osv_settings):
    osv_settings["OSV_REMINDER_WORKING_DAYS"] = (2,)
    # Mon 2026-12-28 − 2 wd: Wed 23, Tue 2026-12-22
    assert reminder_dates(D(2026, 12, 28)) == [
        ("before_2", D(2026, 12, 22)),
        ("missed", D(2026, 12, 29)),
    ]


# --------------------------------------------------------------------------- settings fallback

def test_real_setting_lookup_falls_back_without_django():
    """In a plain Python process (no DJANGO_SETTINGS_MODULE) the defaults are read and Django
    stays unconfigured; run apart, as this test process has Django set up."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from django.conf import settings\n"
        "from workflows import deadlines as dl\n"
        "assert dl._setting('OSV_REMEDY_DEFAULT_DAYS') == 30\n"
        "assert tuple(dl._setting('OSV_REMINDER_WORKING_DAYS')) == (5, 1)\n"
        "assert settings.configured is False\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_expert_opinion_adds_the_time_it_takes_beyond_30_days():
    """§ 71 odst. 3 písm. b) SŘ: the time the expert opinion takes is added, not "up to 30 days"."""
    from workflows.deadlines import decision_extension

    # Fri 2026-12-18 + 30 + 30 (písm. a) + 45 (posudek) = Fri 2027-04-02, a working day
    assert decision_deadline(D(2026, 12, 18), extension_days=30, expert_days=45) == D(2027, 4, 2)
    # Fri 2026-12-18 + 30 + 36 (posudek) = Mon 2027-02-22
    assert decision_deadline(D(2026, 12, 18), expert_days=36) == D(2027, 2, 22)
    assert decision_extension([("on_site_check", 20), ("hearing", 20), ("expert_opinion", 45)]) == (30, 45)
    with pytest.raises(ValueError):
        decision_deadline(D(2026, 12, 18), expert_days=-1)
