"""The shared reminder scan sees a registration step's deadline (Case.deadline) and its assignee."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from registrations.flows.registration import RegistrationFlow as F
from workflows.models import Reminder
from workflows.reminders import scan_deadlines

from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory

pytestmark = pytest.mark.django_db


def test_missed_decision_deadline_reminds_officer_and_head_once(officer, demo_users, django_capture_on_commit_callbacks,
                                                                tasks_in_process):
    received = timezone.localdate() - timedelta(days=33)
    process = F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()], received_on=received)
    case = process.case
    case.refresh_from_db()
    assert case.deadline < timezone.localdate()  # 30 days from receipt, already missed
    with django_capture_on_commit_callbacks(execute=True):
        scan_deadlines()
        scan_deadlines()  # idempotent
    missed = Reminder.objects.filter(case=case, kind="missed")
    assert {r.recipient.username for r in missed} == {"referent", "vedouci"}
    assert any(case.file_mark in m.subject for m in mail.outbox)
