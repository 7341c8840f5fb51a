"""The opinion demo data: every state of the flow, idempotent."""

import pytest

from opinions import demo
from opinions.models import Opinion, Plan

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_covers_the_states(demo_users):
    first = demo.seed()
    assert "nová vyjádření 7" in first
    assert {p.region_name for p in Plan.objects.all()} == {"Karlovarský kraj", "Liberecký kraj"}
    states = set(Opinion.objects.values_list("status", flat=True))
    assert {"drafting", "waiting", "returned", "issued"} <= states
    issued = Opinion.objects.get(status="issued")
    assert issued.document and issued.document.reference_number
    assert Opinion.objects.filter(ip_warnings__strength="strong").exists()
    assert Opinion.objects.filter(too_late=False, case__deadline__isnull=False).count() >= 5
    second = demo.seed()
    assert "nová vyjádření 0" in second and "beze změn" in second
    assert Opinion.objects.count() == 7
