"""Double submits: one transition, one document, one č. j.

The opinion agenda's "head approves" step is not in the tree yet; until it lands these run
the same guarantees on the letter flow: a View task submitted twice at the same moment
(the officer's "repair and retry" after a failed rendering), and the render job delivered
twice at the same moment (a broker redelivery racing the first delivery).
"""

from __future__ import annotations

import pytest
from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests.flowkit import claim
from tests.reliability.conftest import new_letter_case, render_task, run_together
from workflows import jobs
from workflows.flows.letter import LetterFlow, letter_send
from workflows.models import Document, NumberSequence

pytestmark = pytest.mark.django_db(transaction=True)


def cj_counter() -> int:
    return sum(NumberSequence.objects.filter(scope__startswith="cj/").values_list("last_value", flat=True))


def test_view_task_submitted_twice_moves_once_and_issues_one_document(failed_letter, demo_users, no_dispatch):
    process, repair = failed_letter()
    officer = demo_users["referent"]
    claim(repair, officer)
    url = f"/app/workflow/flows/letter/{process.pk}/repair/{repair.pk}/execute/"
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(officer)
    assert clients[0].get(url).status_code == 200  # the form the officer sees
    no_dispatch.clear()
    numbers_before = cj_counter()

    results = run_together(lambda: clients[0].post(url, {}),
                           lambda: clients[1].post(url, {}))

    codes = sorted(r.status_code for r in results)
    assert codes == [302, 403], codes  # the second submit finds the task done and is refused
    assert Task.objects.get(pk=repair.pk).status == STATUS.DONE
    renders = Task.objects.filter(process=process, flow_task=LetterFlow.render).order_by("pk")
    assert renders.count() == 2  # the failed first attempt + exactly one retry
    retry = renders.last()
    assert retry.status == STATUS.SCHEDULED and no_dispatch == [retry.pk]  # sent to the worker once

    assert jobs.run_job(retry.pk) == "done"
    assert jobs.run_job(retry.pk) == "skipped"
    assert Document.objects.filter(case=process.case).count() == 1
    assert cj_counter() == numbers_before + 1
    process.refresh_from_db()
    assert process.status == STATUS.DONE


def test_job_delivered_twice_at_once_renders_once(demo_users, no_dispatch):
    """Two workers get the same message at the same moment (redelivery race)."""
    rounds = 5
    for _ in range(rounds):
        case = new_letter_case(demo_users["referent"])
        process = letter_send(case=case, subject="Sdělení", body="Text", actor=demo_users["referent"])
        task = render_task(process)
        numbers_before = cj_counter()

        results = run_together(lambda: jobs.run_job(task.pk), lambda: jobs.run_job(task.pk))

        assert not any(isinstance(r, BaseException) for r in results), results
        assert sorted(results) == ["done", "skipped"], results
        docs = Document.objects.filter(case=case)
        assert docs.count() == 1 and docs.get().source_key == f"task:{task.pk}"
        assert cj_counter() == numbers_before + 1  # no burnt number either
        assert Task.objects.get(pk=task.pk).status == STATUS.DONE
        assert Task.objects.filter(process=process, flow_task=LetterFlow.end).count() == 1
