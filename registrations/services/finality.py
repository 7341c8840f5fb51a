"""Appeal (§ 87 / § 88), finality and the registry entry it writes."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from workflows import deadlines
from workflows.validators import field_error
from workflows.formats import czech_date
from workflows.documents import store_document
from workflows.history import record_event, set_case_deadline, set_case_state
from workflows.models import Case

from ..models import (
    DOC_MINISTRY_DECISION,
    RegistrationEvent,
    Appeal,
    Proceeding,
    RegisteredService,
)
from .common import NATIONAL_ID_RE, Outcome, Phase, phase_set, refresh_deadline, registry_version_add
from ..selectors import decision_in_force, last_decision, ministry_outcome_record, service_snapshot


@transaction.atomic
def appeal_period_record(
    *, proceeding: Proceeding, appeal_received_on: date | None = None, final_on: date | None = None,
    waived_on: date | None = None, instruction_defective: bool = False, actor=None,
) -> Appeal | None:
    """After the appeal period: record an appeal, or confirm finality (never automatic).

    A late appeal (§ 83 odst. 1; 90 days when the poučení was missing or wrong, § 83 odst. 2) has
    no suspensive effect (§ 85 odst. 1): the officer confirms finality as if no appeal came (the
    day after the 15-day period), and the appeal still goes to the ministry marked late (§ 88, § 92).
    """
    delivered = proceeding.decision_delivered_on
    if delivered is None or proceeding.phase != Phase.APPEAL_PERIOD:
        raise field_error(gettext("Rozhodnutí ještě nebylo doručeno."))
    if appeal_received_on is not None:
        if appeal_received_on < delivered:
            raise field_error(gettext('Odvolání nemohlo přijít ({appeal_received_on}) před doručením rozhodnutí ({delivered}).').format(appeal_received_on=czech_date(appeal_received_on), delivered=czech_date(delivered)), "appeal_received_on")
        if appeal_received_on > timezone.localdate():
            raise field_error(gettext("Datum doručení odvolání nemůže být v budoucnosti."), "appeal_received_on")
        late = not deadlines.appeal_is_timely(delivered, appeal_received_on,
                                              instruction_defective=instruction_defective)
        if late and final_on is None:
            proposed = deadlines.finality_date(delivered)
            raise field_error(
                gettext('Odvolání je opožděné (lhůta skončila {appeal_deadline}) a nemá odkladný účinek: potvrďte právní moc ke dni {proposed}.').format(appeal_deadline=czech_date(proceeding.appeal_deadline), proposed=czech_date(proposed)), "final_on")
        if not late and final_on is not None:
            raise field_error(gettext("Odvolání je včasné: rozhodnutí nenabývá právní moci, zadejte buď odvolání, "
                              "nebo právní moc."), "final_on")
        appeal = Appeal.objects.create(
            proceeding=proceeding, received_on=appeal_received_on, forward_by=deadlines.add_days(appeal_received_on, 30),
            late=late, instruction_defective=instruction_defective, decision=last_decision(proceeding),
        )
        summary = gettext("Podáno odvolání dne {received_on}").format(received_on=czech_date(appeal_received_on))
        if late:
            summary += gettext(" (opožděně, bez odkladného účinku)")
        elif instruction_defective:
            summary += gettext(" (včas: chybné poučení, § 83 odst. 2)")
        record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.APPEAL, summary=summary,
                     after={"received_on": appeal_received_on, "late": late,
                            "instruction_defective": instruction_defective})
        if late:
            finality_confirm(proceeding=proceeding, final_on=final_on, actor=actor)
            return appeal
        set_case_state(case=proceeding.case, state=Case.State.OPEN, detail=gettext("odvolání"), actor=actor)
        phase_set(proceeding, Phase.APPEAL, actor=actor)
        refresh_deadline(proceeding, actor=actor)
        return appeal
    if waived_on is not None:
        if proceeding.waived_on != waived_on:  # recorded already on the case page: not twice in the history
            appeal_waiver_record(proceeding=proceeding, waived_on=waived_on, actor=actor)
        final_on = final_on or deadlines.finality_date(delivered, waived_on=waived_on)
    finality_confirm(proceeding=proceeding, final_on=final_on, waived_on=waived_on, actor=actor)
    return None


@transaction.atomic
def appeal_waiver_record(*, proceeding: Proceeding, waived_on: date, actor=None) -> date:
    """A party waived its appeal (§ 81 odst. 2): one date in the history; it proposes finality,
    which the officer then confirms as one date prefilled from it (``AppealPeriodForm``)."""
    delivered = proceeding.decision_delivered_on
    if delivered is None or proceeding.phase != Phase.APPEAL_PERIOD or proceeding.final_on:
        raise field_error(gettext("Odvolání se lze vzdát jen v době od doručení rozhodnutí do jeho právní moci."),
                          "waived_on")
    if waived_on < delivered:
        raise field_error(gettext("Odvolání se lze vzdát až po doručení rozhodnutí."), "waived_on")
    if waived_on > timezone.localdate():
        raise field_error(gettext("Den vzdání se odvolání nemůže být v budoucnosti."), "waived_on")
    proposed = deadlines.finality_date(delivered, waived_on=waived_on)
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.APPEAL_WAIVED,
                 summary=gettext('Účastník se vzdal odvolání dne {waived_on}; právní moc navržena ke dni {proposed}').format(waived_on=czech_date(waived_on), proposed=czech_date(proposed)),
                 before={"waived_on": proceeding.waived_on}, after={"waived_on": waived_on, "proposed_final_on": proposed})
    proceeding.waived_on = waived_on
    proceeding.save(update_fields=["waived_on"])
    return proposed


@transaction.atomic
def late_appeal_after_finality(*, appeal: Appeal, actor=None) -> None:
    """The decision is final and in the registry; the late appeal is still to go to the ministry."""
    case = appeal.proceeding.case
    set_case_state(case=case, state=Case.State.OPEN, detail=gettext("opožděné odvolání – postoupit ministerstvu"), actor=actor)
    set_case_deadline(case=case, deadline=appeal.forward_by, actor=actor,
                      reason=gettext("lhůta k postoupení opožděného odvolání (§ 88)"))


@transaction.atomic
def finality_confirm(*, proceeding: Proceeding, final_on: date | None, waived_on: date | None = None,
                     after_appeal: bool = False, actor=None) -> None:
    """The officer confirms the day of finality (právní moc)."""
    if final_on is None:
        raise field_error(gettext("Zadejte den nabytí právní moci."), "final_on")
    delivered = proceeding.decision_delivered_on
    if delivered is None:
        raise field_error(gettext("Rozhodnutí ještě nebylo doručeno."))
    if final_on > timezone.localdate():
        raise field_error(gettext("Právní moc nelze potvrdit dopředu."), "final_on")
    if not after_appeal:
        if waived_on is not None and waived_on < delivered:
            raise field_error(gettext("Odvolání se lze vzdát až po doručení rozhodnutí."), "waived_on")
        earliest = deadlines.finality_date(delivered, waived_on=waived_on)
        if final_on < earliest:
            raise field_error(gettext('Rozhodnutí může nabýt právní moci nejdříve {earliest} (lhůta k odvolání končí {appeal_deadline}).').format(earliest=czech_date(earliest), appeal_deadline=czech_date(proceeding.appeal_deadline)), "final_on")
    elif final_on < delivered:
        raise field_error(gettext("Právní moc nemůže předcházet doručení rozhodnutí."), "final_on")
    proceeding.final_on = final_on
    proceeding.waived_on = waived_on
    proceeding.final_confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    proceeding.save(update_fields=["final_on", "waived_on", "final_confirmed_by"])
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.FINALITY,
                 summary=gettext('Právní moc potvrzena ke dni {final_on}').format(final_on=czech_date(final_on)),
                 after={"final_on": final_on, "waived_on": waived_on})


@transaction.atomic
def appeal_route(*, appeal: Appeal, route: str, note: str = "", points: str = "", forwarded_on: date | None = None,
                actor=None) -> None:
    """§ 87: the office grants the appeal itself; § 88: forwards the file to the ministry."""
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise field_error(gettext("O postupu v tomto odvolání už bylo rozhodnuto."))
    forwarded_on = forwarded_on or timezone.localdate()
    if forwarded_on < appeal.received_on or forwarded_on > timezone.localdate():
        raise field_error(gettext("Datum postoupení musí být mezi doručením odvolání a dneškem."), "forwarded_on")
    proceeding = appeal.proceeding
    if route == Appeal.Outcome.AUTOREMEDY and appeal.late:
        raise field_error(gettext("Opožděnému odvolání nelze vyhovět (§ 87): rozhodnutí je v právní moci. "
                          "Postupte je ministerstvu (§ 88, § 92)."), "route")
    if route == Appeal.Outcome.AUTOREMEDY:
        appeal.outcome = Appeal.Outcome.AUTOREMEDY
        appeal.outcome_on = forwarded_on
        appeal.note = note
        appeal.save()
        record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.APPEAL_AUTOREMEDY,
                     summary=gettext("Odvolání vyhověno v plném rozsahu (§ 87 správního řádu); vydá se nové rozhodnutí"))
        _reopen(proceeding, actor=actor)
    elif route == Appeal.Outcome.FORWARDED:
        # § 88 odst. 1: the file goes with the office's stanovisko; the letter sums up the appeal
        if not points.strip():
            raise field_error(gettext("Shrňte námitky odvolatele (uvedou se v předkládací zprávě)."), "points")
        if not note.strip():
            raise field_error(gettext("Uveďte stanovisko správního orgánu k odvolání (§ 88 odst. 1)."), "note")
        appeal.outcome = Appeal.Outcome.FORWARDED
        appeal.forwarded_on = forwarded_on
        appeal.note = note.strip()
        appeal.points = points.strip()
        appeal.save()
        record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.APPEAL_FORWARDED,
                     summary=gettext('Spis postoupen odvolacímu orgánu (§ 88) dne {forwarded_on}').format(forwarded_on=czech_date(appeal.forwarded_on))
                             + (gettext(" – odvolání opožděné") if appeal.late else ""))
        if appeal.late:
            set_case_deadline(case=proceeding.case, deadline=None, actor=actor,
                              reason=gettext("opožděné odvolání u odvolacího orgánu"))
        else:
            refresh_deadline(proceeding, actor=actor)
    else:
        raise field_error(gettext("Zvolte postup: vyhovět v autoremeduře (§ 87), nebo postoupit ministerstvu (§ 88)."), "route")


#: files the ministry's decision may come as (it is attached to the case as it came)
MINISTRY_DOCUMENT_TYPES = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".odt": "odt", ".zfo": "zfo"}
MINISTRY_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def appeal_outcome_record(
    *, appeal: Appeal, outcome: str, ministry_reference: str = "", outcome_on: date | None = None,
    notified_on: date | None = None, document_name: str = "", document_content: bytes = b"",
    binding_view: str = "", changed_to: str = "", final_on: date | None = None, note: str = "", actor=None,
) -> None:
    """The ministry's decision on a forwarded appeal (§ 90, § 92), typed from its document.

    dismissed (§ 90 odst. 5): the decision stands, final on the day the ministry's decision was
    notified; dismissed_late (§ 92 odst. 1): finality as without an appeal (a late appeal's stands);
    cancelled_returned (§ 90 odst. 1 písm. b)): the office decides again, bound by the ministry's view;
    cancelled_stopped (písm. a)): the proceeding ends, the registry unchanged; changed (písm. c)):
    the changed decision is final on notification and the registry follows it.
    """
    if appeal.outcome != Appeal.Outcome.FORWARDED:
        raise field_error(gettext("Odvolání nebylo postoupeno ministerstvu."))
    record = ministry_outcome_record(outcome)
    proceeding = appeal.proceeding
    today = timezone.localdate()
    ministry_reference = (ministry_reference or "").strip()
    if not ministry_reference:
        raise field_error(gettext("Zadejte č. j. rozhodnutí odvolacího orgánu."), "ministry_reference")
    if outcome_on is None:
        raise field_error(gettext("Zadejte den vydání rozhodnutí odvolacího orgánu."), "outcome_on")
    if outcome_on < appeal.forwarded_on:
        raise field_error(gettext("Rozhodnutí o odvolání nemůže předcházet postoupení spisu ({forwarded_on}).").format(
            forwarded_on=czech_date(appeal.forwarded_on)), "outcome_on")
    if outcome_on > today:
        raise field_error(gettext("Den vydání rozhodnutí odvolacího orgánu nemůže být v budoucnosti."), "outcome_on")
    if notified_on is None:
        raise field_error(gettext("Zadejte den, kdy bylo rozhodnutí odvolacího orgánu oznámeno."), "notified_on")
    if notified_on < outcome_on or notified_on > today:
        raise field_error(gettext("Rozhodnutí odvolacího orgánu mohlo být oznámeno nejdříve v den vydání ({outcome_on}) "
                                  "a nejpozději dnes.").format(outcome_on=czech_date(outcome_on)), "notified_on")
    suffix = "." + document_name.rsplit(".", 1)[-1].lower() if "." in (document_name or "") else ""
    if not document_content:
        raise field_error(gettext("Přiložte rozhodnutí odvolacího orgánu (soubor PDF nebo DOCX)."), "document")
    if suffix not in MINISTRY_DOCUMENT_TYPES:
        raise field_error(gettext("Rozhodnutí odvolacího orgánu přiložte jako PDF, DOCX, DOC, ODT nebo ZFO."), "document")
    if len(document_content) > MINISTRY_DOCUMENT_MAX_BYTES:
        raise field_error(gettext("Soubor je větší než 20 MB."), "document")
    already_final = appeal.late and proceeding.phase == Phase.FINAL
    if already_final and outcome != Appeal.Outcome.DISMISSED_LATE:
        raise field_error(gettext("Rozhodnutí je v právní moci (opožděné odvolání): odvolací orgán odvolání zamítne podle "
                                  "§ 92 odst. 1; zrušit nebo změnit je může jen v přezkumném řízení."), "outcome")
    binding_view = (binding_view or "").strip()
    if outcome == Appeal.Outcome.CANCELLED_RETURNED and not binding_view:
        raise field_error(gettext("Opište závazný právní názor odvolacího orgánu (§ 90 odst. 1 písm. b)): úřad je jím při "
                                  "novém projednání vázán."), "binding_view")
    if outcome == Appeal.Outcome.CHANGED:
        allowed = {Outcome.GRANTED, Outcome.TERMINATED} if proceeding.kind == Proceeding.Kind.CANCELLATION \
            and proceeding.ex_officio else {Outcome.GRANTED, Outcome.REFUSED}
        if changed_to not in allowed:
            raise field_error(gettext("Uveďte, jak zní rozhodnutí, které odvolací orgán změnil."), "changed_to")
    if outcome == Appeal.Outcome.DISMISSED_LATE and not already_final:
        earliest = deadlines.finality_date(proceeding.decision_delivered_on, waived_on=proceeding.waived_on)
        final_on = final_on or earliest
        if final_on < proceeding.decision_delivered_on or final_on > today:
            raise field_error(gettext("Právní moc musí být mezi doručením rozhodnutí a dneškem."), "final_on")
    elif outcome != Appeal.Outcome.CANCELLED_RETURNED:
        final_on = notified_on  # the ministry's decision cannot be appealed: final when notified
    else:
        final_on = None

    before = {"outcome": appeal.get_outcome_display(), "phase": proceeding.get_phase_display(),
              "proposal": proceeding.get_proposal_display(), "final_on": proceeding.final_on}
    safe_mark = (proceeding.case.file_mark or str(proceeding.case_id)).replace("/", "-").replace(" ", "_")
    document = store_document(
        case=proceeding.case, kind=DOC_MINISTRY_DECISION, title=gettext("Rozhodnutí odvolacího orgánu: {title}").format(
            title=record["title"].lower()),
        content=document_content, filename=f"{DOC_MINISTRY_DECISION}-{safe_mark}-{appeal.pk}{suffix}",
        reference_number=ministry_reference, actor=actor)
    appeal.outcome = outcome
    appeal.outcome_on = outcome_on
    appeal.ministry_reference = ministry_reference
    appeal.ministry_notified_on = notified_on
    appeal.ministry_document = document
    appeal.binding_view = binding_view if outcome == Appeal.Outcome.CANCELLED_RETURNED else ""
    appeal.changed_to = changed_to if outcome == Appeal.Outcome.CHANGED else ""
    if outcome in (Appeal.Outcome.CANCELLED_RETURNED, Appeal.Outcome.CANCELLED_STOPPED, Appeal.Outcome.CHANGED):
        appeal.superseded_by = document
    appeal.save()
    appealed = appeal.decision
    summary = gettext("Odvolací orgán rozhodnutím č. j. {ref} ze dne {on} (oznámeno {notified}): {title} ({basis})").format(
        ref=ministry_reference, on=czech_date(outcome_on), notified=czech_date(notified_on), title=record["title"].lower(),
        basis=record["legal_basis"])
    if appealed is not None and appeal.superseded_by_id:
        summary += gettext("; rozhodnutí č. j. {ref} {what}").format(
            ref=appealed.reference_number,
            what=gettext("nahrazeno") if outcome == Appeal.Outcome.CHANGED else gettext("zrušeno"))
    if outcome == Appeal.Outcome.CHANGED:
        summary += gettext("; změněné rozhodnutí: {value}").format(value=Outcome(changed_to).label)
    if already_final:
        summary += gettext(" – opožděné odvolání")
    if note and note.strip():  # the appeal's own note keeps the office's stanovisko (§ 88)
        summary += gettext("; poznámka: {note}").format(note=note.strip())
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.APPEAL_OUTCOME, document=document,
                 summary=summary[:500], before=before,
                 after={"outcome": appeal.get_outcome_display(), "ministry_reference": ministry_reference,
                        "decided_on": outcome_on, "notified_on": notified_on, "final_on": final_on,
                        "binding_view": appeal.binding_view, "changed_to": appeal.changed_to})

    if already_final:
        # the late appeal changed nothing: finality and the registry stand from the original date
        set_case_deadline(case=proceeding.case, deadline=None, actor=actor, reason=gettext("řízení skončilo"))
        set_case_state(case=proceeding.case, state=Case.State.CLOSED, detail=gettext("pravomocně skončeno"), actor=actor,
                       summary=gettext('Opožděné odvolání vyřízeno; právní moc trvá od {final_on}').format(final_on=czech_date(proceeding.final_on)))
    elif outcome in (Appeal.Outcome.DISMISSED, Appeal.Outcome.DISMISSED_LATE):
        finality_confirm(proceeding=proceeding, final_on=final_on, after_appeal=True, actor=actor)
    elif outcome == Appeal.Outcome.CANCELLED_STOPPED:
        _set_proposal(proceeding, Outcome.TERMINATED, actor=actor,
                      summary=gettext("Řízení zastaveno odvolacím orgánem; do rejstříku se nic nezapíše"))
        finality_confirm(proceeding=proceeding, final_on=final_on, after_appeal=True, actor=actor)
    elif outcome == Appeal.Outcome.CHANGED:
        _set_proposal(proceeding, changed_to, actor=actor,
                      summary=gettext("Rozhodnutí změněno odvolacím orgánem: {value}").format(value=Outcome(changed_to).label))
        finality_confirm(proceeding=proceeding, final_on=final_on, after_appeal=True, actor=actor)
    else:
        _reopen(proceeding, actor=actor, detail=gettext("věc vrácena odvolacím orgánem k novému projednání"),
                summary=gettext("Řízení pokračuje po zrušení rozhodnutí odvolacím orgánem; úřad je vázán jeho právním "
                                "názorem: {view}").format(view=binding_view),
                reason=gettext("lhůta k vydání nového rozhodnutí po vrácení věci (§ 90 odst. 1 písm. b))"))


def _set_proposal(proceeding: Proceeding, proposal: str, *, actor=None, summary: str) -> None:
    """The outcome the ministry's decision gives the proceeding (what finalize writes to the registry)."""
    before = {"proposal": proceeding.get_proposal_display()}
    proceeding.proposal = proposal
    proceeding.save(update_fields=["proposal"])
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.APPEAL_OUTCOME, summary=summary,
                 before=before, after={"proposal": proceeding.get_proposal_display()})


def _reopen(proceeding: Proceeding, *, actor=None, detail: str = "", summary: str = "", reason: str = "") -> None:
    """The decision is gone (autoremedy or annulled): the proceeding continues."""
    before = {"proposal": proceeding.proposal, "decided_on": proceeding.decided_on}
    proceeding.decided_on = None
    proceeding.decision_delivered_on = None
    proceeding.appeal_deadline = None
    if proceeding.proposal == Outcome.TERMINATED:
        proceeding.proposal = Outcome.PENDING
    proceeding.save(update_fields=["decided_on", "decision_delivered_on", "appeal_deadline", "proposal"])
    set_case_state(case=proceeding.case, state=Case.State.OPEN, detail=detail or gettext("řízení pokračuje"), actor=actor)
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.REOPENED,
                 summary=(summary or gettext("Řízení pokračuje"))[:500], before=before)
    next_phase = Phase.ASSESSMENT if proceeding.kind == Proceeding.Kind.CANCELLATION or proceeding.proposal != Outcome.PENDING else Phase.CHECK
    phase_set(proceeding, next_phase, actor=actor)
    refresh_deadline(proceeding, actor=actor, reason=reason)


@transaction.atomic
def proceeding_finalize(*, proceeding: Proceeding, actor=None) -> None:
    """Finality confirmed: write the outcome to the registry and close the case."""
    if proceeding.final_on is None:
        raise field_error(gettext("Právní moc nebyla potvrzena."))
    if proceeding.phase == Phase.FINAL:
        return
    document = decision_in_force(proceeding)
    case = proceeding.case
    outcome = {Outcome.GRANTED: Outcome.GRANTED, Outcome.REFUSED: Outcome.REFUSED}.get(proceeding.proposal, Outcome.TERMINATED)
    proceeding.outcome = outcome
    proceeding.save(update_fields=["outcome"])
    if outcome == Outcome.GRANTED:
        if proceeding.kind == Proceeding.Kind.REGISTRATION:
            _registry_register(proceeding, document, actor=actor)
        elif proceeding.kind == Proceeding.Kind.CHANGE:
            _registry_change(proceeding, document, actor=actor)
        else:
            _registry_cancel(proceeding, document, actor=actor)
    phase_set(proceeding, Phase.FINAL, actor=actor)
    label = {
        Outcome.GRANTED: "vyhověno",
        Outcome.REFUSED: "žádost zamítnuta",
        Outcome.TERMINATED: "řízení zastaveno",
    }[outcome]
    set_case_deadline(case=case, deadline=None, actor=actor, reason=gettext("řízení skončilo"))
    set_case_state(case=case, state=Case.State.CLOSED, detail=gettext('pravomocně: {label}').format(label=label), actor=actor,
                   summary=gettext('Řízení pravomocně skončilo ({label}) dne {final_on}').format(label=label, final_on=czech_date(proceeding.final_on)))


def _registry_register(proceeding: Proceeding, document, *, actor=None) -> None:
    provider = proceeding.provider
    for item in proceeding.services.all():
        service = RegisteredService.objects.create(
            provider=provider, service_type=item.service_type, form=item.form, age_from=item.age_from,
            age_to=item.age_to, place=item.place, territory=item.territory, capacity=item.capacity,
            provided_from=max(item.start_on, proceeding.final_on) if item.start_on else proceeding.final_on,
            registered_on=proceeding.final_on, registration_case=proceeding.case,
        )
        service.target_groups.set(item.target_groups.all())
        registry_version_add(provider=provider, service=service, case=proceeding.case, document=document, action="registered",
                 summary=gettext('Registrována služba {service_type} ({get_form_display})').format(service_type=service.service_type, get_form_display=service.get_form_display()),
                 before=None, after=service_snapshot(service), actor=actor)


def _registry_change(proceeding: Proceeding, document, *, actor=None) -> None:
    for item in proceeding.services.select_related("registered_service"):
        service = item.registered_service
        before = service_snapshot(service)
        for field in ("service_type", "form", "age_from", "age_to", "place", "territory", "capacity"):
            setattr(service, field, getattr(item, field))
        service.save()
        service.target_groups.set(item.target_groups.all())
        registry_version_add(provider=service.provider, service=service, case=proceeding.case, document=document, action="changed",
                 summary=gettext('Změna registrace služby {service_type} od {final_on}').format(service_type=service.service_type, final_on=czech_date(proceeding.final_on)),
                 before=before, after=service_snapshot(service), actor=actor)


def _registry_cancel(proceeding: Proceeding, document, *, actor=None) -> None:
    for service in proceeding.cancel_services.all():
        before = service_snapshot(service)
        service.state = RegisteredService.State.CLOSED
        service.closed_on = proceeding.final_on
        service.save(update_fields=["state", "closed_on"])
        registry_version_add(provider=service.provider, service=service, case=proceeding.case, document=document, action="cancelled",
                 summary=gettext('Registrace služby {service_type} zrušena ke dni {final_on}').format(service_type=service.service_type, final_on=czech_date(proceeding.final_on)),
                 before=before, after=service_snapshot(service), actor=actor)


@transaction.atomic
def service_set_national_id(*, service: RegisteredService, national_id: str, actor=None) -> RegisteredService:
    """Store the identifier issued by the national registry of providers (§ 85)."""
    national_id = (national_id or "").strip()
    if not NATIONAL_ID_RE.fullmatch(national_id):
        raise field_error(gettext("Identifikátor služby z registru poskytovatelů má 7 číslic."), "national_id")
    clash = RegisteredService.objects.filter(national_id=national_id).exclude(pk=service.pk).first()
    if clash:
        raise field_error(gettext('Identifikátor {national_id} už má služba {clash}.').format(national_id=national_id, clash=clash), "national_id")
    before = service_snapshot(service)
    service.national_id = national_id
    service.save(update_fields=["national_id"])
    registry_version_add(provider=service.provider, service=service, case=service.registration_case, action="identifier",
             summary=gettext('Identifikátor služby (§ 85): {national_id}').format(national_id=national_id), before=before, after=service_snapshot(service),
             actor=actor)
    return service
