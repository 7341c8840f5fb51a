"""The one module that writes case history (who, when, what, before → after)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext

from . import agendas
from .formats import czech_date
from .models import Case, CaseEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    return value


def record_event(
    *,
    case: Case,
    action: str,
    summary: str,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    document=None,
    task=None,
) -> CaseEvent:
    """Append one entry to the case history. Call inside the transaction of the change.

    ``action`` must be a declared action (``CaseEvent.Action`` or an agenda's enum)."""
    if action not in {value for value, _label in agendas.event_action_choices()}:
        raise ValueError(f"Unknown case history action {action!r}: declare it in its agenda's event enum")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return CaseEvent.objects.create(
        case=case,
        action=action,
        summary=summary[:500],
        actor=actor,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        document=document,
        task_id=getattr(task, "pk", task),
    )


def set_case_state(*, case: Case, state: str, detail: str = "", actor=None, summary: str = "", task=None) -> None:
    """Change the case state and log before → after in one place."""
    before = {"state": case.state, "detail": case.state_detail}
    case.state = state
    case.state_detail = detail
    update_fields = ["state", "state_detail", "updated_at"]
    if state in (Case.State.CLOSED, Case.State.CANCELED) and case.closed_at is None:
        from django.utils import timezone

        case.closed_at = timezone.now()
        update_fields.append("closed_at")
    case.save(update_fields=update_fields)
    record_event(
        case=case,
        action=CaseEvent.Action.STATE,
        summary=summary or f"Stav: {case.get_state_display()}" + (f" – {detail}" if detail else ""),
        actor=actor,
        before=before,
        after={"state": state, "detail": detail},
        task=task,
    )


def set_case_deadline(*, case: Case, deadline, actor=None, reason: str = "", task=None) -> None:
    """Move the case's current deadline (what inboxes sort by) and log it."""
    if case.deadline == deadline:
        return
    before = {"deadline": case.deadline}
    case.deadline = deadline
    case.save(update_fields=["deadline", "updated_at"])
    label = czech_date(deadline) if deadline else "bez lhůty"
    record_event(
        case=case,
        action=CaseEvent.Action.DEADLINE,
        summary=gettext('Lhůta: {label}').format(label=label) + (f" ({reason})" if reason else ""),
        actor=actor,
        before=before,
        after={"deadline": deadline},
        task=task,
    )
