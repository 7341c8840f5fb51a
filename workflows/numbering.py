"""The one module that numbers documents (č. j.) and cases (spisová značka).

Local sequences by default: a counter row per scope and year, incremented inside the
caller's transaction. The row is locked by the UPDATE until commit, so concurrent
requests queue up (no duplicates), and a rolled-back caller gives its number back (no
gaps). ``OSV_NUMBERING_BACKEND=manual`` takes numbers from the office's records system
(typed in or received), validated for uniqueness.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import Case, Document, NumberSequence
from .region import get_region


class NumberingError(ValidationError):
    pass


def _increment(scope: str) -> int | None:
    """Add one to the scope's counter and return the new value (None: no counter yet).

    One ``UPDATE … RETURNING`` (PostgreSQL, SQLite ≥ 3.35): the row stays locked by the
    update until the caller's transaction ends."""
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    last_value = connection.ops.quote_name(NumberSequence._meta.get_field("last_value").column)
    scope_col = connection.ops.quote_name(NumberSequence._meta.get_field("scope").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last_value} = {last_value} + 1 WHERE {scope_col} = %s RETURNING {last_value}",
            [scope],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _next_value(scope: str) -> int:
    # no savepoint of its own: the increment is one statement; outside a transaction this
    # still opens one (BEGIN … COMMIT), inside the caller's it rolls back with the caller
    with transaction.atomic(savepoint=False):
        value = _increment(scope)
        if value is not None:
            return value
        try:
            with transaction.atomic():
                NumberSequence.objects.create(scope=scope, last_value=1)
                return 1
        except IntegrityError:  # created concurrently: increment that row
            return _increment(scope)


def _format(pattern: str, seq: int, year: int) -> str:
    return pattern.format(region=get_region().code, seq=seq, year=year)


class LocalNumbering:
    def reference_number(self, *, year: int | None = None, manual: str | None = None) -> str:
        year = year or timezone.localdate().year
        return _format(settings.OSV_REFERENCE_PATTERN, _next_value(f"cj/{get_region().code}/{year}"), year)

    def file_mark(self, *, year: int | None = None, manual: str | None = None) -> str:
        year = year or timezone.localdate().year
        return _format(settings.OSV_FILE_MARK_PATTERN, _next_value(f"sz/{get_region().code}/{year}"), year)


class ManualNumbering:
    """Numbers entered from the office's records system (spisová služba)."""

    def reference_number(self, *, year: int | None = None, manual: str | None = None) -> str:
        manual = (manual or "").strip()
        if not manual:
            raise NumberingError("Zadejte číslo jednací ze spisové služby.")
        if Document.objects.filter(reference_number=manual).exists():
            raise NumberingError(f"Číslo jednací {manual} už je použito.")
        return manual

    def file_mark(self, *, year: int | None = None, manual: str | None = None) -> str:
        manual = (manual or "").strip()
        if not manual:
            raise NumberingError("Zadejte spisovou značku ze spisové služby.")
        if Case.objects.filter(file_mark=manual).exists():
            raise NumberingError(f"Spisová značka {manual} už je použita.")
        return manual


BACKENDS = {"local": LocalNumbering, "manual": ManualNumbering}


def get_numbering():
    return BACKENDS[settings.OSV_NUMBERING_BACKEND]()


def next_reference_number(*, year: int | None = None, manual: str | None = None) -> str:
    """Issue the next č. j. (inside the caller's transaction)."""
    return get_numbering().reference_number(year=year, manual=manual)


def next_file_mark(*, year: int | None = None, manual: str | None = None) -> str:
    """Issue the next spisová značka (inside the caller's transaction)."""
    return get_numbering().file_mark(year=year, manual=manual)
