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
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Case, Document, NumberSequence
from .region import get_region


class NumberingError(ValidationError):
    pass


def _next_value(scope: str) -> int:
    with transaction.atomic():
        updated = NumberSequence.objects.filter(scope=scope).update(last_value=F("last_value") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    NumberSequence.objects.create(scope=scope, last_value=1)
                    return 1
            except IntegrityError:  # created concurrently: fall through to increment
                NumberSequence.objects.filter(scope=scope).update(last_value=F("last_value") + 1)
        return NumberSequence.objects.values_list("last_value", flat=True).get(scope=scope)


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
