"""The one Czech date format: Django's formats of the Czech locale (config/formats/cs), 24. 11. 2026."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format


def czech_date(value: datetime.date | None) -> str:
    """``24. 11. 2026``; empty for no date. A datetime is shown in local time with its time."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "SHORT_DATETIME_FORMAT")
    return date_format(value, "SHORT_DATE_FORMAT")


def user_label(user) -> str:
    """How a person is named to users and in documents: full name, else the login."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def czech_count(n: int, one: str, few: str, many: str) -> str:
    """``czech_count(3, "položka", "položky", "položek")`` → "3 položky" (Czech plural forms:
    1 / 2–4 / 0 and 5+; the Czech gettext catalogue's nplurals=3 rule)."""
    n = int(n or 0)
    return f"{n} {one if n == 1 else few if 2 <= n <= 4 else many}"
