"""Services for the shared Case: open it, keep its parties; every write goes to history."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext

from . import transactions
from .history import record_event
from .models import Case, CaseEvent, CaseParty
from .numbering import next_file_mark


@transactions.atomic
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
        # the series is the year the case is entered in the evidence (today), never the day the
        # filing says it was received: a notice "received" on 1. 1. 2020 does not open a 2020 series
        file_mark=next_file_mark(year=timezone.localdate().year, manual=file_mark),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    for party in parties or []:
        CaseParty.objects.create(case=case, **party)
    record_event(
        case=case,
        actor=actor,
        action=CaseEvent.Action.OPENED,
        summary=gettext('Založen případ {file_mark}: {get_kind_display} – {title}').format(file_mark=case.file_mark, get_kind_display=case.get_kind_display(), title=title),
        after={"kind": kind, "file_mark": case.file_mark, "received_on": received_on, "deadline": deadline},
    )
    return case
