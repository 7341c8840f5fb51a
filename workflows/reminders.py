"""Deadline reminders and escalation (deadlines.md, "Reminders and escalation").

The assignee hears 5 and 1 working days before the current step's deadline
(``Case.deadline``) and on the day it is missed; the department head hears once of each
missed deadline (escalation). Each goes to the user's notifications (the bell) and, if they keep
that kind by e-mail, out through the retried mail task (``workflows.notify``). A ``Reminder`` row per (case, deadline, kind, recipient) makes the scan
idempotent however often it runs or retries. The scan reads only cases whose deadline
lies in a short window around today (an index range on ``deadline``), never all open
cases; a scan that did not run for a few days still catches up within the window.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import deadlines
from .documents import czech_date
from .models import Case, Reminder
from .permissions import ROLE_HEAD

CATCH_UP_DAYS = 7
ACTIVE_STATES = (Case.State.OPEN, Case.State.WAITING)


def due_cases(today: date):
    before = max(settings.OSV_REMINDER_WORKING_DAYS or (0,))
    window_end = deadlines.add_working_days(today, before)
    return (
        Case.objects.filter(state__in=ACTIVE_STATES, deadline__gte=today - timedelta(days=CATCH_UP_DAYS),
                            deadline__lte=window_end)
        .only("pk", "deadline", "file_mark", "title", "kind")
        .order_by("deadline", "pk")
    )


def _assignees(case_ids: list[int]) -> dict[int, set[int]]:
    owners: dict[int, set[int]] = {}
    rows = Task.objects.filter(
        process__caseprocess__case_id__in=case_ids,
        status__in=[STATUS.ASSIGNED, STATUS.STARTED],
        owner__isnull=False,
    ).values_list("process__caseprocess__case_id", "owner_id")
    for case_id, owner_id in rows:
        owners.setdefault(case_id, set()).add(owner_id)
    return owners


def _kinds_due(deadline: date, today: date) -> list[str]:
    return [kind for kind, when in deadlines.reminder_dates(deadline) if when <= today]


def _message(case: Case, kind: str) -> str:
    label = f"{case.file_mark} – {case.title}"
    if kind == "missed":
        return f"Zmeškaná lhůta {czech_date(case.deadline)}: {label}"
    days = kind.removeprefix("before_")
    return f"Za {days} prac. dní ({czech_date(case.deadline)}) končí lhůta: {label}"


def _send(case: Case, kind: str, user, *, escalation: bool = False) -> bool:
    from django.urls import reverse

    from .notify.models import Notification
    from .notify.services import notify

    key = f"{case.pk}:{case.deadline.isoformat()}:{kind}:{user.pk}"
    message = _message(case, kind)
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key, case=case, recipient=user, kind=kind, message=message,
                                    deadline=case.deadline)
            # the bell always; the e-mail if the user keeps this kind by e-mail (retried task)
            notify(user=user, kind=Notification.Kind.ESCALATION if escalation else Notification.Kind.REMINDER,
                   message=message, case=case, url=reverse("cases:case_detail", args=[case.pk]))
    except IntegrityError:
        return False  # already sent
    return True


def scan_deadlines(today: date | None = None) -> dict[str, int]:
    """Send every reminder that is due and not sent yet; returns counts for logs."""
    today = today or timezone.localdate()
    cases = list(due_cases(today))
    owners = _assignees([c.pk for c in cases])
    User = get_user_model()
    users = {u.pk: u for u in User.objects.filter(pk__in={pk for s in owners.values() for pk in s})}
    heads = list(User.objects.filter(groups__name=ROLE_HEAD, is_active=True))
    counts = {"cases": len(cases), "sent": 0}
    for case in cases:
        for kind in _kinds_due(case.deadline, today):
            recipients = [users[pk] for pk in owners.get(case.pk, ())]
            if kind == "missed":
                recipients += [h for h in heads if h.pk not in owners.get(case.pk, ())]
            for user in recipients:
                escalation = kind == "missed" and user.pk not in owners.get(case.pk, ())
                counts["sent"] += _send(case, kind, user, escalation=escalation)
    return counts
