"""A real Celery worker process renders a flow step's DOCX (embedded and Redis brokers)."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from tests.conftest import wait_for
from workflows.cases import case_open
from workflows.flows.letter import LetterFlow, letter_send
from workflows.models import Document
from registrations.models import RegistrationCaseKind

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_renders_the_flow_documents_once(celery_worker, demo_users, docx_text):
    case = case_open(kind=RegistrationCaseKind.LETTER, title="Sdělení poskytovateli", actor=demo_users["referent"],
                     parties=[{"name": "Pečovatelská služba Sokolov, p.o.", "ico": "70832749"}])
    process = letter_send(case=case, subject="Sdělení k registraci", body="Vážení,\nv příloze zasíláme.",
                          actor=demo_users["referent"])
    task = Task.objects.get(process=process, flow_task=LetterFlow.render)

    wait_for(lambda: Task.objects.get(pk=task.pk).status == STATUS.DONE, timeout=60,
             message="worker nedokončil úlohu")
    doc = Document.objects.get(case=case)
    text = docx_text(doc)
    assert "Sdělení k registraci" in text
    assert "Naše č. j." in text and doc.reference_number in text
    assert "Pečovatelská služba Sokolov, p.o.\nIČO 70832749" in text  # the address window
    assert "Jana Nováková" in text and "referentka oddělení sociálních služeb" in text  # vyřizuje and the signer
    process.refresh_from_db()
    assert process.status == "DONE"

    # the broker redelivers the same message: no second document, no second number
    from worker.tasks import run_job

    run_job.apply_async(args=[task.pk])
    second = letter_send(case=case, subject="Druhý dopis", body="x")
    wait_for(lambda: Task.objects.get(process=second, flow_task=LetterFlow.render).status == STATUS.DONE,
             timeout=60, message="worker nedokončil druhou úlohu")
    assert Document.objects.filter(source_key=f"task:{task.pk}").count() == 1
    assert Document.objects.filter(case=case).count() == 2
