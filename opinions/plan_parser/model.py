"""What the plan parser returns: parsed plan, items, problems (plain dataclasses)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

FORMAT_CARDS = "cards"
FORMAT_WORKPLAN = "workplan"

UNKNOWN_FORMAT_MESSAGE = (
    "Soubor není v žádném ze známých formátů plánu (karty rozvojových aktivit, plán práce)."
)

# Problem severities.
ERROR = "error"  # an item (or its key) could not be read
WARNING = "warning"  # a value could not be mapped (unknown service name, target group…)
NOTE = "note"  # read, but worth telling (other § of the law, folded sub-activity…)


class PlanFormatError(ValueError):
    """The text is in none of the known plan formats (message in Czech)."""


# --------------------------------------------------------------------------- output model


@dataclass
class Problem:
    """Something the parser could not read (or wants the importing official to know)."""

    line_no: int | None
    item_number: str | None
    message_cs: str
    severity: str = WARNING


@dataclass
class ParsedItem:
    """One priority / measure / activity / strategic goal of a plan.

    ``service_paragraphs`` are direct mentions (``"39"``, ``"60a"``), ``inherited_paragraphs``
    come from the parent priority/measure (format 2) and weigh less when matching.
    ``all_services`` — the item concerns all service types ("dopad na všechny druhy…");
    ``not_relevant`` — the service-type field says "nerelevantní";
    ``all_target_groups`` / ``target_groups_not_relevant`` likewise for target groups.
    ``raw`` keeps the fields as found in the document (label → text).
    """

    kind: str  # "priority" | "measure" | "activity" | "goal"
    number: str
    name: str
    parent_number: str | None = None
    description: str = ""
    goals: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    service_paragraphs: list[str] = field(default_factory=list)
    inherited_paragraphs: list[str] = field(default_factory=list)
    inherited_target_groups: list[str] = field(default_factory=list)
    all_services: bool = False
    all_target_groups: bool = False
    not_relevant: bool = False
    target_groups_not_relevant: bool = False
    period_text: str = ""
    responsible: str = ""
    financing: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    line_no: int | None = None


@dataclass
class ParsedPlan:
    format: str  # "cards" | "workplan"
    title: str
    region_hint: str
    valid_from_year: int | None
    valid_to_year: int | None
    items: list[ParsedItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def items_of(self, kind: str) -> list[ParsedItem]:
        return [item for item in self.items if item.kind == kind]

    @property
    def activities(self) -> list[ParsedItem]:
        return self.items_of("activity")

    def item(self, number: str, kind: str | None = None) -> ParsedItem:
        for item in self.items:
            if item.number == number and (kind is None or item.kind == kind):
                return item
        raise KeyError(number)

    def counts(self) -> dict[str, int]:
        return dict(Counter(item.kind for item in self.items))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def problem_order(problem: Problem) -> int:
    """Problems in document order; those without a line last."""
    return problem.line_no if problem.line_no is not None else 10**9
