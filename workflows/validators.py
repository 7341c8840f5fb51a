"""Checks shared by both agendas."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from stdnum.cz import dic as cz_dic


def clean_ico(value: str | None) -> str:
    """IČO without spaces: 8 digits with the mod-11 check digit (python-stdnum's 8-digit
    ``cz.dic`` form). Empty input gives ''; whether an IČO is required is the caller's rule."""
    ico = re.sub(r"\s+", "", value or "")
    if not ico:
        return ""
    if not re.fullmatch(r"\d{8}", ico):
        raise ValidationError(gettext('IČO „{ico}“ musí mít přesně 8 číslic.').format(ico=ico))
    if not cz_dic.is_valid(ico):
        raise ValidationError(gettext('IČO „{ico}“ nemá platnou kontrolní číslici.').format(ico=ico))
    return ico


def field_error(message: str, field: str | None = None) -> ValidationError:
    """A Czech validation error, on a form field when ``field`` names one (raise it)."""
    if field:
        return ValidationError({field: message})
    return ValidationError(message)
