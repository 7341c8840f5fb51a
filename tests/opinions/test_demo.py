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


def test_demo_switched_to_liberecky_kraj_matches_the_liberec_plan(demo_users, settings):
    from django.conf import settings as dj_settings

    from opinions import selectors

    settings.OSV_REGION_FILE = str(dj_settings.BASE_DIR / "config" / "regions" / "liberecky.yaml")
    assert "nová vyjádření 7" in demo.seed()
    from datetime import date

    plan_regions = {s.item.plan.region_name for o in Opinion.objects.all() for s in selectors.suggestions_for(o)}
    assert plan_regions <= {"Liberecký kraj"}
    found = selectors.suggest_activities(paragraphs=["44"], target_groups=["S"], title="",
                                         period_start=date(2011, 1, 1), period_end=date(2015, 12, 31))
    assert found and {s.item.plan.region_name for s in found} == {"Liberecký kraj"}
    assert found[0].item.number == "A01-01"
    assert not Opinion.objects.filter(ip_warnings__isnull=False).exists()  # the IPs are Karlovarský kraj's
