"""Finding 9: a Viewflow task URL answers 404 when the task is not a task of the process
(or of the node) in the URL."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.workflows.factories import CaseFactory, TaskFactory, days

pytestmark = pytest.mark.django_db

SUFFIXES = ["", "detail/", "assign/", "unassign/", "execute/"]


def test_task_of_another_process_is_a_404(demo_users):
    mine = TaskFactory(case=CaseFactory(title="Můj", deadline=days(3)), owner=demo_users["referent"])
    other = TaskFactory(case=CaseFactory(title="Cizí", deadline=days(3)))
    client = Client()
    client.force_login(demo_users["vedouci"])
    tried = 0
    for suffix in SUFFIXES:
        good = f"/app/workflow/flows/letter/{mine.process_id}/repair/{mine.pk}/{suffix}"
        wrong_process = f"/app/workflow/flows/letter/{other.process_id}/repair/{mine.pk}/{suffix}"
        assert client.get(good).status_code != 404, good
        assert client.get(wrong_process).status_code == 404, wrong_process
        assert client.post(wrong_process).status_code == 404, wrong_process
        tried += 1
    assert client.get(f"/app/workflow/flows/letter/{mine.process_id}/send/{mine.pk}/").status_code == 404
    assert client.get(f"/app/workflow/flows/letter/{mine.process_id}/repair/999999/").status_code == 404
    assert tried == len(SUFFIXES)
