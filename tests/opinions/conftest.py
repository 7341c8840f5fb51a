"""Fixtures of the opinion agenda: catalogues, the two seed plans, calls, a request."""

from __future__ import annotations

from pathlib import Path

import pytest

# the repository's own copies of the two seed plans (byte for byte the design's seeds 000 and 001,
# the same files the demo imports), so a clone with nothing beside it runs every opinion test
PLANS_DIR = Path(__file__).resolve().parents[2] / "opinions" / "data" / "plans"
KK_PLAN = PLANS_DIR / "karlovarsky-kraj-plan-prace-2011-2012.txt"
LK_PLAN = PLANS_DIR / "liberecky-kraj-sprss-2014-2017-karty.txt"


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """The applicant's e-mail task runs in-process unless the test has a real worker."""
    if not {"celery_worker", "fresh_worker", "workers"} & set(request.fixturenames):
        request.getfixturevalue("tasks_in_process")


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture
def catalogues(demo_users):
    from opinions.catalogues import load_individual_projects

    from .factories import CallFactory

    load_individual_projects()
    call56 = CallFactory()
    call30 = CallFactory(roma=True)
    return {"programme": call56.programme, "area31": call56.area, "area32": call30.area, "call56": call56,
            "call30": call30, "users": demo_users}


@pytest.fixture
def kk_plan(catalogues):
    from opinions.plan_import import import_plan

    return import_plan(seed_text(KK_PLAN), region_name="Karlovarský kraj", region_code="KK").plan


@pytest.fixture
def lk_plan(catalogues):
    from opinions.plan_import import import_plan

    return import_plan(seed_text(LK_PLAN), region_name="Liberecký kraj", region_code="LK").plan


def request_data(catalogues, **overrides) -> dict:
    """A request under call 56 (``OpinionRequestFactory``), with the test's overrides."""
    from .factories import OpinionRequestFactory

    return OpinionRequestFactory(**{"call": catalogues["call56"], **overrides})
