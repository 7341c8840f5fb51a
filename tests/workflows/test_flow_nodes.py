"""The flow nodes' own transaction (workflows.flows.nodes.node_atomic): a savepoint only where
Viewflow keeps an error on the task, else the step's transaction itself."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from viewflow.workflow.context import Context

from workflows.flows.nodes import node_atomic

pytestmark = pytest.mark.django_db


def test_a_node_joins_the_step_transaction_when_its_error_propagates():
    with transaction.atomic():
        before = len(connection.savepoint_ids)
        with node_atomic():
            assert connection.savepoint_ids[before:] == [None]  # no savepoint


def test_a_node_whose_error_is_kept_has_its_savepoint():
    with transaction.atomic(), Context(propagate_exception=False):
        before = len(connection.savepoint_ids)
        with node_atomic():
            assert len(connection.savepoint_ids) == before + 1 and connection.savepoint_ids[-1] is not None


def test_an_error_caught_inside_the_step_leaves_nothing_half_written():
    from workflows.models import NumberSequence

    with pytest.raises(transaction.TransactionManagementError):
        with transaction.atomic():
            try:
                with node_atomic():
                    NumberSequence.objects.create(scope="test/node", last_value=1)
                    raise RuntimeError("the node failed")
            except RuntimeError:
                pass
            NumberSequence.objects.count()  # Django refuses: the transaction must roll back
    assert not NumberSequence.objects.filter(scope="test/node").exists()
