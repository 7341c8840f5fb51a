import pytest

from workflows.cases import case_open
from workflows.documents import czech_date, generate_document
from workflows.history import record_event, set_case_deadline, set_case_state
from workflows.models import Case, CaseEvent, Document
from registrations.models import RegistrationCaseKind


@pytest.fixture
def case(demo_users):
    return case_open(
        kind=RegistrationCaseKind.LETTER, title="Dotaz poskytovatele", actor=demo_users["referent"],
        applicant_name="Domov Pod Lesem, o.p.s.", ico="25596641",
        parties=[{"name": "Domov Pod Lesem, o.p.s.", "ico": "25596641", "address": "Lesní 12, 350 02 Cheb"}],
    )


def test_case_gets_file_mark_and_history(case, demo_users):
    assert case.file_mark.startswith("SZ KK/")
    event = case.events.get()
    assert event.action == "opened" and event.actor == demo_users["referent"]
    assert case.file_mark in event.summary


def test_history_is_append_only(case):
    event = case.events.first()
    event.summary = "přepsáno"
    with pytest.raises(RuntimeError, match="jen pro zápis"):
        event.save()
    with pytest.raises(RuntimeError, match="jen pro zápis"):
        event.delete()


def test_state_and_deadline_changes_are_logged_before_after(case, demo_users):
    import datetime

    set_case_state(case=case, state=Case.State.SUSPENDED, detail="výzva", actor=demo_users["referent"])
    set_case_deadline(case=case, deadline=datetime.date(2026, 12, 28), actor=demo_users["referent"])
    state_event, deadline_event = case.events.order_by("pk")[1:3]
    assert state_event.before["state"] == "open" and state_event.after["state"] == "suspended"
    assert deadline_event.after == {"deadline": "2026-12-28"}
    assert "28. 12. 2026" in deadline_event.summary


def test_generate_document_numbers_hashes_versions_and_escapes(case, docx_text):
    hostile = "<script>alert(1)</script> & {{ secret }} {% raw %}"
    doc = generate_document(
        case=case, kind="letter", title="Dopis", template_code="letter",
        context={"subject": "Odpověď", "body_paragraphs": [hostile, "Druhý odstavec"]},
        source_key="test:1",
    )
    assert doc.version == 1 and doc.reference_number.startswith("KK/")
    with doc.file.open("rb") as fh:
        assert Document.hash_bytes(fh.read()) == doc.sha256
    text = docx_text(doc)
    assert hostile in text
    assert doc.reference_number in text and case.file_mark in text
    assert "Krajský úřad Karlovarského kraje" in text and "Domov Pod Lesem, o.p.s.\nIČO 25596641" in text
    assert CaseEvent.objects.filter(case=case, action="document", document=doc).exists()

    again = generate_document(
        case=case, kind="letter", title="Dopis", template_code="letter",
        context={"subject": "jiný", "body_paragraphs": []}, source_key="test:1",
    )
    assert again.pk == doc.pk and Document.objects.count() == 1
    second = generate_document(
        case=case, kind="letter", title="Dopis", template_code="letter",
        context={"subject": "Oprava", "body_paragraphs": []}, source_key="test:2",
    )
    assert second.version == 2 and second.reference_number != doc.reference_number


def test_failed_render_burns_no_number_and_writes_nothing(case):
    with pytest.raises(FileNotFoundError):
        generate_document(case=case, kind="x", title="x", template_code="does-not-exist", context={}, source_key="k")
    assert not Document.objects.exists()
    ok = generate_document(case=case, kind="letter", title="x", template_code="letter",
                           context={"subject": "s", "body_paragraphs": []}, source_key="k2")
    assert ok.reference_number.split("/")[1] == "1"


def test_czech_date():
    import datetime

    assert czech_date(datetime.date(2026, 11, 24)) == "24. 11. 2026"


def test_record_event_ignores_anonymous_actor(case):
    from django.contrib.auth.models import AnonymousUser

    event = record_event(case=case, action=CaseEvent.Action.STATE, summary="s", actor=AnonymousUser())
    assert event.actor is None


def test_record_event_refuses_an_undeclared_action(case):
    with pytest.raises(ValueError, match="Unknown case history action 'x'"):
        record_event(case=case, action="x", summary="s")
    assert not CaseEvent.objects.filter(case=case, action="x").exists()


def test_a_rolled_back_render_leaves_no_stray_file(case):
    from pathlib import Path

    from django.db import transaction

    def render():
        return generate_document(case=case, kind="letter", title="x", template_code="letter",
                                 context={"subject": "s", "body_paragraphs": []}, source_key="retry:1")

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            stray = render().file
            raise RuntimeError("worker killed before commit")
    path = Path(stray.storage.path(stray.name))
    assert path.exists()  # what a killed attempt leaves behind
    again = render()
    assert again.file.name == stray.name  # the retry replaced it instead of adding a second file
    assert list(path.parent.glob("*" + path.name[-16:])) == [path]
