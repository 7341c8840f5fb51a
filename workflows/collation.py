"""Czech ordering of names: "ch" after "h", č after c, ř after r, š after s, ž after z.

PostgreSQL uses the ICU collation ``cs-x-icu``; SQLite gets a Python collation function
(``czech``) registered on every connection. Lists order by ``czech_order("field")``.
"""

from __future__ import annotations

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate

PG_COLLATION = "cs-x-icu"
SQLITE_COLLATION = "czech"

# primary letters of the Czech alphabet; letters with ´ or ° or ď ť ň differ only secondarily
_ALPHABET = [
    "a", "b", "c", "č", "d", "e", "f", "g", "h", "ch", "i", "j", "k", "l", "m", "n", "o", "p",
    "q", "r", "ř", "s", "š", "t", "u", "v", "w", "x", "y", "z", "ž",
]
_PRIMARY = {letter: index + 10 for index, letter in enumerate(_ALPHABET)}
# secondary-only variants: base letter and an accent rank
_SECONDARY = {
    "á": ("a", 1), "ä": ("a", 2), "ď": ("d", 1), "é": ("e", 1), "ě": ("e", 2), "í": ("i", 1),
    "ň": ("n", 1), "ó": ("o", 1), "ö": ("o", 2), "ť": ("t", 1), "ú": ("u", 1), "ů": ("u", 2),
    "ü": ("u", 3), "ý": ("y", 1),
}


def czech_sort_key(value: str | None) -> tuple:
    """A sort key: primary letters (ch as one letter), then accents, then case."""
    if value is None:
        return ((), (), ())
    text = unicodedata.normalize("NFC", value)
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        low = ch.lower()
        upper = 1 if ch != low else 0
        if low == "c" and i + 1 < len(text) and text[i + 1].lower() == "h":
            primary.append(_PRIMARY["ch"])
            secondary.append(0)
            tertiary.append(upper)
            i += 2
            continue
        if low in _PRIMARY:
            primary.append(_PRIMARY[low])
            secondary.append(0)
        elif low in _SECONDARY:
            base, rank = _SECONDARY[low]
            primary.append(_PRIMARY[base])
            secondary.append(rank)
        elif low.isdigit():
            primary.append(int(low))  # digits before letters
            secondary.append(0)
        elif low.isspace() or low in ",.-–/()\"'„“":
            primary.append(1)  # separators first: "Nový Dům" before "Novýdům"
            secondary.append(0)
        else:
            primary.append(1000 + ord(low))
            secondary.append(0)
        tertiary.append(upper)
        i += 1
    return (tuple(primary), tuple(secondary), tuple(tertiary))


def czech_compare(a: str | None, b: str | None) -> int:
    ka, kb = czech_sort_key(a), czech_sort_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(raw_connection) -> None:
    raw_connection.create_collation(SQLITE_COLLATION, czech_compare)


def _on_connection_created(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        register_sqlite_collation(connection.connection)


connection_created.connect(_on_connection_created, dispatch_uid="osv_czech_collation")


class CzechCollate(Collate):
    """``Collate`` choosing the Czech collation of the database it is compiled for."""

    def __init__(self, expression):
        if isinstance(expression, str):
            expression = F(expression)
        super().__init__(expression, PG_COLLATION)

    def as_sqlite(self, compiler, connection, **extra_context):
        # connections opened before this module was imported miss the signal: register now
        connection.ensure_connection()
        raw = connection.connection
        if not getattr(raw, "_osv_czech", False):
            register_sqlite_collation(raw)
            try:
                raw._osv_czech = True
            except AttributeError:  # sqlite3.Connection has no __dict__; registering twice is harmless
                pass
        clone = self.copy()
        clone.collation = SQLITE_COLLATION
        return Collate.as_sql(clone, compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return Collate.as_sql(self, compiler, connection, **extra_context)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor == "sqlite":
            return self.as_sqlite(compiler, connection, **extra_context)
        if connection.vendor == "postgresql":
            return self.as_postgresql(compiler, connection, **extra_context)
        return compiler.compile(self.get_source_expressions()[0])


def czech_order(field: str, *, descending: bool = False):
    """Order expression for a text field in Czech alphabetical order."""
    expression = CzechCollate(field)
    return expression.desc() if descending else expression.asc()
