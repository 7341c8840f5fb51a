"""Substring search that reads a trigram index by the term's selective part.

``icontains`` on PostgreSQL is ``UPPER(col::text) LIKE UPPER('%term%')`` and a trigram GIN index
(migration 0012) serves it by intersecting the posting lists of *every* trigram of the term. A
file mark or a č. j. shares most of its trigrams with every other one ("SZ ", "BEN", "/SV" …):
at a million cases the index read ~600 pages for ``SZ BENCH/1234/SV`` to find ten candidates.
The number in it is what tells the cases apart, so :func:`narrow` rewrites
``col__icontains=term`` into

    ``col__icontains=<the term's longest run of digits>`` (the index condition, a few short
    posting lists) **and** ``col__osv_substring=term`` (the same test as ``icontains``, which no
    index serves, so the planner checks it on the few candidates only).

The rows are the same: the digit run is a part of the term, so every row that contains the term
contains the run; the second condition is the original test. :class:`Substring` is
``strpos(UPPER(col), UPPER(term)) > 0`` on PostgreSQL (what ``UPPER(col) LIKE UPPER('%term%')``
means once ``%``, ``_`` and ``\\`` are escaped, as Django escapes them) and
``instr(UPPER(col), UPPER(term)) > 0`` on SQLite (whose ``LIKE`` and ``UPPER`` both fold ASCII
only, so both agree there too).
"""

from __future__ import annotations

import re

from django.db.models import CharField, Lookup, Q, TextField

SUFFIX = "__icontains"

_DIGIT_RUN = re.compile(r"[0-9]{3,}")  # 3+: a shorter pattern has no trigram of its own


class Substring(Lookup):
    """``icontains`` as a function test (no index reads it): the check after the index."""

    lookup_name = "osv_substring"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        function = "strpos" if connection.vendor == "postgresql" else "instr"
        return f"{function}(UPPER({lhs}), UPPER({rhs})) > 0", (*lhs_params, *rhs_params)


def register() -> None:
    """Register the lookup (``WorkflowsConfig.ready``)."""
    CharField.register_lookup(Substring)
    TextField.register_lookup(Substring)


def selective_part(term: str) -> str | None:
    """The part of ``term`` the index should look up: its longest run of 3+ digits (the first
    of equal ones; a year 19xx/20xx only when nothing else is there), or ``None`` when the term
    has none or is nothing else (then the whole term is the index condition, as before)."""
    runs = _DIGIT_RUN.findall(term)
    if not runs:
        return None
    not_years = [r for r in runs if not (len(r) == 4 and r[:2] in ("19", "20"))] or runs
    part = max(not_years, key=len)
    return None if part == term else part


def narrow(q: Q, term: str) -> Q:
    """``q`` with every ``<path>__icontains=term`` rewritten as described above (same rows)."""
    part = selective_part(term)
    if part is None:
        return q
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(narrow(child, term))
        elif child[0].endswith(SUFFIX) and child[1] == term:
            path = child[0][: -len(SUFFIX)]
            out.children.append(Q(**{child[0]: part}) & Q(**{f"{path}__{Substring.lookup_name}": term}))
        else:
            out.children.append(child)
    return out
