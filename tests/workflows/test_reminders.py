import datetime

import pytest
from django.core import mail

from registrations.models import RegistrationCaseKind
from tests.flowkit import claim, letter_with_failed_render
from workflows import deadlines
from workflows.cases import case_open
from workflows.models import Case, Notification, Reminder
from workflows.reminders import due_cases, scan_deadlines

DEADLINE = datetime.date(2026, 12, 28)  # Mon; 24-26 Dec holidays/Sat → 5 working days before: Thu 2026-12-17


@pytest.fixture
def assigned_case(demo_users, no_dispatch):
    """A case whose one open step (a letter's repair) is assigned to the officer."""
    case = case_open(kind=RegistrationCaseKind.LETTER, title="Odpověď na dotaz", deadline=DEADLINE)
    _, repair = letter_with_failed_render(case, subject="s", body="b")
    claim(repair, demo_users["referent"])
    return case


def test_reminders_are_sent_once_per_kind(assigned_case, demo_users, django_capture_on_commit_callbacks, tasks_in_process):
    assert deadlines.add_working_days(DEADLINE, -5) == datetime.date(2026, 12, 17)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan_deadlines(datetime.date(2026, 12, 16))["sent"] == 0
        assert scan_deadlines(datetime.date(2026, 12, 17))["sent"] == 1
        assert scan_deadlines(datetime.date(2026, 12, 17))["sent"] == 0
        assert scan_deadlines(datetime.date(2026, 12, 27))["sent"] == 1  # before_1 (Wed 23rd) caught up
        missed = scan_deadlines(datetime.date(2026, 12, 29))
        assert missed["sent"] == 2  # the assignee and the head
        assert scan_deadlines(datetime.date(2026, 12, 30))["sent"] == 0
    kinds = sorted(Reminder.objects.values_list("recipient__username", "kind"))
    assert kinds == [("referent", "before_1"), ("referent", "before_5"), ("referent", "missed"), ("vedouci", "missed")]
    assert len(mail.outbox) == 4 and "Zmeškaná lhůta 28. 12. 2026" in mail.outbox[-1].subject
    # the same four in the bells (the retried mail task sent them): reminders to the officer, escalation to the head
    notes = sorted(Notification.objects.values_list("user__username", "kind", "mail"))
    assert notes == [("referent", "reminder", "sent")] * 3 + [("vedouci", "escalation", "sent")]


def test_scan_touches_only_cases_due_in_the_window(assigned_case):
    far = case_open(kind=RegistrationCaseKind.LETTER, title="daleko", deadline=datetime.date(2027, 6, 1))
    closed = case_open(kind=RegistrationCaseKind.LETTER, title="uzavřený", deadline=DEADLINE)
    Case.objects.filter(pk=closed.pk).update(state=Case.State.CLOSED)
    ids = set(due_cases(datetime.date(2026, 12, 22)).values_list("pk", flat=True))
    assert ids == {assigned_case.pk} and far.pk not in ids
