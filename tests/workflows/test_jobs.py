"""The Celery job node, driven in-process (the worker side is called directly)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import jobs
from workflows.cases import case_open
from workflows.flows.letter import LetterFlow, letter_send
from workflows.models import Case, CaseEvent, Document
from registrations.models import RegistrationCaseKind


@pytest.fixture
def sent(monkeypatch, demo_users):
    dispatched = []
    monkeypatch.setattr(jobs, "dispatch_job", lambda pk: dispatched.append(pk))
    case = case_open(kind=RegistrationCaseKind.LETTER, title="Dopis", actor=demo_users["referent"],
                     parties=[{"name": "Spolek Pomoc, z.s.", "ico": "26997789"}])
    return case, dispatched


def job_task(process):
    return Task.objects.get(process=process, flow_task=LetterFlow.render)


@pytest.mark.django_db(transaction=True)
def test_job_is_dispatched_only_after_commit_and_runs_once(sent, docx_text, demo_users):
    case, dispatched = sent
    process = letter_send(case=case, subject="Sdělení", body="Vážení,\nsdělujeme", actor=demo_users["referent"])
    task = job_task(process)
    assert dispatched == [task.pk] and task.status == STATUS.SCHEDULED

    assert jobs.run_job(task.pk) == "done"
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    process.refresh_from_db()
    assert process.status == "DONE"
    doc = Document.objects.get(case=case)
    assert "Sdělení" in docx_text(doc) and doc.reference_number in docx_text(doc)

    # redelivery of the same message: nothing runs twice
    assert jobs.run_job(task.pk) == "skipped"
    assert Document.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_start_sends_nothing(sent, demo_users):
    from django.db import transaction

    case, dispatched = sent
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            letter_send(case=case, subject="x", body="y")
            raise RuntimeError("boom")
    assert dispatched == []


@pytest.mark.django_db(transaction=True)
def test_redelivery_while_started_reuses_the_document(sent):
    """A worker died after rendering but before completing: the rerun finds the document."""
    case, _ = sent
    process = letter_send(case=case, subject="Sdělení", body="text")
    task = job_task(process)
    with task.activation() as activation:
        activation.start()
    LetterFlow.instance.render_letter(type("A", (), {"process": process, "task": task})())
    assert jobs.run_job(task.pk) == "done"
    assert Document.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_failure_is_recorded_and_routed_to_repair(sent, monkeypatch):
    case, _ = sent
    process = letter_send(case=case, subject="Sdělení", body="text")
    task = job_task(process)

    def broken(self, activation):
        raise FileNotFoundError("Šablona dokumentu 'letter' neexistuje")

    monkeypatch.setattr(LetterFlow, "render_letter", broken)
    monkeypatch.setattr(LetterFlow.render, "_func", lambda activation: broken(None, activation))
    assert jobs.run_job(task.pk) == "error"
    task.refresh_from_db()
    assert task.status == STATUS.CANCELED or task.status == STATUS.ERROR
    assert "neexistuje" in task.data["_exception"]["title"]
    repair = Task.objects.get(process=process, flow_task=LetterFlow.repair)
    assert repair.status == STATUS.NEW
    assert CaseEvent.objects.filter(case=case, action="job_error").exists()
    assert not Document.objects.filter(case=case).exists()


@pytest.mark.django_db(transaction=True)
def test_sweep_resends_only_stuck_jobs(sent):
    case, dispatched = sent
    process = letter_send(case=case, subject="a", body="b")
    task = job_task(process)
    dispatched.clear()
    assert jobs.sweep_stuck_jobs() == 0
    Task.objects.filter(pk=task.pk).update(scheduled=timezone.now() - timedelta(hours=1))
    assert jobs.sweep_stuck_jobs() == 1
    assert dispatched == [task.pk]
    assert jobs.sweep_stuck_jobs() == 0  # re-stamped when re-sent
