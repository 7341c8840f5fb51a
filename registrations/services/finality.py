"""Appeal (§ 87 / § 88), finality and the registry entry it writes."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from workflows import deadlines
from workflows.validators import field_error
from workflows.formats import czech_date
from workflows.history import record_event, set_case_deadline, set_case_state
from workflows.models import Case

from ..models import (
    RegistrationEvent,
    Appeal,
    Proceeding,
    RegisteredService,
)
from .common import NATIONAL_ID_RE, Outcome, Phase, phase_set, refresh_deadline, registry_version_add
from ..selectors import last_decision, service_snapshot


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


@transaction.atomic
def appeal_outcome_record(*, appeal: Appeal, outcome: str, outcome_on: date, final_on: date | None = None,
                          note: str = "", actor=None) -> None:
    """The ministry's decision on a forwarded appeal: upheld → finality; annulled → continue."""
    if appeal.outcome != Appeal.Outcome.FORWARDED:
        raise field_error(gettext("Odvolání nebylo postoupeno ministerstvu."))
    if outcome not in (Appeal.Outcome.UPHELD, Appeal.Outcome.ANNULLED, Appeal.Outcome.DISMISSED_LATE):
        raise field_error(gettext("Zvolte výsledek odvolacího řízení."), "outcome")
    if outcome_on is None or outcome_on < appeal.forwarded_on:
        raise field_error(gettext("Rozhodnutí o odvolání nemůže předcházet postoupení spisu."), "outcome_on")
    proceeding = appeal.proceeding
    already_final = appeal.late and proceeding.phase == Phase.FINAL
    if outcome == Appeal.Outcome.ANNULLED and already_final:
        raise field_error(gettext("Rozhodnutí je v právní moci (opožděné odvolání): odvolací orgán je může zrušit jen "
                          "v přezkumném řízení (§ 92 odst. 1)."), "outcome")
    if outcome in (Appeal.Outcome.UPHELD, Appeal.Outcome.DISMISSED_LATE) and final_on is None and not already_final:
        raise field_error(gettext("Zadejte den nabytí právní moci (doručení rozhodnutí o odvolání)."), "final_on")
    if final_on is not None and final_on < outcome_on:
        raise field_error(gettext("Právní moc nemůže předcházet rozhodnutí o odvolání."), "final_on")
    appeal.outcome = outcome
    appeal.outcome_on = outcome_on
    appeal.note = note
    appeal.save()
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.APPEAL_OUTCOME,
                 summary=gettext('Odvolací orgán: {get_outcome_display} ({outcome_on})').format(get_outcome_display=appeal.get_outcome_display(), outcome_on=czech_date(outcome_on)))
    if already_final:
        # the late appeal changed nothing: finality and the registry stand from the original date
        set_case_state(case=proceeding.case, state=Case.State.CLOSED, detail=gettext("pravomocně skončeno"), actor=actor,
                       summary=gettext('Opožděné odvolání vyřízeno; právní moc trvá od {final_on}').format(final_on=czech_date(proceeding.final_on)))
    elif outcome in (Appeal.Outcome.UPHELD, Appeal.Outcome.DISMISSED_LATE):
        finality_confirm(proceeding=proceeding, final_on=final_on, after_appeal=True, actor=actor)
    else:
        _reopen(proceeding, actor=actor)


def _reopen(proceeding: Proceeding, *, actor=None) -> None:
    """The decision is gone (autoremedy or annulled): the proceeding continues."""
    before = {"proposal": proceeding.proposal, "decided_on": proceeding.decided_on}
    proceeding.decided_on = None
    proceeding.decision_delivered_on = None
    proceeding.appeal_deadline = None
    if proceeding.proposal == Outcome.TERMINATED:
        proceeding.proposal = Outcome.PENDING
    proceeding.save(update_fields=["decided_on", "decision_delivered_on", "appeal_deadline", "proposal"])
    set_case_state(case=proceeding.case, state=Case.State.OPEN, detail=gettext("řízení pokračuje"), actor=actor)
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.REOPENED, summary=gettext("Řízení pokračuje"), before=before)
    next_phase = Phase.ASSESSMENT if proceeding.kind == Proceeding.Kind.CANCELLATION or proceeding.proposal != Outcome.PENDING else Phase.CHECK
    phase_set(proceeding, next_phase, actor=actor)
    refresh_deadline(proceeding, actor=actor)


@transaction.atomic
def proceeding_finalize(*, proceeding: Proceeding, actor=None) -> None:
    """Finality confirmed: write the outcome to the registry and close the case."""
    if proceeding.final_on is None:
        raise field_error(gettext("Právní moc nebyla potvrzena."))
    if proceeding.phase == Phase.FINAL:
        return
    document = last_decision(proceeding)
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
