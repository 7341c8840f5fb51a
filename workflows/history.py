"""The one module that writes case history (who, when, what, before → after)."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone
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


#: the rows of an open :func:`batch` (None: every row is inserted at once)
_BATCH: contextvars.ContextVar[list | None] = contextvars.ContextVar("osv_history_batch", default=None)


@contextmanager
def batch():
    """History rows recorded inside are inserted together when the block ends (one
    ``INSERT`` instead of one each), in the order they were recorded. For the write phase of
    one service — the rows are not readable before the block ends, so nothing inside may
    read the history it is writing, and nothing inside may catch an error of a savepoint it
    rolls back. When the block raises, nothing is inserted (the transaction rolls back)."""
    if _BATCH.get() is not None:  # already batching: the outer block inserts
        yield
        return
    rows: list[CaseEvent] = []
    token = _BATCH.set(rows)
    try:
        yield
    finally:
        _BATCH.reset(token)
    if rows:
        CaseEvent.objects.bulk_create(rows)


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
    event = CaseEvent(
        case=case,
        action=action,
        summary=summary[:500],
        actor=actor,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        document=document,
        task_id=getattr(task, "pk", task),
    )
    rows = _BATCH.get()
    if rows is not None:
        rows.append(event)
    else:
        event.save(force_insert=True)
    return event


_UNCHANGED = object()


def change_case(*, case: Case, state: str | None = None, detail: str = "", deadline=_UNCHANGED, actor=None,
                summary: str = "", reason: str = "", task=None) -> None:
    """Change the case's state and/or its current deadline in one ``UPDATE``, each change
    logged before → after (one history row each, inserted together)."""
    update_fields, events = [], []
    if state is not None:
        before = {"state": case.state, "detail": case.state_detail}
        case.state, case.state_detail = state, detail
        update_fields += ["state", "state_detail"]
        if state in (Case.State.CLOSED, Case.State.CANCELED) and case.closed_at is None:
            case.closed_at = timezone.now()
            update_fields.append("closed_at")
        events.append(dict(
            action=CaseEvent.Action.STATE,
            summary=summary or f"Stav: {case.get_state_display()}" + (f" – {detail}" if detail else ""),
            before=before, after={"state": state, "detail": detail}))
    if deadline is not _UNCHANGED and case.deadline != deadline:
        before = {"deadline": case.deadline}
        case.deadline = deadline
        update_fields.append("deadline")
        label = czech_date(deadline) if deadline else "bez lhůty"
        events.append(dict(
            action=CaseEvent.Action.DEADLINE,
            summary=gettext('Lhůta: {label}').format(label=label) + (f" ({reason})" if reason else ""),
            before=before, after={"deadline": deadline}))
    if not update_fields:
        return
    case.save(update_fields=update_fields + ["updated_at"])
    with batch():
        for event in events:
            record_event(case=case, actor=actor, task=task, **event)


def set_case_state(*, case: Case, state: str, detail: str = "", actor=None, summary: str = "", task=None) -> None:
    """Change the case state and log before → after in one place."""
    change_case(case=case, state=state, detail=detail, actor=actor, summary=summary, task=task)


def set_case_deadline(*, case: Case, deadline, actor=None, reason: str = "", task=None) -> None:
    """Move the case's current deadline (what inboxes sort by) and log it."""
    change_case(case=case, deadline=deadline, actor=actor, reason=reason, task=task)
