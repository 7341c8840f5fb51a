"""Fixtures of the registration agenda (the flows are driven by tests/flowkit.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def jobs_in_process(request):
    """Registration tests run their jobs in-process (``flowkit.run_jobs``); only the worker
    tests use the real broker."""
    if "celery_worker" not in request.fixturenames:
        request.getfixturevalue("no_dispatch")


@pytest.fixture
def officer(demo_users):
    from registrations.catalogues import ensure_default_checklist

    ensure_default_checklist()  # a transactional test before us may have flushed migration data
    return demo_users["referent"]
