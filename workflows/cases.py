"""Services for the shared Case: open it, keep its parties; every write goes to history."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from .history import record_event
from .models import Case, CaseEvent, CaseParty
from .numbering import next_file_mark


@transaction.atomic
def case_open(
    *,
    kind: str,
    title: str,
    actor=None,
    applicant_name: str = "",
    ico: str = "",
    received_on: date | None = None,
    deadline: date | None = None,
    parties: list[dict] | None = None,
    file_mark: str | None = None,
) -> Case:
    """Open a case with its spisová značka (issued by the numbering service)."""
    from .input_rules import fit

    received_on = received_on or timezone.localdate()
    title, applicant_name = fit(Case, "title", title), fit(Case, "applicant_name", applicant_name)
    case = Case.objects.create(
        kind=kind,
        title=title,
        applicant_name=applicant_name,
        ico=ico or "",
        received_on=received_on,
        deadline=deadline,
        file_mark=next_file_mark(year=received_on.year, manual=file_mark),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for party in parties or []:
        CaseParty.objects.create(case=case, **party)
    record_event(
        case=case,
        actor=actor,
        action=CaseEvent.Action.OPENED,
        summary=f"Založen případ {case.file_mark}: {case.get_kind_display()} – {title}",
        after={"kind": kind, "file_mark": case.file_mark, "received_on": received_on, "deadline": deadline},
    )
    return case
