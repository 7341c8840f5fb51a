"""Demo data: several providers in different states, idempotent."""

import pytest

from registrations import demo
from registrations.models import ChangeNotice, Proceeding, Provider, RegisteredService, RegistryVersion
from workflows.models import Case

pytestmark = pytest.mark.django_db


def test_demo_seed_is_alive_and_idempotent(demo_users):
    result = demo.seed()
    assert "Domov Slunečnice" in result
    assert Provider.objects.count() == 6
    assert RegisteredService.objects.filter(state="active").count() >= 5
    assert RegisteredService.objects.exclude(national_id="").exists()
    assert Case.objects.filter(state=Case.State.SUSPENDED).exists()
    assert ChangeNotice.objects.filter(is_late=True).exists()
    assert Proceeding.objects.filter(kind="cancellation", ex_officio=True, phase="assessment").exists()
    assert Proceeding.objects.filter(phase="appeal_period").exists()
    assert RegistryVersion.objects.filter(action="notice").exists()
    counts = (Case.objects.count(), RegistryVersion.objects.count())
    assert demo.seed() == "beze změn"
    assert (Case.objects.count(), RegistryVersion.objects.count()) == counts
