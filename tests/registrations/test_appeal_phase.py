"""The appeal phase as správní řád runs it (issue 11): timeliness, late appeals without suspensive
effect, the waiver of appeal. Driven through the Viewflow flow and the services it calls."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registrations.flows.registration import RegistrationFlow as F
from registrations.models import Appeal, Proceeding, RegisteredService
from workflows.formats import czech_date
from workflows.models import Case, CaseEvent, Document

from tests.flowkit import checklist, do, open_task
from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory, ministry

pytestmark = pytest.mark.django_db

DELIVERED = date(2026, 9, 21)  # Mon; + 15 days = Tue 6. 10. 2026


def granted_and_delivered(officer, delivered=DELIVERED):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), received_on=date(2026, 9, 1), services=[ServiceDataFactory()])
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted", omit_reasoning=True)
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=delivered, collected_on=delivered)
    proceeding.refresh_from_db()
    return process, proceeding


def events(case, action):
    return list(CaseEvent.objects.filter(case=case, action=action).order_by("pk").values_list("summary", flat=True))


def test_late_appeal_has_no_suspensive_effect_and_goes_to_the_ministry_marked_late(officer, docx_text):
    process, proceeding = granted_and_delivered(officer)
    assert proceeding.appeal_deadline == date(2026, 10, 6)
    # the late appeal alone is refused: finality is proposed for the day after the 15-day period
    with pytest.raises(ValidationError, match=r"opožděné.*6\. 10\. 2026.*potvrďte právní moc ke dni 7\. 10\. 2026"):
        do(process, F.appeal_period, officer, appeal_received_on=date(2026, 10, 20))
    assert not Appeal.objects.exists()
    with pytest.raises(ValidationError, match="nejdříve 7. 10. 2026"):
        do(process, F.appeal_period, officer, appeal_received_on=date(2026, 10, 20), final_on=date(2026, 10, 6))
    do(process, F.appeal_period, officer, appeal_received_on=date(2026, 10, 20), final_on=date(2026, 10, 7))

    proceeding.refresh_from_db()
    appeal = Appeal.objects.get(proceeding=proceeding)
    assert appeal.late and not appeal.instruction_defective
    assert proceeding.final_on == date(2026, 10, 7) and proceeding.outcome == Proceeding.Outcome.GRANTED
    # the registry is written with effect from that date, before the ministry has spoken
    registered = RegisteredService.objects.get(provider=proceeding.provider)
    assert registered.registered_on == date(2026, 10, 7)
    case = Case.objects.get(pk=process.case_id)
    assert case.state == Case.State.OPEN and case.deadline == date(2026, 11, 19)  # 20. 10. + 30
    assert "opožděně" in events(case, "appeal")[0]

    # the office cannot grant a late appeal itself: the decision is final
    with pytest.raises(ValidationError, match="Opožděnému odvolání nelze vyhovět"):
        do(process, F.decide_appeal, officer, route="autoremedy", forwarded_on=date(2026, 10, 22))
    do(process, F.decide_appeal, officer, route="forwarded", forwarded_on=date(2026, 10, 22),
       points="Odvolatel žádá o vyšší kapacitu služby.", note="Odvolání bylo podáno po lhůtě.")
    assert "opožděné" in events(case, "appeal_forwarded")[0]
    decision = Document.objects.get(case=case, kind="reg_decision_registration")
    text = " ".join(docx_text(Document.objects.get(case=case, kind="reg_appeal_forward")).split())
    assert f"rozhodnutí č. j. {decision.reference_number} ze dne {czech_date(proceeding.decided_on)}" in text
    assert "lhůty k odvolání, která skončila dne 6. 10. 2026" in text
    assert "nabylo právní moci dne 7. 10. 2026" in text and "§ 92 odst. 1" in text
    assert "Odvolatel žádá o vyšší kapacitu služby." in text and "Odvolání bylo podáno po lhůtě." in text
    assert "neshledal podmínky pro postup podle § 87" not in text
    # the ministry cannot simply cancel or change a final decision on a late appeal
    for outcome in ("cancelled_returned", "changed", "dismissed"):
        with pytest.raises(ValidationError, match="přezkumném řízení"):
            do(process, F.ministry_outcome, officer, **ministry(outcome, notified_on=date(2026, 11, 20),
                                                               binding_view="x", changed_to="refused"))
    do(process, F.ministry_outcome, officer, **ministry("dismissed_late", notified_on=date(2026, 11, 20)))
    process.refresh_from_db()
    assert process.status == "DONE"
    case.refresh_from_db()
    proceeding.refresh_from_db()
    assert case.state == Case.State.CLOSED and case.deadline is None
    assert proceeding.final_on == date(2026, 10, 7)  # finality stands from the original date
    assert RegisteredService.objects.get(provider=proceeding.provider).registered_on == date(2026, 10, 7)
    assert "opožděné" in events(case, "appeal_outcome")[0]


def test_timely_appeal_suspends_finality_and_is_forwarded_to_the_ministry(officer, docx_text):
    process, proceeding = granted_and_delivered(officer)
    # received on the last day: in time, nothing is final, no finality may be entered with it
    with pytest.raises(ValidationError, match="Odvolání je včasné"):
        do(process, F.appeal_period, officer, appeal_received_on=date(2026, 10, 6), final_on=date(2026, 10, 7))
    do(process, F.appeal_period, officer, appeal_received_on=date(2026, 10, 6))
    proceeding.refresh_from_db()
    assert not Appeal.objects.get(proceeding=proceeding).late
    assert proceeding.final_on is None and proceeding.phase == Proceeding.Phase.APPEAL
    assert not RegisteredService.objects.exists()
    assert open_task(process, F.decide_appeal)
    # § 88 odst. 1: the file goes with the office's stanovisko and a summary of the appeal
    with pytest.raises(ValidationError, match="stanovisko"):
        do(process, F.decide_appeal, officer, route="forwarded", forwarded_on=date(2026, 10, 8),
           points="Odvolatel nesouhlasí s formou služby.")
    do(process, F.decide_appeal, officer, route="forwarded", forwarded_on=date(2026, 10, 8),
       points="Odvolatel nesouhlasí s formou služby.", note="Forma služby odpovídá žádosti.")
    letter = Document.objects.get(case=proceeding.case, kind="reg_appeal_forward")
    text = " ".join(docx_text(letter).split())
    # addressed to the ministry, its address from the region's configuration, not to the party
    assert "Ministerstvo práce a sociálních věcí" in text and "Na Poříčním právu 376/1" in text
    assert "128 01 Praha 2" in text
    decision = Document.objects.get(case=proceeding.case, kind="reg_decision_registration")
    assert f"č. j. {decision.reference_number} ze dne {czech_date(proceeding.decided_on)}" in text
    assert "doručené dne 6. 10. 2026" in text
    assert "Odvolatel nesouhlasí s formou služby." in text and "Forma služby odpovídá žádosti." in text
    assert "neshledal podmínky pro postup podle § 87" in text and "opožděné" not in text
    assert Proceeding.objects.get(pk=proceeding.pk).case.deadline is None  # waiting for the ministry


def test_missing_instruction_extends_the_appeal_period_to_90_days(officer):
    """§ 83 odst. 2: a wrong or missing poučení – the appeal of 20. 10. is timely (limit 21. 12. 2026)."""
    process, proceeding = granted_and_delivered(officer)
    do(process, F.appeal_period, officer, appeal_received_on=date(2026, 10, 20), instruction_defective=True)
    proceeding.refresh_from_db()
    appeal = Appeal.objects.get(proceeding=proceeding)
    assert not appeal.late and appeal.instruction_defective
    assert proceeding.final_on is None and not RegisteredService.objects.exists()
    assert "§ 83 odst. 2" in events(proceeding.case, "appeal")[0]


def test_waiver_is_one_date_in_the_history_and_proposes_finality(officer):
    process, proceeding = granted_and_delivered(officer)
    with pytest.raises(ValidationError, match="až po doručení"):
        do(process, F.appeal_period, officer, waived_on=date(2026, 9, 20))
    assert not events(proceeding.case, "appeal_waived")
    # the waiver alone: finality is the day of the waiver (earlier than 7. 10.)
    do(process, F.appeal_period, officer, waived_on=date(2026, 9, 24))
    proceeding.refresh_from_db()
    assert proceeding.waived_on == date(2026, 9, 24) and proceeding.final_on == date(2026, 9, 24)
    assert events(proceeding.case, "appeal_waived") == [
        "Účastník se vzdal odvolání dne 24. 9. 2026; právní moc navržena ke dni 24. 9. 2026"]
    assert RegisteredService.objects.get(provider=proceeding.provider).registered_on == date(2026, 9, 24)
    process.refresh_from_db()
    assert process.status == "DONE"


def test_autoremedy_names_and_revokes_the_appealed_decision_and_the_registry_follows_the_new_one(officer, docx_text):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), received_on=date(2026, 9, 1), services=[ServiceDataFactory()])
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions", missing=("cond_premises",)),
       proposal="refused", reasoning="Chybí právo užívat prostory.")
    do(process, F.deliver_evidence_notice, officer, channel="data_box", ready_on=date(2026, 9, 10), collected_on=date(2026, 9, 10))
    do(process, F.await_comments, officer)
    refusal = Document.objects.get(case=process.case, kind="reg_decision_refusal")
    assert "§ 87" not in docx_text(refusal)
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=DELIVERED, collected_on=DELIVERED)
    do(process, F.appeal_period, officer, appeal_received_on=date(2026, 9, 30))
    do(process, F.decide_appeal, officer, route="autoremedy", note="Nájemní smlouva doložena s odvoláním.",
       forwarded_on=date(2026, 10, 5))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted", omit_reasoning=True)
    new = Document.objects.get(case=process.case, kind="reg_decision_registration")
    text = " ".join(docx_text(new).split())
    issued = czech_date(timezone.localtime(refusal.created_at).date())
    assert (f"vyhovuje v plném rozsahu odvolání účastníka ze dne 30. 9. 2026 a rozhodnutí "
            f"č. j. {refusal.reference_number} ze dne {issued} ruší") in text
    appeal = Appeal.objects.get(proceeding=proceeding)
    assert appeal.decision == refusal and appeal.superseded_by == new
    assert any(refusal.reference_number in e and new.reference_number in e
               for e in events(process.case, "appeal_autoremedy"))
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 10, 12), collected_on=date(2026, 10, 12))
    do(process, F.appeal_period, officer, waived_on=date(2026, 10, 13))
    from registrations.models import RegistryVersion

    version = RegistryVersion.objects.get(case=process.case, action="registered")
    assert version.document == new  # the registry follows the new decision
    assert RegisteredService.objects.get(provider=proceeding.provider).registered_on == date(2026, 10, 13)
