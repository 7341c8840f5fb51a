"""Two officers claim the same task at the same moment: exactly one owner, every time."""

from __future__ import annotations

import pytest
from django.test import Client
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests.reliability.conftest import run_together
from workflows.flows.letter import LetterFlow

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 50


def claim(task_pk: int, user) -> tuple[bool, str]:
    """What a claim button does: Viewflow's assign transition under the flow lock.
    The loser gets a sentence naming who has the task."""
    task = Task.objects.get(pk=task_pk)
    try:
        with task.activation() as activation:
            if activation.assign.can_proceed() and activation.assign.has_perm(user):
                activation.assign(user)
                return True, f"Úkol „{task.flow_task}“ je váš."
            owner = activation.task.owner
            name = owner.get_full_name() or owner.get_username() if owner else "jiný uživatel"
            return False, f"Úkol už převzal(a) {name}; nelze jej převzít podruhé."
    except FlowLockFailed:
        return False, "Úkol právě zpracovává jiný uživatel; zkuste to prosím znovu."


def test_fifty_simultaneous_claims_give_exactly_one_owner(failed_letter, demo_users):
    _, repair = failed_letter()
    a, b = demo_users["referent"], demo_users["referent2"]
    winners = []
    for round_no in range(ROUNDS):
        first, second = (a, b) if round_no % 2 == 0 else (b, a)
        results = run_together(lambda: claim(repair.pk, first), lambda: claim(repair.pk, second))
        assert not any(isinstance(r, BaseException) for r in results), results
        won = [ok for ok, _ in results]
        assert won.count(True) == 1, (round_no, results)
        loser_message = next(msg for ok, msg in results if not ok)
        assert "převzal" in loser_message or "zkuste" in loser_message
        task = Task.objects.get(pk=repair.pk)
        winner = first if results[0][0] else second
        assert task.status == STATUS.ASSIGNED and task.owner_id == winner.pk
        winners.append(winner.username)
        with task.activation() as activation:  # give it back for the next round
            activation.unassign()
    assert len(winners) == ROUNDS


def test_simultaneous_claims_over_http_one_owner_the_other_refused(failed_letter, demo_users):
    """The stock Viewflow claim view: one redirect (owner), the other 403, never two owners."""
    process, repair = failed_letter()
    a, b = demo_users["referent"], demo_users["referent2"]
    url = f"/app/workflow/flows/letter/{process.pk}/repair/{repair.pk}/assign/"
    clients = {}
    for user in (a, b):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    for round_no in range(6):
        results = run_together(lambda: clients[a.pk].post(url), lambda: clients[b.pk].post(url))
        statuses = sorted(r.status_code for r in results)
        assert statuses == [302, 403], statuses
        task = Task.objects.get(pk=repair.pk)
        winner = a if results[0].status_code == 302 else b
        assert task.owner_id == winner.pk and task.status == STATUS.ASSIGNED
        with task.activation() as activation:
            activation.unassign()
