"""Issuing an act is deliberate (issue 12, item 3): preview → confirm.

A step whose completion leads to an act (here the completeness check with a missing item →
výzva + usnesení o přerušení) first shows the act rendered without a č. j.; nothing is written
(no document, no number, no history line, the task stays open). Only a confirmation bound to
the very data previewed issues it; changed data is previewed again.
"""

from datetime import date

import pytest
from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from registrations.flows.registration import RegistrationFlow as F
from workflows.models import CaseEvent, Document, NumberSequence
from workflows.preview import CONFIRM_FIELD

from .conftest import PROVIDER, checklist, run_jobs, service
from .test_http import task_url

pytestmark = pytest.mark.django_db


def _state(process):
    return (Document.objects.count(), CaseEvent.objects.filter(case=process.case).count(),
            list(NumberSequence.objects.values_list("pk", "last_value")),
            Task.objects.filter(process=process, flow_task=F.check, status=STATUS.DONE).count())


def test_deficiency_notice_is_previewed_then_confirmed(demo_users, officer):
    process = F.receive.run(user=officer, provider=PROVIDER, services=[service()], received_on=date(2026, 9, 1))
    proceeding = process.case.proceeding
    client = Client()
    client.force_login(officer)
    url, task = task_url(process, F.check)
    answers = {f"ok_{code}": "on" for code, (ok, _) in checklist(proceeding, missing=["clean_record"]).items()
               if ok}
    data = {**answers, "remedy_days": "30"}
    before = _state(process)

    shown = client.post(url, data)
    assert shown.status_code == 200
    body = shown.content.decode()
    assert "Náhled před vydáním" in body and "Potvrdit a vydat" in body
    assert "Výzva k odstranění nedostatků" in body and "(přidělí se po potvrzení)" in body
    assert _state(process) == before  # nothing written: no document, number, history, task done
    token = shown.context["confirm_token"]

    changed = client.post(url, {**data, "remedy_days": "20", CONFIRM_FIELD: token})  # data changed: preview again
    assert changed.status_code == 200 and changed.context["preview"] is not None
    assert _state(process) == before

    done = client.post(url, {**data, CONFIRM_FIELD: token})
    assert done.status_code == 302
    run_jobs(process)
    deficiency = Document.objects.get(case=process.case, kind="reg_deficiency")
    assert deficiency.reference_number  # the č. j. is taken only now
    assert Task.objects.get(pk=task.pk).status == STATUS.DONE


def test_step_without_an_act_needs_no_confirmation(demo_users, officer):
    process = F.receive.run(user=officer, provider=PROVIDER, services=[service()], received_on=date(2026, 9, 1))
    proceeding = process.case.proceeding
    client = Client()
    client.force_login(officer)
    url, task = task_url(process, F.check)
    answers = {f"ok_{code}": "on" for code in checklist(proceeding)}
    response = client.post(url, {**answers, "remedy_days": "30"})
    assert response.status_code == 302  # complete → assessment: no act, no preview
    assert Task.objects.get(pk=task.pk).status == STATUS.DONE
    assert response["Location"].endswith("/execute/")  # lands on the next task of the case
    assert Task.objects.filter(process=process, flow_task=F.assess, owner=officer).exists()


def test_empty_change_application_is_refused(demo_users, officer):
    from registrations import demo
    from registrations.flows.change_application import ChangeApplicationFlow
    from registrations.models import RegisteredService
    from workflows.models import Case

    demo.seed()
    client = Client()
    client.force_login(officer)
    service = RegisteredService.objects.filter(state="active").first()
    cases = Case.objects.count()
    url = ChangeApplicationFlow.start.reverse("execute")
    response = client.post(url, {"service": service.pk, "received_on": "2026-09-01"})
    assert response.status_code == 200
    assert "musí měnit aspoň jeden údaj" in response.content.decode()
    assert 'class="error-summary"' in response.content.decode()  # every error at once, on top
    assert Case.objects.count() == cases


def test_recheck_starts_from_the_last_answers_and_one_tick_marks_all(demo_users, officer):
    from registrations.forms import CompletenessForm

    process = F.receive.run(user=officer, provider=PROVIDER, services=[service()], received_on=date(2026, 9, 1))
    proceeding = process.case.proceeding
    client = Client()
    client.force_login(officer)
    url, task = task_url(process, F.check)
    answers = {f"ok_{code}": "on" for code, (ok, _) in checklist(proceeding, missing=["clean_record"]).items() if ok}
    shown = client.post(url, {**answers, "note_clean_record": "chybí výpis z RT", "remedy_days": "30"})
    client.post(url, {**answers, "note_clean_record": "chybí výpis z RT", "remedy_days": "30",
                      CONFIRM_FIELD: shown.context["confirm_token"]})
    # the re-check form starts from these answers
    task = Task.objects.filter(process=process, flow_task=F.check, status=STATUS.DONE).first()
    form = CompletenessForm(activation=type("A", (), {"process": process})())
    assert form.fields["ok_premises"].initial is True and form.fields["ok_clean_record"].initial is False
    assert form.fields["note_clean_record"].initial == "chybí výpis z RT"
    bound = CompletenessForm({"all_ok": "on", "remedy_days": "30"}, activation=type("A", (), {"process": process})())
    assert bound.is_valid(), bound.errors
    assert all(ok for ok, _note in bound.answers().values())


def test_registry_history_shows_only_what_changed_in_czech():
    from registrations.selectors import changed_rows

    rows = changed_rows({"capacity": 24, "place": "Cheb", "form": "residential", "registered_on": "2026-10-22"},
                        {"capacity": 30, "place": "Cheb", "form": "field", "registered_on": "2026-11-24"})
    assert rows == [("kapacita", "24", "30"), ("forma", "pobytová", "terénní"),
                    ("registrováno dne", "22. 10. 2026", "24. 11. 2026")]
