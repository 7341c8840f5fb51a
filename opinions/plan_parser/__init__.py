"""Pure parser of regional plan documents (SPRSS activity cards, plans of work).

No Django, no database: text in, dataclasses out.  The importer (management command,
services) turns a :class:`ParsedPlan` into rows; this module only reads.

Two formats are known (see ``shared/design/plan-formats.md``):

* **cards** ("KARTA ROZVOJOVÉ AKTIVITY", ``Číslo aktivity: A01-01``) — one card per activity,
  tab-separated label/value fields, strategic goals ``SC1``… linked many-to-many;
* **workplan** ("Plán práce": ``Priorita N.`` → ``Opatření N.M`` → ``Aktivita N.M.K``) — service
  types and target groups are named in prose; names given at priority (or measure) level are
  inherited by the activities below, marked as inherited.

Everything that is not read is reported as a :class:`Problem` (Czech message) — never skipped
silently.  Public API::

    parse_plan(text, *, catalogue=None, data_dir=None) -> ParsedPlan
    parse_plan_file(path, **kw) -> ParsedPlan
    detect_format(text) -> "cards" | "workplan"      (raises PlanFormatError)
    load_catalogue(data_dir=None) -> Catalogue
    PlanFormatError, ParsedPlan, ParsedItem, Problem, Catalogue, ServiceType, TargetGroup

Modules: :mod:`.model` (output dataclasses), :mod:`.catalogue` (service types, target groups,
name mapping), :mod:`.text` (matching helpers), :mod:`.cards` and :mod:`.workplan` (the two
formats); this module detects the format and dispatches.
"""

from __future__ import annotations

import re
from pathlib import Path

from .cards import CardsParser
from .catalogue import DEFAULT_DATA_DIR, Catalogue, ServiceType, TargetGroup, default_catalogue, load_catalogue
from .model import (
    FORMAT_CARDS,
    FORMAT_WORKPLAN,
    UNKNOWN_FORMAT_MESSAGE,
    ParsedItem,
    ParsedPlan,
    PlanFormatError,
    Problem,
)
from .text import normalize, strip_accents
from .workplan import WorkplanParser

__all__ = [
    "FORMAT_CARDS",
    "FORMAT_WORKPLAN",
    "Catalogue",
    "ParsedItem",
    "ParsedPlan",
    "PlanFormatError",
    "Problem",
    "ServiceType",
    "TargetGroup",
    "DEFAULT_DATA_DIR",
    "detect_format",
    "load_catalogue",
    "normalize",
    "parse_plan",
    "parse_plan_file",
]


_WORKPLAN_MARK = re.compile(r"^\s*(priorita\s+\d+\.\s|aktivita\s+\d+\.\d+\.\d+\b)", re.M | re.I)


def _fold_lines(text: str) -> str:
    return "\n".join(strip_accents(line).lower() for line in text.split("\n"))


def detect_format(text: str) -> str:
    folded = _fold_lines(text)
    cards = len(re.findall(r"^\s*c\S{0,2}slo aktivity\s*:", folded, re.M))
    has_card_header = "karta rozvojove aktivity" in folded
    workplan = len(_WORKPLAN_MARK.findall(text))
    if (cards or has_card_header) and cards >= workplan:
        return FORMAT_CARDS
    if workplan:
        return FORMAT_WORKPLAN
    if has_card_header:
        return FORMAT_CARDS
    raise PlanFormatError(UNKNOWN_FORMAT_MESSAGE)


def _prepare(text: str) -> list[str]:
    if isinstance(text, bytes):  # be kind to callers that read bytes
        text = text.decode("utf-8-sig")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def parse_plan(
    text: str,
    *,
    catalogue: Catalogue | None = None,
    data_dir: str | Path | None = None,
) -> ParsedPlan:
    """Parse a plan document's text, detecting its format.

    ``catalogue`` (or ``data_dir`` holding ``service-types.csv`` and ``target-groups.csv``)
    overrides the default catalogues in ``workflows/data``.
    Raises :class:`PlanFormatError` for text in neither format.
    """
    if not isinstance(text, (str, bytes)) or not str(text).strip():
        raise PlanFormatError(UNKNOWN_FORMAT_MESSAGE)
    lines = _prepare(text)
    joined = "\n".join(lines)
    fmt = detect_format(joined)
    cat = catalogue or default_catalogue(data_dir)
    if fmt == FORMAT_CARDS:
        return CardsParser(lines, cat).parse()
    return WorkplanParser(lines, cat).parse()


def parse_plan_file(path: str | Path, **kwargs) -> ParsedPlan:
    """Read a plan text file (UTF-8, falling back to Windows-1250) and parse it."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1250")
    return parse_plan(text, **kwargs)
