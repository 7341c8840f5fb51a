"""What an officer can do with a stopped dispatch, from the case page.

* **Retry** (``retry``): after the cause is fixed — a renewed certificate, ISDS back after a
  long outage, a repaired converter — the dispatch goes back to the step it stopped at (SIGN
  without a signed PDF/A, SEND otherwise) and is queued now. It never sends twice: the send
  step's lease and ``GetListOfSentMessages`` look-up still apply.
* **Switch to paper** (``to_paper``): a data-box dispatch that failed (the box was made
  inaccessible, the message was refused) goes to listinné doručení; the officer prints it and
  later records the doručenka.

Both are recorded in the dispatch's state history (source ``officer``) and in the case history,
under a row lock so two clicks (or a click and the worker) cannot both act.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from ..history import record_event
from .models import Dispatch, DispatchEvent
from .services import enqueue

PERMISSION = "workflows.change_dispatch"


def can_retry(dispatch: Dispatch) -> bool:
    """Stopped (FAILED before anything was sent), or still retrying a step with an error."""
    if dispatch.state != Dispatch.State.PREPARED:
        return False
    if dispatch.stage == Dispatch.Stage.FAILED:
        return True
    return dispatch.stage in (Dispatch.Stage.SIGN, Dispatch.Stage.SEND) and bool(dispatch.error)


def can_switch_to_paper(dispatch: Dispatch) -> bool:
    """A data-box dispatch that stopped or was reported undeliverable."""
    return (dispatch.channel == Dispatch.Channel.DATA_BOX and not dispatch.delivered
            and (dispatch.stage == Dispatch.Stage.FAILED or dispatch.state == Dispatch.State.UNDELIVERABLE))


def _locked(dispatch_pk: int) -> Dispatch:
    return Dispatch.objects.select_for_update().select_related("case", "document").get(pk=dispatch_pk)


def _record(dispatch: Dispatch, *, actor, detail: str, before: dict, after: dict) -> None:
    DispatchEvent.objects.create(dispatch=dispatch, at=timezone.now(), source="officer", actor=actor,
                                 state_before=dispatch.state, state_after=dispatch.state, detail=detail[:500])
    record_event(case=dispatch.case, actor=actor, action="dispatch", document=dispatch.document,
                 summary=f"{dispatch.document.title} → {dispatch.addressee_name}: {detail}"[:500],
                 before=before, after=after)


def retry(dispatch_pk: int, *, actor) -> Dispatch:
    with transaction.atomic():
        dispatch = _locked(dispatch_pk)
        if not can_retry(dispatch):
            raise ValidationError(gettext("Toto odeslání nelze opakovat: není zastavené ani nečeká na opakování "
                                          "(stav: {state}, krok: {stage}).").format(
                state=dispatch.get_state_display(), stage=dispatch.get_stage_display()))
        before = {"stage": dispatch.stage, "error": dispatch.error}
        dispatch.stage = Dispatch.Stage.SEND if dispatch.pdf_id else Dispatch.Stage.SIGN
        dispatch.error = ""
        dispatch.save(update_fields=["stage", "error", "updated_at"])
        _record(dispatch, actor=actor, before=before, after={"stage": dispatch.stage},
                detail=gettext("odeslání znovu spuštěno referentem")
                       + (gettext(" (předchozí chyba: {error})").format(error=before["error"]) if before["error"] else ""))
        transaction.on_commit(lambda pk=dispatch.pk: enqueue(pk))
    return dispatch


def to_paper(dispatch_pk: int, *, actor) -> Dispatch:
    with transaction.atomic():
        dispatch = _locked(dispatch_pk)
        if not can_switch_to_paper(dispatch):
            raise ValidationError(gettext("Na listinné doručení lze převést jen zastavené nebo nedoručitelné "
                                          "odeslání datovou schránkou."))
        before = {"channel": dispatch.channel, "stage": dispatch.stage, "error": dispatch.error}
        dispatch.channel = Dispatch.Channel.PAPER
        dispatch.stage = Dispatch.Stage.MANUAL
        dispatch.error = ""
        dispatch.save(update_fields=["channel", "stage", "error", "updated_at"])
        _record(dispatch, actor=actor, before=before, after={"channel": dispatch.channel, "stage": dispatch.stage},
                detail=gettext("převedeno na listinné doručení (datová schránka {box}); doručenku zapíše referent")
                .format(box=dispatch.data_box_id or "–"))
    return dispatch
