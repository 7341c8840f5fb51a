"""Fixtures of the opinion agenda: catalogues, the two seed plans, calls, helpers to drive the flow."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS_DIR = Path(os.environ.get("OSV_SEEDS_DIR", REPO.parent / "shared" / "seeds"))
KK_PLAN = SEEDS_DIR / "000_f437bd62eee4e5d3.txt"
LK_PLAN = SEEDS_DIR / "001_c1cc851ef9f5f2e0.txt"


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """The applicant's e-mail task runs in-process unless the test has a real worker."""
    if not {"celery_worker", "fresh_worker", "workers"} & set(request.fixturenames):
        request.getfixturevalue("tasks_in_process")


def seed_text(path: Path) -> str:
    if not path.exists():
        pytest.skip(f"seed file {path} not found (set OSV_SEEDS_DIR)")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def catalogues(demo_users):
    from opinions.catalogues import load_individual_projects, load_programmes
    from opinions.models import AreaOfSupport, Call

    programme = load_programmes()
    load_individual_projects()
    area31 = AreaOfSupport.objects.get(programme=programme, code="3.1")
    area32 = AreaOfSupport.objects.get(programme=programme, code="3.2")
    call56 = Call.objects.create(programme=programme, number="56", area=area31, name="Podpora sociálních služeb",
                                 opens_on=date(2011, 3, 1), submission_deadline=date(2030, 6, 30))
    call30 = Call.objects.create(programme=programme, number="30", area=area32, name="Romské lokality",
                                 opens_on=date(2011, 3, 1), submission_deadline=date(2030, 6, 30))
    return {"programme": programme, "area31": area31, "area32": area32, "call56": call56, "call30": call30,
            "users": demo_users}


@pytest.fixture
def kk_plan(catalogues):
    from opinions.plan_import import import_plan

    return import_plan(seed_text(KK_PLAN), region_name="Karlovarský kraj", region_code="KK").plan


@pytest.fixture
def lk_plan(catalogues):
    from opinions.plan_import import import_plan

    return import_plan(seed_text(LK_PLAN), region_name="Liberecký kraj", region_code="LK").plan


def request_data(catalogues, **overrides) -> dict:
    data = dict(
        applicant_ico="70832749",
        applicant_name="Pečovatelská služba Sokolov, p.o.",
        applicant_address="Sokolovská 1, 356 01 Sokolov",
        project_title="Rozvoj pečovatelské služby a osobní asistence pro seniory",
        call=catalogues["call56"],
        area="3.1",
        service_types=["40", "39"],
        target_groups=["S"],
        whole_region=False,
        districts=["Sokolov"],
        period_start=date(2011, 7, 1),
        period_end=date(2012, 6, 30),
        budget="1500000",
        contact_email="projekt@example.invalid",
    )
    data.update(overrides)
    return data
