"""Every deadline the product computes, in one pure module.

Flows, reminder scans, dashboards and documents all call these functions, so the counting rules of
the správní řád (zákon 500/2004 Sb., § 40) live in exactly one place (design note
``deadlines.md``):

* a deadline in **days** starts on the day after the triggering event, so its last day is
  ``event + days``;
* a deadline in **weeks, months or years** ends on the day with the same name / number as the
  triggering day; when the month has no such day (31 Jan + 1 month) it ends on the month's last day;
* a last day on a **Saturday, Sunday or Czech public holiday** moves to the next working day.

The module is deliberately pure: no models, no database. Defaults that the office may change are
read lazily from ``django.conf.settings`` (``OSV_*``) when Django is configured, and fall back to
the documented defaults otherwise, so every function also works with explicit arguments in a plain
Python process (scripts, unit tests without a database).
"""

from __future__ import annotations

import calendar
import datetime
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import holidays

__all__ = [
    "EXTENSION_GROUNDS",
    "MAX_EXTENSION_DAYS",
    "OpinionDeadlines",
    "Suspension",
    "add_days",
    "add_months",
    "add_weeks",
    "add_working_days",
    "add_years",
    "appeal_deadline",
    "change_notice_deadline",
    "decision_deadline",
    "decision_extension",
    "delivery_fiction_date",
    "finality_date",
    "is_change_notice_late",
    "is_working_day",
    "last_day_after_delivery",
    "next_working_day",
    "opinion_deadlines",
    "remedy_deadline",
    "reminder_dates",
    "shift_to_working_day",
    "suspended_days",
    "working_days_between",
]

_ONE_DAY = datetime.timedelta(days=1)

#: Statutory maximum of the time added under § 71 odst. 3 písm. a) správního řádu (on-site check,
#: hearing, summons, particularly complex case): up to 30 days.
MAX_EXTENSION_DAYS = 30

#: Grounds on which time is added to the decision deadline (§ 71 odst. 3); code, Czech label.
#: ``expert_opinion`` is písm. b): the time the expert opinion takes, not capped at 30 days.
EXTENSION_GROUNDS: tuple[tuple[str, str], ...] = (
    ("on_site_check", "Místní šetření"),
    ("hearing", "Ústní jednání"),
    ("summons", "Předvolání"),
    ("expert_opinion", "Znalecký posudek (doba jeho zpracování, § 71 odst. 3 písm. b))"),
    ("complex_case", "Zvlášť složitý případ"),
)
EXPERT_OPINION = "expert_opinion"


def decision_extension(extensions: Iterable[tuple[str, int]]) -> tuple[int, int]:
    """Split recorded extensions ``(ground, days)`` into (písm. a) days capped at 30, písm. b) days)."""
    capped = expert = 0
    for ground, days in extensions:
        if ground == EXPERT_OPINION:
            expert += days
        else:
            capped += days
    return min(capped, MAX_EXTENSION_DAYS), expert

#: Rules for the provider's notice of changes (zákon 108/2006 Sb., § 82 odst. 1).
CHANGE_NOTICE_RULES = ("next_month_15", "days_15")

# Defaults used when Django settings are not configured or do not define the name.
_DEFAULTS: dict[str, Any] = {
    "OSV_REMEDY_DEFAULT_DAYS": 30,
    "OSV_DELIVERY_FICTION_SHIFT": True,
    "OSV_CHANGE_NOTICE_RULE": "next_month_15",
    "OSV_CHANGE_NOTICE_SHIFT": True,
    "OSV_OPINION_CALL_BUFFER_WORKING_DAYS": 5,
    "OSV_OPINION_DRAFT_WORKING_DAYS": 3,
    "OSV_REMINDER_WORKING_DAYS": (5, 1),
}


def _setting(name: str, default: Any = None) -> Any:
    """Read an ``OSV_*`` setting lazily; fall back to the default when Django is not set up.

    Lazy so that importing this module never configures Django, and guarded so that plain scripts
    and database-free tests get the documented defaults.
    """
    if default is None:
        default = _DEFAULTS.get(name)
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
    except ImportError:  # pragma: no cover - Django is a dependency, but keep the module pure
        return default
    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        return default
    try:
        return getattr(settings, name, default)
    except (ImproperlyConfigured, ImportError):
        return default


def as_date(d: datetime.date) -> datetime.date:
    """Accept datetimes too (a datetime is a date subclass but hashes differently); an aware
    one is the office's day (``TIME_ZONE``), not UTC's."""
    if isinstance(d, datetime.datetime):
        from django.utils import timezone  # only for an aware datetime: the module runs without Django too

        return timezone.localdate(d) if timezone.is_aware(d) else d.date()
    return d


# --------------------------------------------------------------------------- working days


@lru_cache(maxsize=None)
def _holidays_for_year(year: int) -> frozenset[datetime.date]:
    """Czech public holidays of one year, cached: scans over many cases hit this repeatedly."""
    return frozenset(holidays.country_holidays("CZ", years=year).keys())


def is_working_day(d: datetime.date) -> bool:
    """True unless ``d`` is a Saturday, a Sunday or a Czech public holiday."""
    d = as_date(d)
    return d.weekday() < 5 and d not in _holidays_for_year(d.year)


def next_working_day(d: datetime.date) -> datetime.date:
    """``d`` itself when it is a working day, otherwise the first working day after it."""
    d = as_date(d)
    while not is_working_day(d):
        d += _ONE_DAY
    return d


def shift_to_working_day(d: datetime.date) -> datetime.date:
    """§ 40 odst. 1 písm. d): a last day on a weekend or holiday moves to the next working day."""
    return next_working_day(d)


def add_working_days(d: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``d`` (before it when ``n`` is negative).

    Used for internal buffers (opinion drafts, reminders), which the office counts in working
    days. ``d`` itself never counts; ``n == 0`` returns ``d`` unchanged.
    """
    d = as_date(d)
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d):
            remaining -= 1
    return d


def _count_working_days(lo: datetime.date, hi: datetime.date) -> int:
    """Number of working days in the closed interval [lo, hi] (0 when hi < lo), without looping."""
    if hi < lo:
        return 0
    total = (hi - lo).days + 1
    full_weeks, rest = divmod(total, 7)
    weekdays = full_weeks * 5
    for i in range(rest):
        if (lo + datetime.timedelta(days=full_weeks * 7 + i)).weekday() < 5:
            weekdays += 1
    for year in range(lo.year, hi.year + 1):
        weekdays -= sum(1 for h in _holidays_for_year(year) if lo <= h <= hi and h.weekday() < 5)
    return weekdays


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Signed number of working days from ``a`` to ``b`` ("days left" in inboxes).

    For ``b >= a``: the working days after ``a`` up to and including ``b`` (0 on the same day).
    For ``b < a``: minus the working days from ``b`` (inclusive) up to ``a`` (exclusive), so a
    deadline that fell on a working day reads as overdue (-1) already on the following weekend.
    This makes it the exact inverse of :func:`add_working_days`:
    ``working_days_between(a, add_working_days(a, n)) == n`` for every ``a`` and ``n``.
    """
    a, b = as_date(a), as_date(b)
    if b >= a:
        return _count_working_days(a + _ONE_DAY, b)
    return -_count_working_days(b, a - _ONE_DAY)


# --------------------------------------------------------------------------- § 40 counting


def add_days(start: datetime.date, days: int, *, shift: bool = True) -> datetime.date:
    """Last day of a deadline in days: it starts the day after ``start``, so ``start + days``.

    With ``shift`` a weekend / holiday last day moves to the next working day (§ 40).
    """
    end = as_date(start) + datetime.timedelta(days=days)
    return shift_to_working_day(end) if shift else end


def _same_day_months_later(start: datetime.date, months: int) -> datetime.date:
    """Day with the same number ``months`` later, clamped to the month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def add_months(start: datetime.date, months: int, *, shift: bool = True) -> datetime.date:
    """Last day of a deadline in months: same day number (or the month's last day), then shifted."""
    end = _same_day_months_later(as_date(start), months)
    return shift_to_working_day(end) if shift else end


def add_weeks(start: datetime.date, weeks: int, *, shift: bool = True) -> datetime.date:
    """Last day of a deadline in weeks: the same weekday ``weeks`` later, then shifted."""
    end = as_date(start) + datetime.timedelta(weeks=weeks)
    return shift_to_working_day(end) if shift else end


def add_years(start: datetime.date, years: int, *, shift: bool = True) -> datetime.date:
    """Last day of a deadline in years: same day and month (29 Feb → 28 Feb), then shifted."""
    return add_months(start, 12 * years, shift=shift)


# --------------------------------------------------------------------------- Agenda A


class Suspension(NamedTuple):
    """A period when the proceeding is suspended (přerušení řízení, § 64–65).

    ``start`` is the day the usnesení o přerušení is delivered, ``end`` the day the obstacle ends
    (e.g. the supplement is received), both inclusive; ``end`` is None while still suspended.
    Plain ``(start, end)`` tuples are accepted wherever a Suspension is.
    """

    start: datetime.date
    end: datetime.date | None


def suspended_days(
    suspensions: Iterable[tuple[datetime.date, datetime.date | None]],
) -> int | None:
    """Calendar days covered by the suspensions, inclusive, overlaps counted once.

    None when a suspension is still open: the clock is stopped, so the total is not known yet.
    """
    intervals: list[tuple[datetime.date, datetime.date]] = []
    for start, end in suspensions:
        if start is None:
            raise ValueError("Přerušení řízení musí mít datum začátku.")
        if end is None:
            return None
        start, end = as_date(start), as_date(end)
        if end < start:
            raise ValueError("Konec přerušení řízení nemůže předcházet jeho začátku.")
        intervals.append((start, end))
    total = 0
    current: tuple[datetime.date, datetime.date] | None = None
    for start, end in sorted(intervals):
        if current is None:
            current = (start, end)
        elif start <= current[1]:  # overlapping (sharing a day counts once)
            current = (current[0], max(current[1], end))
        else:
            total += (current[1] - current[0]).days + 1
            current = (start, end)
    if current is not None:
        total += (current[1] - current[0]).days + 1
    return total


def decision_deadline(
    received: datetime.date,
    *,
    suspensions: Iterable[tuple[datetime.date, datetime.date | None]] = (),
    extension_days: int = 0,
    expert_days: int = 0,
    base_days: int = 30,
) -> datetime.date | None:
    """Last day to decide a registration / change / cancellation proceeding (§ 71 odst. 3).

    ``received`` is the day the application is received (ex officio: the day the notice of
    opening is delivered). The deadline is ``base_days`` (30) plus a recorded extension of at most
    30 days (§ 71 odst. 3 písm. a), see :data:`EXTENSION_GROUNDS`) plus ``expert_days``, the time
    an expert opinion takes (§ 71 odst. 3 písm. b), no fixed cap). While the proceeding is suspended the clock stops: the
    days from delivery of the usnesení o přerušení through the day the obstacle ends, inclusive,
    do not count, so the deadline moves by that many calendar days (overlapping suspensions count
    once). The raw end ``received + base_days + extension + suspended days`` is computed first and
    shifted to a working day only once, at the end — shifting an intermediate date would add days
    the law does not give. Returns None while a suspension is open (``end`` is None): the clock is
    stopped, so there is no deadline to show.
    """
    if not 0 <= extension_days <= MAX_EXTENSION_DAYS:
        raise ValueError("Lhůtu lze prodloužit nejvýše o 30 dní.")
    if expert_days < 0:
        raise ValueError("Doba zpracování znaleckého posudku nemůže být záporná.")
    stopped = suspended_days(suspensions)
    if stopped is None:
        return None
    return add_days(received, base_days + extension_days + expert_days + stopped)


def remedy_deadline(
    delivered: datetime.date, *, days: int | None = None, months: int | None = None
) -> datetime.date:
    """Last day to remedy deficiencies after a výzva (§ 45 odst. 2), counted from its delivery.

    The officer sets it in days or in months; without either the default is
    ``OSV_REMEDY_DEFAULT_DAYS`` (30) days.
    """
    if days is not None and months is not None:
        raise ValueError("Lhůtu k odstranění nedostatků zadejte buď ve dnech, nebo v měsících.")
    if months is not None:
        return add_months(delivered, months)
    if days is None:
        days = int(_setting("OSV_REMEDY_DEFAULT_DAYS"))
    return add_days(delivered, days)


def delivery_fiction_date(ready: datetime.date, *, shift: bool | None = None) -> datetime.date:
    """Day an uncollected document counts as delivered (§ 24 odst. 1; zákon 300/2008 § 17 odst. 4).

    The 10th day after the document was ready for collection (data box: reached the box). Whether
    a 10th day on a weekend / holiday moves to the next working day is a legal judgement the office
    makes: setting ``OSV_DELIVERY_FICTION_SHIFT`` (default True, following recent case law).
    """
    if shift is None:
        shift = bool(_setting("OSV_DELIVERY_FICTION_SHIFT"))
    return add_days(ready, 10, shift=shift)


def last_day_after_delivery(issued: datetime.date, days: int) -> datetime.date:
    """A concrete last day to print in a notice (§ 36 odst. 3 comments, proposals after an
    opening notice): ``days`` days after the latest possible delivery of a document issued on
    ``issued`` (delivery by fiction on the 10th day), so the party never gets less."""
    return add_days(delivery_fiction_date(issued), days)


def appeal_deadline(delivered: datetime.date, *, days: int = 15) -> datetime.date:
    """Last day to appeal (§ 83 odst. 1): 15 days from delivery of the decision, shifted."""
    return add_days(delivered, days)


def appeal_deadline_without_instruction(delivered: datetime.date) -> datetime.date:
    """Outer limit to appeal when the poučení was missing or wrong (§ 83 odst. 2): 90 days from
    notification of the decision (the 15 days from a corrected poučení end earlier or not at all)."""
    return add_days(delivered, 90)


def appeal_is_timely(delivered: datetime.date, received: datetime.date, *,
                     instruction_defective: bool = False) -> bool:
    """Was the appeal lodged in time (§ 83 odst. 1, 2)? Received on the last day is in time."""
    last = appeal_deadline_without_instruction(delivered) if instruction_defective else appeal_deadline(delivered)
    return as_date(received) <= last


def finality_date(
    delivered: datetime.date, *, waived_on: datetime.date | None = None
) -> datetime.date:
    """Day the decision becomes final if no appeal is lodged (a proposal: the officer confirms it).

    The day after the appeal deadline, or the day the last party waived its appeal when that is
    earlier. An appeal posted on the last day is on time, so this date is only ever suggested.
    """
    natural = appeal_deadline(delivered) + _ONE_DAY
    if waived_on is None:
        return natural
    waived_on = as_date(waived_on)
    if waived_on < as_date(delivered):
        raise ValueError("Odvolání se lze vzdát až po oznámení rozhodnutí.")
    return min(waived_on, natural)


def change_notice_deadline(
    change_date: datetime.date, *, rule: str | None = None, shift: bool | None = None
) -> datetime.date:
    """Last day for the provider's notice of changes (zákon 108/2006 Sb., § 82 odst. 1).

    Rule ``"next_month_15"`` (current wording, default): the 15th day of the calendar month after
    the month of the change. Rule ``"days_15"`` (2011 wording): 15 days from the change. Both come
    from settings (``OSV_CHANGE_NOTICE_RULE``, ``OSV_CHANGE_NOTICE_SHIFT``) because the office's
    lawyers decide them; moving a weekend / holiday last day is on by default.
    """
    if rule is None:
        rule = str(_setting("OSV_CHANGE_NOTICE_RULE"))
    if shift is None:
        shift = bool(_setting("OSV_CHANGE_NOTICE_SHIFT"))
    change_date = as_date(change_date)
    if rule == "next_month_15":
        first_of_next = _same_day_months_later(change_date.replace(day=1), 1)
        end = first_of_next.replace(day=15)
        return shift_to_working_day(end) if shift else end
    if rule == "days_15":
        return add_days(change_date, 15, shift=shift)
    raise ValueError(f"Neznámé pravidlo lhůty pro oznámení změn: {rule!r}.")


def is_change_notice_late(
    change_date: datetime.date, received: datetime.date, **kw: Any
) -> bool:
    """True when the notice arrived after its deadline: it is flagged as late, never rejected."""
    return as_date(received) > change_notice_deadline(change_date, **kw)


# --------------------------------------------------------------------------- Agenda B


@dataclass(frozen=True)
class OpinionDeadlines:
    """Deadlines of one opinion (Vyjádření) request.

    ``case_deadline``: approval/issue due; ``draft_deadline``: the drafter's draft due;
    ``too_late``: the request arrived after the call-based deadline (accepted, but flagged).
    """

    case_deadline: datetime.date
    draft_deadline: datetime.date
    too_late: bool


def opinion_deadlines(
    received: datetime.date,
    call_deadline: datetime.date | None,
    *,
    buffer_working_days: int | None = None,
    draft_working_days: int | None = None,
) -> OpinionDeadlines:
    """Deadlines of an opinion: 30 days from the request, but before the call closes.

    The case deadline is the earlier of ``received + 30 days`` and the call's submission deadline
    minus a buffer of working days (``OSV_OPINION_CALL_BUFFER_WORKING_DAYS``, default 5) that
    leaves the applicant time to attach the opinion. The draft is due a number of working days
    earlier (``OSV_OPINION_DRAFT_WORKING_DAYS``, default 3) so the head has time to approve, but
    never before the request was received — and never after the case deadline: the draft of an
    opinion is never due after the opinion itself. ``too_late`` is True when the call-based
    deadline lies before ``received``; the case deadline then stays that (already past) date so
    the case shows as overdue, and the draft is due on it too. Without a call deadline only the
    30 days apply.
    """
    received = as_date(received)
    if buffer_working_days is None:
        buffer_working_days = int(_setting("OSV_OPINION_CALL_BUFFER_WORKING_DAYS"))
    if draft_working_days is None:
        draft_working_days = int(_setting("OSV_OPINION_DRAFT_WORKING_DAYS"))
    case_deadline = add_days(received, 30)
    too_late = False
    if call_deadline is not None:
        call_based = add_working_days(call_deadline, -buffer_working_days)
        too_late = call_based < received
        case_deadline = min(case_deadline, call_based)
    draft_deadline = min(max(add_working_days(case_deadline, -draft_working_days), received), case_deadline)
    return OpinionDeadlines(
        case_deadline=case_deadline, draft_deadline=draft_deadline, too_late=too_late
    )


# --------------------------------------------------------------------------- reminders


def reminder_dates(
    deadline: datetime.date, *, before_working_days: Sequence[int] | None = None
) -> list[tuple[str, datetime.date]]:
    """Days the assignee is reminded of a deadline, as (kind, date) in date order.

    Kinds ``"before_<n>"`` fall ``n`` working days before the deadline (default 5 and 1, setting
    ``OSV_REMINDER_WORKING_DAYS``); ``"missed"`` is the calendar day after the deadline. The kind
    is the idempotency key: a reminder is sent at most once per task and kind.
    """
    deadline = as_date(deadline)
    if before_working_days is None:
        before_working_days = tuple(_setting("OSV_REMINDER_WORKING_DAYS"))
    result = [
        (f"before_{n}", add_working_days(deadline, -n))
        for n in sorted(set(before_working_days), reverse=True)
    ]
    result.append(("missed", deadline + _ONE_DAY))
    return result
