"""The head double-submits an approval: one transition, one document, one č. j.

Both over HTTP (two submits of the same approval form at the same moment, and a late
resubmit after the first went through) against the real Viewflow task view under the
flow lock, then the render job (delivered twice at once) issues exactly one numbered DOCX.
"""

from __future__ import annotations

import pytest
from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from opinions.models import Opinion
from tests import flowkit as fk
from tests.opinions.conftest import catalogues, kk_plan, request_data  # noqa: F401 (fixtures)
from tests.reliability.conftest import run_together
from workflows import jobs
from opinions.flows import OpinionFlow
from workflows.models import CaseEvent, Document, NumberSequence

pytestmark = pytest.mark.django_db(transaction=True)


def cj_counter() -> int:
    return sum(NumberSequence.objects.filter(scope__startswith="cj/").values_list("last_value", flat=True))


@pytest.fixture
def waiting_for_approval(catalogues, kk_plan, no_dispatch):  # noqa: F811
    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    fk.draft(process, users["planovac"])
    task = fk.claim(fk.open_task(process, OpinionFlow.approve), users["vedouci"])
    return process, task, users["vedouci"]


def test_head_double_submits_the_approval(waiting_for_approval, no_dispatch):
    process, task, head = waiting_for_approval
    url = f"/app/workflow/flows/opinion/{process.pk}/approve/{task.pk}/execute/"
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(head)
    assert clients[0].get(url).status_code == 200
    numbers_before = cj_counter()
    no_dispatch.clear()

    data = {"decision": "approve", "comment": ""}
    # the approval issues the opinion: its preview (nothing written), then the confirmation twice at once
    from workflows.preview import CONFIRM_FIELD

    shown = clients[0].post(url, data)
    assert shown.status_code == 200 and shown.context["preview"] is not None
    assert cj_counter() == numbers_before
    data[CONFIRM_FIELD] = shown.context["confirm_token"]
    results = run_together(lambda: clients[0].post(url, data), lambda: clients[1].post(url, data))

    codes = sorted(r.status_code for r in results)
    assert codes == [302, 403], codes
    # a late resubmit (browser back + submit) is refused too
    assert clients[0].post(url, data).status_code == 403

    opinion = fk.opinion_of(process)
    assert opinion.status == Opinion.Status.APPROVED and opinion.approver == head
    assert Task.objects.get(pk=task.pk).status == STATUS.DONE
    assert Task.objects.filter(process=process, flow_task=OpinionFlow.approve).count() == 1
    renders = list(Task.objects.filter(process=process, flow_task=OpinionFlow.render))
    assert len(renders) == 1 and no_dispatch == [renders[0].pk]
    approvals = CaseEvent.objects.filter(case=opinion.case, summary__icontains="vyjádření schváleno")
    assert approvals.count() == 1, list(approvals.values_list("summary", flat=True))

    # the worker gets the message twice at the same moment
    results = run_together(lambda: jobs.run_job(renders[0].pk), lambda: jobs.run_job(renders[0].pk))
    assert sorted(results) == ["done", "skipped"], results
    assert Document.objects.filter(case=opinion.case, kind="opinion").count() == 1
    assert cj_counter() == numbers_before + 1
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.ISSUED and opinion.document.reference_number
    process.refresh_from_db()
    assert process.status == STATUS.DONE
