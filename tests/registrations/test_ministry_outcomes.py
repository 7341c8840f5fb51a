"""What the ministry decided on a forwarded appeal (§ 90, § 92 správního řádu), recorded from its
decision (č. j., date, notification, the file): every outcome's case state, finality, registry,
history and the badge on the superseded act. Driven through the flow's task handler (what the task
view calls) and, for the form itself, over HTTP with the file uploaded."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registrations.flows.registration import RegistrationFlow as F
from registrations.models import Appeal, Proceeding, RegisteredService, RegistryVersion
from workflows.formats import czech_date
from workflows.models import Case, CaseEvent, Document

from tests.flowkit import checklist, do, open_task
from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory, ministry
from tests.registrations.test_http import task_url

pytestmark = pytest.mark.django_db

DELIVERED = date(2026, 9, 21)  # appeal period ends Tue 6. 10. 2026; without an appeal final on 7. 10.
REF = "MPSV-2026/41234-421"


def forwarded(officer, *, proposal="granted"):
    """A decision (registration or refusal) delivered 21. 9., appealed in time on 30. 9., forwarded 8. 10."""
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), received_on=date(2026, 9, 1),
                            services=[ServiceDataFactory()])
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, answers=checklist(proceeding))
    if proposal == "granted":
        do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted",
           omit_reasoning=True)
    else:
        do(process, F.assess, officer, answers=checklist(proceeding, "conditions", missing=("cond_premises",)),
           proposal="refused", reasoning="Chybí právo užívat prostory.")
        do(process, F.deliver_evidence_notice, officer, channel="data_box", ready_on=date(2026, 9, 10),
           collected_on=date(2026, 9, 10))
        do(process, F.await_comments, officer)
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=DELIVERED, collected_on=DELIVERED)
    do(process, F.appeal_period, officer, appeal_received_on=date(2026, 9, 30))
    do(process, F.decide_appeal, officer, route="forwarded", forwarded_on=date(2026, 10, 8),
       points="Odvolatel nesouhlasí s rozhodnutím.", note="Rozhodnutí odpovídá podkladům.")
    proceeding.refresh_from_db()
    return process, proceeding


def history(case, action="appeal_outcome"):
    return list(CaseEvent.objects.filter(case=case, action=action).order_by("pk").values_list("summary", flat=True))


def case_page(officer, case) -> str:
    client = Client()
    client.force_login(officer)
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_dismissed_the_decision_stands_and_is_final_from_the_notification(officer):
    process, proceeding = forwarded(officer)
    # the ministry's decision is typed from its document: č. j., dates in order, the file attached
    with pytest.raises(ValidationError, match="č. j. rozhodnutí odvolacího orgánu"):
        do(process, F.ministry_outcome, officer, **ministry("dismissed", notified_on=date(2026, 11, 16), reference=" "))
    with pytest.raises(ValidationError, match="nejdříve v den vydání"):
        do(process, F.ministry_outcome, officer, **ministry("dismissed", outcome_on=date(2026, 11, 10),
                                                           notified_on=date(2026, 11, 9)))
    with pytest.raises(ValidationError, match="předcházet postoupení"):
        do(process, F.ministry_outcome, officer, **ministry("dismissed", notified_on=date(2026, 10, 7)))
    with pytest.raises(ValidationError, match="PDF, DOCX"):
        do(process, F.ministry_outcome, officer, **ministry("dismissed", notified_on=date(2026, 11, 16),
                                                           document=SimpleUploadedFile("x.exe", b"MZ")))
    with pytest.raises(ValidationError, match="Přiložte rozhodnutí"):
        do(process, F.ministry_outcome, officer, **ministry("dismissed", notified_on=date(2026, 11, 16), document=None))
    assert not Document.objects.filter(case=proceeding.case, kind="reg_ministry_decision").exists()
    assert not RegisteredService.objects.exists()

    do(process, F.ministry_outcome, officer, **ministry("dismissed", outcome_on=date(2026, 11, 10),
                                                       notified_on=date(2026, 11, 16), note="Doručeno datovou schránkou."))
    process.refresh_from_db()
    proceeding.refresh_from_db()
    case = Case.objects.get(pk=process.case_id)
    assert process.status == "DONE"
    assert proceeding.final_on == date(2026, 11, 16) and proceeding.outcome == Proceeding.Outcome.GRANTED
    assert case.state == Case.State.CLOSED and case.deadline is None
    service = RegisteredService.objects.get(provider=proceeding.provider)
    assert service.registered_on == date(2026, 11, 16)
    decision = Document.objects.get(case=case, kind="reg_decision_registration")
    assert RegistryVersion.objects.get(case=case, action="registered").document == decision
    uploaded = Document.objects.get(case=case, kind="reg_ministry_decision")
    assert uploaded.reference_number == REF and uploaded.file.read().startswith(b"%PDF")
    appeal = Appeal.objects.get(proceeding=proceeding)
    assert (appeal.outcome, appeal.ministry_reference, appeal.outcome_on, appeal.ministry_notified_on,
            appeal.ministry_document) == ("dismissed", REF, date(2026, 11, 10), date(2026, 11, 16), uploaded)
    assert history(case) == [f"Odvolací orgán rozhodnutím č. j. {REF} ze dne 10. 11. 2026 (oznámeno 16. 11. 2026): "
                             "odvolání zamítnuto a rozhodnutí potvrzeno (§ 90 odst. 5 správního řádu); "
                             "poznámka: Doručeno datovou schránkou."]
    assert appeal.note == "Rozhodnutí odpovídá podkladům."  # the office's stanovisko (§ 88) is kept
    event = CaseEvent.objects.get(case=case, action="appeal_outcome")
    assert event.actor == officer and event.before["outcome"] == "postoupeno ministerstvu (§ 88)"
    assert history(case, "finality") == ["Právní moc potvrzena ke dni 16. 11. 2026"]
    page = case_page(officer, case)
    assert (f'<span class="badge green document-note">potvrzeno</span> <span class="muted">rozhodnutím odvolacího '
            f'orgánu č. j. {REF} ze dne 10. 11. 2026 (§ 90 odst. 5 správního řádu)</span>') in page


def test_dismissed_as_inadmissible_finality_is_the_day_after_the_appeal_period(officer):
    """§ 92 odst. 1 with § 85 odst. 1: an inadmissible appeal has no suspensive effect."""
    process, proceeding = forwarded(officer)
    do(process, F.ministry_outcome, officer, **ministry("dismissed_late", outcome_on=date(2026, 11, 10),
                                                       notified_on=date(2026, 11, 12)))
    proceeding.refresh_from_db()
    case = Case.objects.get(pk=process.case_id)
    assert proceeding.final_on == date(2026, 10, 7)
    assert RegisteredService.objects.get(provider=proceeding.provider).registered_on == date(2026, 10, 7)
    assert case.state == Case.State.CLOSED and case.deadline is None
    assert history(case) == [f"Odvolací orgán rozhodnutím č. j. {REF} ze dne 10. 11. 2026 (oznámeno 12. 11. 2026): "
                             "odvolání zamítnuto jako opožděné nebo nepřípustné (§ 92 odst. 1 správního řádu)"]
    assert history(case, "finality") == ["Právní moc potvrzena ke dni 7. 10. 2026"]


def test_cancelled_and_returned_the_office_decides_again_bound_by_the_ministrys_view(officer, docx_text):
    process, proceeding = forwarded(officer, proposal="refused")
    refusal = Document.objects.get(case=proceeding.case, kind="reg_decision_refusal")
    with pytest.raises(ValidationError, match="závazný právní názor"):
        do(process, F.ministry_outcome, officer, **ministry("cancelled_returned", notified_on=date(2026, 11, 10)))
    view = "Právo užívat prostory prokazuje i smlouva o budoucí nájemní smlouvě."
    do(process, F.ministry_outcome, officer, **ministry("cancelled_returned", outcome_on=date(2026, 11, 5),
                                                       notified_on=date(2026, 11, 10), binding_view=view))
    proceeding.refresh_from_db()
    case = Case.objects.get(pk=process.case_id)
    # the proceeding resumes at the office: a new assessment and decision, 30 days from the notification
    assert proceeding.phase == Proceeding.Phase.ASSESSMENT and proceeding.final_on is None
    assert proceeding.decided_on is None and proceeding.appeal_deadline is None
    assert case.state == Case.State.OPEN and case.state_detail == "věc vrácena odvolacím orgánem k novému projednání"
    assert case.deadline == date(2026, 12, 10)
    assert open_task(process, F.assess)
    assert not RegisteredService.objects.exists() and not RegistryVersion.objects.exclude(action="provider_created").exists()
    appeal = Appeal.objects.get(proceeding=proceeding)
    uploaded = Document.objects.get(case=case, kind="reg_ministry_decision")
    assert appeal.binding_view == view and appeal.superseded_by == uploaded and appeal.decision == refusal
    assert history(case) == [f"Odvolací orgán rozhodnutím č. j. {REF} ze dne 5. 11. 2026 (oznámeno 10. 11. 2026): "
                             "rozhodnutí zrušeno a věc vrácena k novému projednání (§ 90 odst. 1 písm. b) správního "
                             f"řádu); rozhodnutí č. j. {refusal.reference_number} zrušeno"]
    assert history(case, "reopened") == [
        f"Řízení pokračuje po zrušení rozhodnutí odvolacím orgánem; úřad je vázán jeho právním názorem: {view}"]
    page = case_page(officer, case)
    assert (f'<span class="badge red document-note">zrušeno</span> <span class="muted">rozhodnutím odvolacího orgánu '
            f'č. j. {REF} ze dne 5. 11. 2026 (§ 90 odst. 1 písm. b) správního řádu)</span>') in page
    assert view in page
    # the officer sees the binding view beside the new assessment
    client = Client()
    client.force_login(officer)
    url, _ = task_url(process, F.assess)
    assert view in client.get(url).content.decode()

    # decided again as the ministry's view says: registration, final on the waiver
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted", omit_reasoning=True)
    new = Document.objects.get(case=case, kind="reg_decision_registration")
    issued = czech_date(timezone.localtime(refusal.created_at).date())
    text = " ".join(docx_text(new).split())
    assert (f"rozhodnutím č. j. {REF} ze dne 5. 11. 2026 zrušilo podle § 90 odst. 1 písm. b) správního řádu "
            f"rozhodnutí č. j. {refusal.reference_number} ze dne {issued} a věc vrátilo k novému projednání") in text
    assert f"vázán právním názorem odvolacího orgánu: {view}" in text
    assert "§ 87" not in text
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=date(2026, 11, 20), collected_on=date(2026, 11, 20))
    do(process, F.appeal_period, officer, waived_on=date(2026, 11, 23))
    service = RegisteredService.objects.get(provider=proceeding.provider)
    assert service.registered_on == date(2026, 11, 23)
    assert RegistryVersion.objects.get(case=case, action="registered").document == new


def test_cancelled_and_stopped_the_case_ends_and_nothing_is_written(officer):
    process, proceeding = forwarded(officer)
    decision = Document.objects.get(case=proceeding.case, kind="reg_decision_registration")
    do(process, F.ministry_outcome, officer, **ministry("cancelled_stopped", outcome_on=date(2026, 11, 10),
                                                       notified_on=date(2026, 11, 13)))
    process.refresh_from_db()
    proceeding.refresh_from_db()
    case = Case.objects.get(pk=process.case_id)
    assert process.status == "DONE"
    assert proceeding.outcome == Proceeding.Outcome.TERMINATED and proceeding.final_on == date(2026, 11, 13)
    assert proceeding.phase == Proceeding.Phase.FINAL
    assert case.state == Case.State.CLOSED and case.deadline is None
    assert case.state_detail == "pravomocně: řízení zastaveno"
    assert not RegisteredService.objects.exists() and not RegistryVersion.objects.exclude(action="provider_created").exists()
    assert history(case) == [
        f"Odvolací orgán rozhodnutím č. j. {REF} ze dne 10. 11. 2026 (oznámeno 13. 11. 2026): rozhodnutí zrušeno "
        f"a řízení zastaveno (§ 90 odst. 1 písm. a) správního řádu); rozhodnutí č. j. {decision.reference_number} zrušeno",
        "Řízení zastaveno odvolacím orgánem; do rejstříku se nic nezapíše"]
    page = case_page(officer, case)
    assert (f'<span class="badge red document-note">zrušeno</span> <span class="muted">rozhodnutím odvolacího orgánu '
            f'č. j. {REF} ze dne 10. 11. 2026 (§ 90 odst. 1 písm. a) správního řádu)</span>') in page


def test_changed_a_refusal_to_registration_over_http_the_registry_follows_the_ministry(officer):
    process, proceeding = forwarded(officer, proposal="refused")
    refusal = Document.objects.get(case=proceeding.case, kind="reg_decision_refusal")
    client = Client()
    client.force_login(officer)
    url, _ = task_url(process, F.ministry_outcome)
    form = client.get(url)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    data = {"outcome": "changed", "ministry_reference": REF, "outcome_on": "2026-11-10", "notified_on": "2026-11-16"}
    # without what the changed decision says, nothing is written and the form says why (in Czech)
    bad = client.post(url, {**data, "document": SimpleUploadedFile("rozhodnuti.pdf", b"%PDF-1.4 x")})
    assert bad.status_code == 200 and "Uveďte, jak zní rozhodnutí" in bad.content.decode()
    assert not Document.objects.filter(case=proceeding.case, kind="reg_ministry_decision").exists()
    ok = client.post(url, {**data, "changed_to": "granted",
                           "document": SimpleUploadedFile("rozhodnuti.pdf", b"%PDF-1.4 x")})
    assert ok.status_code == 302
    process.refresh_from_db()
    proceeding.refresh_from_db()
    case = Case.objects.get(pk=process.case_id)
    assert process.status == "DONE"
    assert proceeding.outcome == Proceeding.Outcome.GRANTED and proceeding.final_on == date(2026, 11, 16)
    assert case.state == Case.State.CLOSED and case.deadline is None
    # the registry is written from the changed decision's finality and names the ministry's decision
    uploaded = Document.objects.get(case=case, kind="reg_ministry_decision")
    service = RegisteredService.objects.get(provider=proceeding.provider)
    assert service.registered_on == date(2026, 11, 16)
    assert RegistryVersion.objects.get(case=case, action="registered").document == uploaded
    appeal = Appeal.objects.get(proceeding=proceeding)
    assert appeal.changed_to == "granted" and appeal.superseded_by == uploaded
    assert history(case) == [
        f"Odvolací orgán rozhodnutím č. j. {REF} ze dne 10. 11. 2026 (oznámeno 16. 11. 2026): rozhodnutí změněno "
        f"(§ 90 odst. 1 písm. c) správního řádu); rozhodnutí č. j. {refusal.reference_number} nahrazeno; "
        "změněné rozhodnutí: vyhověno",
        "Rozhodnutí změněno odvolacím orgánem: vyhověno"]
    event = CaseEvent.objects.filter(case=case, action="appeal_outcome").order_by("pk").last()
    assert event.actor == officer and (event.before, event.after) == ({"proposal": "zamítnuto"}, {"proposal": "vyhověno"})
    page = case_page(officer, case)
    assert (f'<span class="badge amber document-note">nahrazeno</span> <span class="muted">rozhodnutím odvolacího '
            f'orgánu č. j. {REF} ze dne 10. 11. 2026 (§ 90 odst. 1 písm. c) správního řádu)</span>') in page


def test_autoremedy_marks_the_appealed_decision_replaced_on_the_case_page(officer):
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), received_on=date(2026, 9, 1),
                            services=[ServiceDataFactory()])
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions", missing=("cond_premises",)),
       proposal="refused", reasoning="Chybí právo užívat prostory.")
    do(process, F.deliver_evidence_notice, officer, channel="data_box", ready_on=date(2026, 9, 10),
       collected_on=date(2026, 9, 10))
    do(process, F.await_comments, officer)
    do(process, F.deliver_decision, officer, channel="data_box", ready_on=DELIVERED, collected_on=DELIVERED)
    do(process, F.appeal_period, officer, appeal_received_on=date(2026, 9, 30))
    do(process, F.decide_appeal, officer, route="autoremedy", note="Nájemní smlouva doložena.",
       forwarded_on=date(2026, 10, 5))
    page = case_page(officer, process.case)
    assert "document-note" not in page  # granted, but the new decision is not issued yet
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted", omit_reasoning=True)
    new = Document.objects.get(case=process.case, kind="reg_decision_registration")
    issued = czech_date(timezone.localtime(new.created_at).date())
    page = case_page(officer, process.case)
    assert (f'<span class="badge amber document-note">nahrazeno</span> <span class="muted">rozhodnutím '
            f'č. j. {new.reference_number} ze dne {issued} (§ 87 správního řádu)</span>') in page
    assert page.count("document-note") == 1


def test_the_catalogue_lists_every_ministry_outcome_with_its_citation_and_the_form_offers_them(officer):
    from pathlib import Path

    from registrations.forms import MinistryOutcomeForm
    from workflows.acts import received_acts

    records = {r["code"]: r for r in received_acts("registrations")}
    assert list(records) == list(Appeal.MINISTRY_OUTCOMES)
    assert {code: r["legal_basis"] for code, r in records.items()} == {
        "dismissed": "§ 90 odst. 5 správního řádu",
        "dismissed_late": "§ 92 odst. 1 správního řádu",
        "cancelled_returned": "§ 90 odst. 1 písm. b) správního řádu",
        "cancelled_stopped": "§ 90 odst. 1 písm. a) správního řádu",
        "changed": "§ 90 odst. 1 písm. c) správního řádu",
    }
    for record in records.values():
        assert record["issued_by"].startswith("Ministerstvo práce a sociálních věcí") and record["review_note"]
    choices = dict(MinistryOutcomeForm().fields["outcome"].choices)
    assert choices["changed"] == "Rozhodnutí změněno (§ 90 odst. 1 písm. c) správního řádu)"
    doc = (Path(__file__).resolve().parents[2] / "docs" / "acts.md").read_text(encoding="utf-8")
    for record in records.values():
        assert f"#### {record['title']} (`{record['code']}`)" in doc


def test_a_received_act_without_its_effect_is_refused_by_the_catalogue(tmp_path):
    from workflows import acts

    path = tmp_path / "acts.yaml"
    path.write_text("acts: []\nreceived:\n  - code: dismissed\n    title: Zamítnuto\n    legal_basis: § 90 odst. 5\n"
                    "    issued_by: MPSV\n", encoding="utf-8")
    with pytest.raises(acts.CatalogueError, match="přijímaný akt dismissed: chybí effect"):
        acts._parse("registrations", path)


def test_the_migration_renames_the_two_old_outcomes(officer):
    """Before this set the ministry could only "uphold" (§ 90 odst. 5) or "annul" (= cancel and return)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("registrations.migrations.0010_ministry_outcomes")
    process, proceeding = forwarded(officer)
    appeal = Appeal.objects.get(proceeding=proceeding)
    other = Appeal.objects.create(proceeding=proceeding, received_on=date(2026, 10, 1))
    Appeal.objects.filter(pk=appeal.pk).update(outcome="upheld")
    Appeal.objects.filter(pk=other.pk).update(outcome="annulled")
    migration.rename_outcomes(apps, None)
    assert dict(Appeal.objects.values_list("pk", "outcome")) == {appeal.pk: "dismissed", other.pk: "cancelled_returned"}
    migration.restore_outcomes(apps, None)
    assert dict(Appeal.objects.values_list("pk", "outcome")) == {appeal.pk: "upheld", other.pk: "annulled"}
