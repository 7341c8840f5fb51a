"""The form widgets every agenda uses, so that a date or a multi-select looks and behaves the
same on every form.

* :class:`CzechDateField` + :class:`CzechDateInput` — one date input: typed ``24. 11. 2026``
  (``24.11.2026`` and ISO ``2026-11-24`` are accepted too), with a calendar picker added by
  ``osv/js/osv.js`` (a native ``<input type="date">`` companion, so it works offline and without
  inline script); an impossible date (``31. 2. 2026``) gets a Czech error that says why.
* :class:`SearchableSelectMultiple` — a ``<select multiple>`` that ``osv.js`` turns into a
  checkbox list with a filter box (without JavaScript it stays an ordinary list).
"""

from __future__ import annotations

import calendar
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from .deadlines import as_date
from .input_rules import validate_not_future, validate_sane_date

MONTHS = (gettext_lazy("leden"), gettext_lazy("únor"), gettext_lazy("březen"), gettext_lazy("duben"),
          gettext_lazy("květen"), gettext_lazy("červen"), gettext_lazy("červenec"), gettext_lazy("srpen"),
          gettext_lazy("září"), gettext_lazy("říjen"), gettext_lazy("listopad"), gettext_lazy("prosinec"))

_CZECH = re.compile(r"^(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def format_czech(value) -> str:
    """``24. 11. 2026`` (how the field shows a date it was given)."""
    if isinstance(value, datetime.date):
        return f"{value.day}. {value.month}. {value.year}"
    return "" if value is None else str(value)


def parse_czech_date(text: str) -> datetime.date:
    """``24. 11. 2026``, ``24.11.2026`` or ``2026-11-24`` → a date; a Czech ValidationError otherwise."""
    text = " ".join(str(text).replace("\u00a0", " ").split())
    match = _CZECH.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise ValidationError(gettext("Zadejte datum ve tvaru 24. 11. 2026 (den. měsíc. rok)."), code="invalid")
        year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise ValidationError(gettext("Měsíc {month} neexistuje – zadejte číslo měsíce 1 až 12.").format(month=month),
                              code="invalid_date")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValidationError(
            gettext("Datum {day}. {month}. {year} neexistuje – {name} {year} má jen {last} dní.").format(
                day=day, month=month, year=year, name=MONTHS[month - 1], last=last),
            code="invalid_date")
    return datetime.date(year, month, day)


class CzechDateInput(forms.TextInput):
    """The one date input: a text box for ``24. 11. 2026``; ``osv.js`` adds the calendar."""

    def __init__(self, attrs=None):
        base = {"data-osv-date": "", "placeholder": gettext_lazy("např. 24. 11. 2026"), "autocomplete": "off",
                "size": "12", "class": "date-input", "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        return format_czech(value) or None


class CzechDateField(forms.DateField):
    """A date typed the Czech way; the window 2000–2100, a received day not in the future."""

    widget = CzechDateInput

    def __init__(self, *, received: bool = False, **kwargs):
        kwargs.setdefault("validators", [validate_not_future if received else validate_sane_date])
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return as_date(value)  # a datetime: the office's day
        return parse_czech_date(value)


def date_field(label, required: bool = True, help_text="", received: bool = False, **kwargs) -> CzechDateField:
    """Shorthand the agendas' forms use: ``date_field(_("doručeno dne"), received=True)``."""
    return CzechDateField(label=label, required=required, help_text=help_text, received=received, **kwargs)


class SearchableSelectMultiple(forms.SelectMultiple):
    """A multi-select people can search: ``osv.js`` shows a filter box and a checkbox per option
    (keyboard: Tab to the filter, type, Tab/arrows to the boxes, Space ticks)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-osv-multiselect": "", "size": "8", **(attrs or {})}, choices)
