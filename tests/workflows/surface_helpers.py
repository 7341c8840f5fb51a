"""Helpers for the work-surface tests: cases with open human tasks of a real flow."""

from __future__ import annotations

import datetime

from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from workflows.cases import case_open
from workflows.flows.letter import LetterFlow
from workflows.models import Case, LetterProcess
from registrations.models import RegistrationCaseKind


def make_case(*, title="Dotaz", applicant="Domov Pod Lesem, o.p.s.", ico="25596641", deadline=None,
              kind=RegistrationCaseKind.LETTER, actor=None, state=None, received_on=None) -> Case:
    case = case_open(kind=kind, title=title, applicant_name=applicant, ico=ico, deadline=deadline, actor=actor,
                     received_on=received_on,
                     parties=[{"name": applicant, "ico": ico, "address": "Lesní 12, 350 02 Cheb"}])
    if state:
        Case.objects.filter(pk=case.pk).update(state=state)
        case.refresh_from_db()
    return case


def make_task(case: Case, *, owner=None, status=None) -> Task:
    """An open human task (the letter flow's repair step) on the case."""
    process = LetterProcess.objects.create(case=case, flow_class=LetterFlow, status=PROCESS.NEW)
    status = status or (STATUS.ASSIGNED if owner else STATUS.NEW)
    return Task.objects.create(
        process=process, flow_task=LetterFlow.repair, flow_task_type="HUMAN", status=status, owner=owner,
        owner_permission="workflows.can_repair_letterprocess",
    )


def days(n: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=n)
