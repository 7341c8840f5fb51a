"""Material assessment, the § 36 odst. 3 comments and the issued decision."""

from __future__ import annotations


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

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
from ..selectors import autoremedy_to_issue, checklist_for, decision_noted_in_file
from workflows.formats import czech_date


@transaction.atomic
def assessment_record(
    *, proceeding: Proceeding, answers: dict[str, tuple[bool, str]] | None = None, proposal: str, reasoning: str = "",
    omit_reasoning: bool = False, extension_days: int = 0, extension_ground: str = "", extension_note: str = "",
    comments_days: int | None = None, actor=None,
) -> None:
    """Material assessment: conditions checklist with notes, optional extension, proposal."""
    _ensure_not_suspended(proceeding)
    if proceeding.phase not in (Phase.ASSESSMENT, Phase.CHECK):
        raise field_error(gettext("Řízení není ve fázi posouzení."))
    ex_officio = proceeding.kind == Proceeding.Kind.CANCELLATION and proceeding.ex_officio
    allowed = (Outcome.GRANTED, Outcome.TERMINATED) if ex_officio else (Outcome.GRANTED, Outcome.REFUSED)
    if proposal not in allowed:
        raise field_error(gettext("Zvolte návrh: zrušit registraci, nebo řízení zastavit (důvod se nepotvrdil, § 66 odst. 2 "
                          "správního řádu).") if ex_officio else gettext("Zvolte návrh rozhodnutí: vyhovět, nebo zamítnout."),
                          "proposal")
    if proposal == Outcome.TERMINATED and not reasoning.strip():
        raise field_error(gettext("Uveďte, proč se důvod zrušení registrace nepotvrdil."), "reasoning")
    answers = answers or {}
    items = checklist_for(proceeding, ChecklistItem.Stage.CONDITIONS) if proceeding.kind != Proceeding.Kind.CANCELLATION else []
    unanswered = [i.label for i in items if i.code not in answers]
    if unanswered:
        raise field_error(gettext("Vyplňte všechny podmínky registrace: ") + "; ".join(unanswered))
    failed = [i.label for i in items if not answers[i.code][0]]
    if proceeding.kind != Proceeding.Kind.CANCELLATION and proposal == Outcome.GRANTED and failed:
        raise field_error(gettext("Nelze navrhnout vyhovění, když nejsou splněny podmínky: ") + "; ".join(failed))
    if proposal == Outcome.REFUSED and not reasoning.strip():
        raise field_error(gettext("Zamítnutí musí být odůvodněno."), "reasoning")
    if proposal == Outcome.REFUSED and items and not failed:
        raise field_error(gettext("Zamítnutí cituje podmínku registrace, která není splněna (§ 79 odst. 1 s písmenem nebo "
                          "§ 80): označte ji v kontrolním seznamu podmínek."), "answers")
    if extension_days:
        grounds = dict(deadlines.EXTENSION_GROUNDS)
        if extension_ground not in grounds:
            raise field_error(gettext("Prodloužení lhůty musí mít důvod (místní šetření, ústní jednání, předvolání, "
                       "znalecký posudek, zvlášť složitý případ)."), "extension_ground")
        if extension_days < 0:
            raise field_error(gettext("Počet dní prodloužení nemůže být záporný."), "extension_days")
        if extension_ground == deadlines.EXPERT_OPINION:
            # § 71 odst. 3 písm. b): the time the expert opinion takes, no 30-day cap
            if extension_days > 365:
                raise field_error(gettext("Doba zpracování znaleckého posudku nad jeden rok není pravděpodobná; zkontrolujte ji."),
                                  "extension_days")
        else:
            already = sum(e.days for e in proceeding.case.extensions.exclude(ground=deadlines.EXPERT_OPINION))
            if already + extension_days > deadlines.MAX_EXTENSION_DAYS:
                raise field_error(gettext('Lhůtu k vydání rozhodnutí lze z důvodů § 71 odst. 3 písm. a) správního řádu prodloužit nejvýše o 30 dní (už prodlouženo o {already}).').format(already=already), "extension_days")
        Extension.objects.create(case=proceeding.case, days=extension_days, ground=extension_ground, note=extension_note,
                                 recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
        record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.EXTENSION,
                     summary=gettext('Lhůta k vydání rozhodnutí prodloužena o {extension_days} dní: {value}').format(extension_days=extension_days, value=grounds[extension_ground]),
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
            raise field_error(gettext("Lhůta k vyjádření k podkladům musí být 1 až 60 dní."), "comments_days")
        proceeding.comments_days = int(comments_days)
    proceeding.save()
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.ASSESSMENT,
                 summary=gettext('Posouzení: návrh – {get_proposal_display}').format(get_proposal_display=proceeding.get_proposal_display()), before=before,
                 after={"proposal": proposal, "failed": failed})
    phase_set(proceeding, Phase.ASSESSMENT, actor=actor)
    refresh_deadline(proceeding, actor=actor)


@transaction.atomic
def comments_record(*, proceeding: Proceeding, comments: str = "", comments_answer: str = "", actor=None) -> None:
    """The parties' comments on the evidence (or the note that none came), and how the office
    deals with them — the reasons of the decision answer them (§ 68 odst. 3 správního řádu)."""
    if proceeding.phase != Phase.COMMENTS:
        raise field_error(gettext("Seznámení s podklady rozhodnutí ještě nebylo doručeno."))
    if comments.strip() and not comments_answer.strip():
        raise field_error(gettext("Účastník se vyjádřil: uveďte, jak se s jeho vyjádřením správní orgán vypořádá "
                          "(§ 68 odst. 3 správního řádu)."), "comments_answer")
    proceeding.comments = comments.strip()
    proceeding.comments_answer = comments_answer.strip()
    proceeding.save(update_fields=["comments", "comments_answer"])
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.COMMENTS,
                 summary=gettext("Vyjádření účastníka k podkladům: ") + (comments.strip()[:200] or "nepodáno"))
    phase_set(proceeding, Phase.DECISION, actor=actor)
    refresh_deadline(proceeding, actor=actor)


@transaction.atomic
def decision_issued(*, proceeding: Proceeding, document: Document, actor=None) -> None:
    """Called by the worker after the decision document is stored."""
    if proceeding.decided_on is None or proceeding.phase != Phase.DECISION:
        proceeding.decided_on = timezone.localdate(document.created_at)  # the office's day, not UTC's
        proceeding.save(update_fields=["decided_on"])
    phase_set(proceeding, Phase.DECISION, actor=actor)
    _supersede_appealed(proceeding, document, actor=actor)
    if decision_noted_in_file(proceeding) and proceeding.final_on is None:
        proceeding.final_on = proceeding.decided_on
        proceeding.save(update_fields=["final_on"])
        record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.NOTED_IN_FILE, document=document,
                     summary=gettext('Usnesení o zastavení řízení poznamenáno do spisu dne {final_on} (§ 66 odst. 3 správního řádu); účastník se vyrozumí').format(final_on=czech_date(proceeding.final_on)))
    refresh_deadline(proceeding, actor=actor)


def _supersede_appealed(proceeding: Proceeding, document: Document, *, actor=None) -> None:
    """§ 87: the new decision revokes the appealed one; the case says which act replaced which."""
    appeal = autoremedy_to_issue(proceeding)
    if appeal is None or appeal.decision_id == document.pk:
        return
    appeal.superseded_by = document
    appeal.save(update_fields=["superseded_by"])
    old = appeal.decision
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.APPEAL_AUTOREMEDY, document=document,
                 summary=gettext('Rozhodnutí č. j. {value} zrušeno a nahrazeno rozhodnutím č. j. {reference_number} (§ 87 správního řádu)').format(value=old.reference_number if old else '?', reference_number=document.reference_number),
                 before={"decision": old.reference_number if old else None},
                 after={"decision": document.reference_number})

