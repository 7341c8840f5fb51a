"""A real Celery worker renders the approved opinion (č. j., approver, four statements) and ends the flow."""

from __future__ import annotations

import pytest
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from opinions.models import Opinion
from tests.conftest import wait_for
from workflows.models import Case, Document

from tests import flowkit as fk
from .conftest import request_data

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_renders_the_approved_opinion(celery_worker, catalogues, kk_plan, docx_text):
    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["portal"], **request_data(catalogues))
    fk.draft(process, users["planovac"])
    fk.approve(process, users["vedouci"])

    def finished():
        process.refresh_from_db()
        return process.status == PROCESS.DONE

    wait_for(finished, timeout=90, message="worker nevyhotovil vyjádření")
    # the applicant's e-mail is a task of its own, after the process has ended
    opinion = wait_for(lambda: (o := fk.opinion_of(process)).notified_at and o, timeout=60,
                       message="žadatel nebyl vyrozuměn")
    assert opinion.status == Opinion.Status.ISSUED
    assert opinion.case.state == Case.State.CLOSED
    doc = Document.objects.get(case=opinion.case, kind="opinion")
    assert doc.reference_number and doc.sha256
    text = docx_text(doc)
    assert "Naše č. j." in text and doc.reference_number in text
    assert "Eva Chaloupková" in text
    assert f"Schváleno dne {timezone.localdate():%-d. %-m. %Y}" in text
    for n in ("1.", "2.", "3.", "4."):
        assert n + " " in text
    activity = opinion.activity_links.select_related("item").first().item
    assert activity.number in text
