"""Rules every input obeys, in one place: no control characters, names with letters, dates
in a sane window, values cut to the column they are stored in. Czech messages."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

# C0 controls and DEL; tab, line feed and carriage return are allowed in multi-line text only
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_IN_LINE_RE = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_MESSAGE = "Text obsahuje neplatné řídicí znaky (např. nulový bajt); odstraňte je prosím."
# bidi overrides and isolates reorder what is shown: never in a name or an identifier
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def has_control_characters(value: str, *, multiline: bool = True) -> bool:
    return bool((CONTROL_RE if multiline else CONTROL_IN_LINE_RE).search(value))


def validate_no_control_characters(value) -> None:
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def visible_text(value: str) -> str:
    """The text without format characters (zero-width spaces, joiners, bidi marks)."""
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cf")


def validate_name(value) -> None:
    """A person's or organisation's name: some letters, no bidi tricks."""
    if not isinstance(value, str):
        return
    validate_no_control_characters(value)
    if BIDI_CONTROLS & set(value):
        raise ValidationError("Název obsahuje znaky, které mění směr textu; odstraňte je prosím.", code="bidi")
    if not any(unicodedata.category(ch).startswith("L") for ch in visible_text(value)):
        raise ValidationError("Název musí obsahovat písmena.", code="no_letters")


def validate_sane_date(value) -> None:
    if isinstance(value, date) and not (EARLIEST_DATE <= value <= LATEST_DATE):
        raise ValidationError(f"Datum musí být mezi 1. 1. {EARLIEST_DATE.year} a 31. 12. {LATEST_DATE.year}.",
                              code="date_window")


def validate_not_future(value) -> None:
    validate_sane_date(value)
    if isinstance(value, date) and value > timezone.localdate():
        raise ValidationError("Datum doručení nemůže být v budoucnosti.", code="future")


def column_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def fit(model, field: str, value: str) -> str:
    """A derived value cut to its column (with an ellipsis), e.g. a case title built from a
    400-character project title into Case.title (300)."""
    limit = column_length(model, field)
    value = value or ""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
