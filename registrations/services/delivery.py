"""Delivery of documents (data box, post, in person; delivery fiction) and what it arms."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from workflows import deadlines
from workflows.validators import field_error
from workflows.formats import czech_date
from workflows.history import record_event, set_case_state
from workflows.models import Case, Document, Suspension

from ..models import (
    RegistrationEvent,
    Delivery,
    DeliveryChannel,
    Proceeding,
)
from .common import Phase, phase_set, refresh_deadline
from ..models import DECISION_KINDS, DOC_DEFICIENCY, DOC_EVIDENCE, DOC_OPENING


def _delivery_date(channel: str, ready_on: date, collected_on: date | None) -> tuple[date, bool]:
    fiction = deadlines.delivery_fiction_date(ready_on)
    if channel == DeliveryChannel.IN_PERSON:
        return (collected_on or ready_on), False
    if collected_on is not None and collected_on <= fiction:
        return collected_on, False
    return fiction, True


@transaction.atomic
def delivery_record(
    *, document: Document, channel: str, ready_on: date, collected_on: date | None = None, actor=None,
) -> Delivery:
    """Record delivery of a document and arm the deadlines that run from it.

    Not collected within 10 days → delivered by fiction on the 10th day (deadlines module).
    """
    if channel not in DeliveryChannel.values:
        raise field_error("Zvolte způsob doručení (datová schránka, pošta, osobně).", "channel")
    if ready_on is None:
        raise field_error("Zadejte datum dodání do datové schránky / připravení k vyzvednutí.", "ready_on")
    if collected_on is not None and collected_on < ready_on:
        raise field_error(f"Datum převzetí ({czech_date(collected_on)}) nemůže předcházet dodání "
                   f"({czech_date(ready_on)}).", "collected_on")
    if ready_on < document.case.received_on:
        raise field_error("Písemnost nemohla být doručována dřív, než řízení začalo.", "ready_on")
    if Delivery.objects.filter(document=document).exists():
        raise field_error("Doručení této písemnosti už je zapsáno.")
    delivered_on, fiction = _delivery_date(channel, ready_on, collected_on)
    if delivered_on > timezone.localdate():
        raise field_error(f"Písemnost ještě nemůže být doručena (doručeno by bylo {czech_date(delivered_on)}, "
                   "fikcí až desátým dnem). Zapište doručení až nastane.", "collected_on")
    delivery = Delivery.objects.create(
        case=document.case, document=document, channel=channel, ready_on=ready_on, collected_on=collected_on,
        delivered_on=delivered_on, by_fiction=fiction, recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        case=document.case, actor=actor, action=RegistrationEvent.DELIVERY, document=document,
        summary=f"Doručeno: {document.title} – {delivery.get_channel_display()}, {czech_date(delivered_on)}"
                + (" (fikce doručení)" if fiction else ""),
        after={"channel": channel, "ready_on": ready_on, "collected_on": collected_on, "delivered_on": delivered_on,
               "fiction": fiction},
    )
    proceeding = getattr(document.case, "proceeding", None)
    if proceeding is not None:
        _arm_after_delivery(proceeding, document, delivered_on, actor=actor)
    return delivery


def _arm_after_delivery(proceeding: Proceeding, document: Document, delivered_on: date, *, actor=None) -> None:
    case = proceeding.case
    if document.kind == DOC_DEFICIENCY:
        Suspension.objects.create(case=case, started_on=delivered_on, reason="výzva k odstranění nedostatků")
        proceeding.remedy_deadline = deadlines.remedy_deadline(delivered_on, days=proceeding.remedy_days)
        proceeding.save(update_fields=["remedy_deadline"])
        set_case_state(case=case, state=Case.State.SUSPENDED, detail="výzva k odstranění nedostatků", actor=actor,
                       summary=f"Řízení přerušeno od {czech_date(delivered_on)} do odstranění nedostatků")
        phase_set(proceeding, Phase.SUSPENDED, actor=actor)
    elif document.kind == DOC_EVIDENCE:
        # the notice names a concrete last day; delivery never shortens it
        computed = deadlines.add_days(delivered_on, proceeding.comments_days)
        proceeding.comments_deadline = max(filter(None, [computed, proceeding.comments_deadline]))
        proceeding.save(update_fields=["comments_deadline"])
        phase_set(proceeding, Phase.COMMENTS, actor=actor)
    elif document.kind == DOC_OPENING:
        proceeding.received_on = delivered_on
        proceeding.save(update_fields=["received_on"])
        record_event(case=case, actor=actor, action=RegistrationEvent.OPENED_EX_OFFICIO,
                     summary=f"Řízení z moci úřední zahájeno doručením oznámení dne {czech_date(delivered_on)}")
        phase_set(proceeding, Phase.ASSESSMENT, actor=actor)
    elif document.kind in DECISION_KINDS:
        proceeding.decision_delivered_on = delivered_on
        proceeding.appeal_deadline = deadlines.appeal_deadline(delivered_on)
        proceeding.save(update_fields=["decision_delivered_on", "appeal_deadline"])
        set_case_state(case=case, state=Case.State.DECIDED, detail="lhůta k odvolání", actor=actor)
        phase_set(proceeding, Phase.APPEAL_PERIOD, actor=actor)
    refresh_deadline(proceeding, actor=actor)
