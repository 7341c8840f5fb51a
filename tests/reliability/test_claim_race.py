"""Two officers claim the same task at the same moment: exactly one owner, every time.

Three levels: our claim button (``cases:claim``, 50 rounds — Viewflow's assign transition
under the flow lock, with a Czech message for the one who lost), the bare activation, and
Viewflow's stock claim view (which answers the loser with a plain 403).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests.reliability.conftest import run_together

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 50
ACTIVATION_ROUNDS = 10


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


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages._queued_messages]  # this request's only


def test_fifty_simultaneous_claims_through_the_claim_button(failed_letter, demo_users):
    _, repair = failed_letter()
    a, b = demo_users["referent"], demo_users["referent2"]
    url = reverse("cases:claim", args=[repair.pk])
    clients = {}
    for user in (a, b):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    for round_no in range(ROUNDS):
        results = run_together(lambda: clients[a.pk].post(url), lambda: clients[b.pk].post(url))
        assert not any(isinstance(r, BaseException) for r in results), results
        assert [r.status_code for r in results] == [302, 302]
        msgs = [messages_of(r) for r in results]
        won = [any("jste převzal" in m for m in ms) for ms in msgs]
        assert won.count(True) == 1, (round_no, msgs)
        loser = msgs[won.index(False)]
        assert any("Úkol už převzal(a)" in m and "jiný úkol" in m for m in loser), loser
        winner = (a, b)[won.index(True)]
        task = Task.objects.get(pk=repair.pk)
        assert task.status == STATUS.ASSIGNED and task.owner_id == winner.pk
        with task.activation() as activation:  # give it back for the next round
            activation.unassign()


def test_simultaneous_claims_on_the_activation_give_exactly_one_owner(failed_letter, demo_users):
    _, repair = failed_letter()
    a, b = demo_users["referent"], demo_users["referent2"]
    winners = []
    for round_no in range(ACTIVATION_ROUNDS):
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
    assert len(winners) == ACTIVATION_ROUNDS


def test_simultaneous_claims_over_http_one_owner_the_other_refused(failed_letter, demo_users):
    """The stock Viewflow claim view: one redirect (owner), the other 403, never two owners."""
    process, repair = failed_letter()
    a, b = demo_users["referent"], demo_users["referent2"]
    url = f"/app/workflow/flows/letter/{process.pk}/repair/{repair.pk}/assign/"
    clients = {}
    for user in (a, b):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    for round_no in range(4):
        results = run_together(lambda: clients[a.pk].post(url), lambda: clients[b.pk].post(url))
        statuses = sorted(r.status_code for r in results)
        assert statuses == [302, 403], statuses
        task = Task.objects.get(pk=repair.pk)
        winner = a if results[0].status_code == 302 else b
        assert task.owner_id == winner.pk and task.status == STATUS.ASSIGNED
        with task.activation() as activation:
            activation.unassign()
