"""Material assessment, the § 36 odst. 3 comments and the issued decision."""

from __future__ import annotations


from django.db import transaction
from django.utils import timezone

from workflows import deadlines
from workflows.validators import field_error
from workflows.history import record_event
from workflows.models import Document, Extension

from ..models import (
    RegistrationEvent,
    ChecklistAnswer,
    ChecklistItem,
    Proceeding,
)
from .common import Outcome, Phase, phase_set, refresh_deadline
from .completeness import _ensure_not_suspended
from ..selectors import checklist_for


@transaction.atomic
def assessment_record(
    *, proceeding: Proceeding, answers: dict[str, tuple[bool, str]] | None = None, proposal: str, reasoning: str = "",
    omit_reasoning: bool = False, extension_days: int = 0, extension_ground: str = "", extension_note: str = "",
    comments_days: int | None = None, actor=None,
) -> None:
    """Material assessment: conditions checklist with notes, optional extension, proposal."""
    _ensure_not_suspended(proceeding)
    if proceeding.phase not in (Phase.ASSESSMENT, Phase.CHECK):
        raise field_error("Řízení není ve fázi posouzení.")
    if proposal not in (Outcome.GRANTED, Outcome.REFUSED):
        raise field_error("Zvolte návrh rozhodnutí: vyhovět, nebo zamítnout.", "proposal")
    answers = answers or {}
    items = checklist_for(proceeding, ChecklistItem.Stage.CONDITIONS) if proceeding.kind != Proceeding.Kind.CANCELLATION else []
    unanswered = [i.label for i in items if i.code not in answers]
    if unanswered:
        raise field_error("Vyplňte všechny podmínky registrace: " + "; ".join(unanswered))
    failed = [i.label for i in items if not answers[i.code][0]]
    if proceeding.kind != Proceeding.Kind.CANCELLATION and proposal == Outcome.GRANTED and failed:
        raise field_error("Nelze navrhnout vyhovění, když nejsou splněny podmínky: " + "; ".join(failed))
    if proposal == Outcome.REFUSED and not reasoning.strip():
        raise field_error("Zamítnutí musí být odůvodněno.", "reasoning")
    if extension_days:
        grounds = dict(deadlines.EXTENSION_GROUNDS)
        if extension_ground not in grounds:
            raise field_error("Prodloužení lhůty musí mít důvod (místní šetření, ústní jednání, předvolání, "
                       "znalecký posudek, zvlášť složitý případ).", "extension_ground")
        already = sum(e.days for e in proceeding.case.extensions.all())
        if extension_days < 0 or already + extension_days > deadlines.MAX_EXTENSION_DAYS:
            raise field_error(f"Lhůtu k vydání rozhodnutí lze prodloužit nejvýše o 30 dní (už prodlouženo o {already}).",
                       "extension_days")
        Extension.objects.create(case=proceeding.case, days=extension_days, ground=extension_ground, note=extension_note,
                                 recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
        record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.EXTENSION,
                     summary=f"Lhůta k vydání rozhodnutí prodloužena o {extension_days} dní: {grounds[extension_ground]}",
                     after={"days": extension_days, "ground": extension_ground, "note": extension_note})
    for item in items:
        fulfilled, note = answers[item.code]
        ChecklistAnswer.objects.update_or_create(
            proceeding=proceeding, item=item,
            defaults={"fulfilled": bool(fulfilled), "note": note or "", "checked_at": timezone.now(),
                      "checked_by": actor if getattr(actor, "is_authenticated", False) else None},
        )
    before = {"proposal": proceeding.proposal}
    proceeding.proposal = proposal
    proceeding.reasoning = reasoning.strip()
    proceeding.omit_reasoning = bool(omit_reasoning) and proposal == Outcome.GRANTED
    proceeding.assessment_note = "; ".join(f"{i.label}: {answers[i.code][1]}" for i in items if answers[i.code][1])
    if comments_days is not None:
        if not 1 <= int(comments_days) <= 60:
            raise field_error("Lhůta k vyjádření k podkladům musí být 1 až 60 dní.", "comments_days")
        proceeding.comments_days = int(comments_days)
    proceeding.save()
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.ASSESSMENT,
                 summary=f"Posouzení: návrh – {proceeding.get_proposal_display()}", before=before,
                 after={"proposal": proposal, "failed": failed})
    phase_set(proceeding, Phase.ASSESSMENT, actor=actor)
    refresh_deadline(proceeding, actor=actor)


@transaction.atomic
def comments_record(*, proceeding: Proceeding, comments: str = "", actor=None) -> None:
    """The parties' comments on the evidence (or the note that none came)."""
    if proceeding.phase != Phase.COMMENTS:
        raise field_error("Seznámení s podklady rozhodnutí ještě nebylo doručeno.")
    proceeding.comments = comments.strip()
    proceeding.save(update_fields=["comments"])
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.COMMENTS,
                 summary="Vyjádření účastníka k podkladům: " + (comments.strip()[:200] or "nepodáno"))
    phase_set(proceeding, Phase.DECISION, actor=actor)
    refresh_deadline(proceeding, actor=actor)


@transaction.atomic
def decision_issued(*, proceeding: Proceeding, document: Document, actor=None) -> None:
    """Called by the worker after the decision document is stored."""
    if proceeding.decided_on is None or proceeding.phase != Phase.DECISION:
        proceeding.decided_on = document.created_at.date()
        proceeding.save(update_fields=["decided_on"])
    phase_set(proceeding, Phase.DECISION, actor=actor)
    refresh_deadline(proceeding, actor=actor)
