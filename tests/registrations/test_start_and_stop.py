"""Issue 12 (items 1, 3, 5, 9): start from the provider's page, preview on start forms, stopping
a proceeding and correcting an issued act by a recorded act."""

from datetime import date

import pytest
from django import forms
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task

from registrations.flows.cancellation import CancellationFlow
from workflows.models import Case, CaseEvent, Document, NumberSequence
from workflows.preview import CONFIRM_FIELD

from tests.flowkit import run_jobs
from tests.registrations.factories import RegisteredServiceFactory
from .test_http import node_url, task_url

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _written():
    return (Case.objects.count(), Document.objects.count(), CaseEvent.objects.count(),
            list(NumberSequence.objects.values_list("pk", "last_value")), Task.objects.count())


def test_ex_officio_cancellation_start_previews_the_opening_notice(demo_users, officer, no_dispatch):
    service = RegisteredServiceFactory()
    client = _client(officer)
    url = node_url(CancellationFlow.start)
    data = {"poskytovatel": service.provider_id, "services": [service.pk], "ex_officio": "on", "cancellation_ground": "a",
            "grounds": "Poskytovatel přestal splňovat podmínku bezúhonnosti.",
            "received_on": timezone.localdate().isoformat()}
    before = _written()
    shown = client.post(url, data)
    assert shown.status_code == 200, shown.content.decode()[:2000]
    body = shown.content.decode()
    assert "Náhled před vydáním" in body and "Potvrdit a vydat" in body
    assert "Oznámení o zahájení řízení" in body and "(přidělí se po potvrzení)" in body
    assert _written() == before  # no case, document, number, history or task yet

    done = client.post(url, {**data, CONFIRM_FIELD: shown.context["confirm_token"]})
    assert done.status_code == 302
    case = Case.objects.get(proceeding__provider=service.provider, proceeding__kind="cancellation")
    run_jobs(case.processes.get())
    notice = Document.objects.get(case=case, kind="reg_opening_notice")
    assert notice.reference_number


def test_cancellation_on_request_starts_without_a_preview(demo_users, officer, no_dispatch):
    service = RegisteredServiceFactory()
    client = _client(officer)
    url = node_url(CancellationFlow.start)
    response = client.post(url, {"poskytovatel": service.provider_id, "services": [service.pk],
                                 "grounds": "Poskytovatel ukončuje činnost.", "received_on": date(2026, 9, 1).isoformat(),
                                 "service_ends_on": date(2027, 3, 1).isoformat()})
    assert response.status_code == 302
    assert Case.objects.filter(proceeding__provider=service.provider).count() == 1


# --------------------------------------------------------------------------- stopping (item 9)


def _registration(officer):
    from registrations.flows.registration import RegistrationFlow as F
    from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory

    return F.receive.run(user=officer, provider=ProviderDataFactory(), services=[ServiceDataFactory()],
                         received_on=date(2026, 9, 1))


def test_withdrawn_application_is_stopped_by_a_recorded_usneseni(demo_users, officer, no_dispatch):
    from django.urls import reverse
    from viewflow.workflow.status import PROCESS, STATUS

    from registrations.models import DOC_STOP, Proceeding

    process = _registration(officer)
    case = process.case
    client = _client(officer)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert 'id="stop-proceeding"' in page
    url = reverse("registrations:proceeding_stop", args=[case.pk])
    assert client.get(url).status_code == 200
    data = {"ground": "withdrawn", "withdrawn_on": date(2026, 9, 10).isoformat(),
            "reason": "Žadatel podáním ze dne 10. 9. 2026 vzal žádost zpět."}
    missing = client.post(url, {**data, "withdrawn_on": ""})
    assert "Zadejte den, kdy bylo zpětvzetí žádosti doručeno." in missing.content.decode()
    before = _written()
    shown = client.post(url, data)
    body = shown.content.decode()
    assert "Náhled před vydáním" in body and "§ 66 odst. 1 písm. a)" in body and "vzal svou žádost zpět" in body
    assert _written() == before
    done = client.post(url, {**data, CONFIRM_FIELD: shown.context["confirm_token"]})
    assert done.status_code == 302 and done["Location"] == reverse("cases:case_detail", args=[case.pk])

    case.refresh_from_db()
    proceeding = Proceeding.objects.get(case=case)
    act = Document.objects.get(case=case, kind=DOC_STOP)
    assert act.reference_number and act.title == "Usnesení o zastavení řízení (zpětvzetí žádosti)"
    assert case.state == Case.State.CLOSED and proceeding.outcome == "terminated" and proceeding.phase == "final"
    process.refresh_from_db()
    assert process.status == PROCESS.CANCELED
    assert not Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.SCHEDULED]).exists()
    stopped = CaseEvent.objects.get(case=case, action="stopped")
    assert stopped.document_id == act.pk and "vzal žádost zpět" in stopped.summary and stopped.actor == officer
    # stopped once: the action is gone from the case page and refused if typed
    assert 'id="stop-proceeding"' not in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert client.get(url).status_code == 302


def test_only_who_decides_in_the_proceeding_may_stop_it(demo_users, officer, no_dispatch):
    from django.urls import reverse

    process = _registration(officer)
    head = _client(demo_users["vedouci"])
    assert head.get(reverse("registrations:proceeding_stop", args=[process.case_id])).status_code == 403
    assert head.get(reverse("registrations:act_correct", args=[process.case_id])).status_code == 403


# --------------------------------------------------------------------------- correcting an issued act (item 3)


def test_an_issued_act_is_corrected_by_an_opravne_usneseni(demo_users, officer, no_dispatch):
    from django.urls import reverse

    from registrations.flows.registration import RegistrationFlow as F
    from registrations.models import DOC_CORRECTION
    from tests.flowkit import checklist
    from .test_http import post_task

    process = _registration(officer)
    case = process.case
    client = _client(officer)
    answers = {f"ok_{code}": "on" for code, (ok, _) in checklist(case.proceeding, missing=["clean_record"]).items() if ok}
    post_task(client, process, F.check, {**answers, "remedy_days": "30"})
    run_jobs(process)
    original = Document.objects.get(case=case, kind="reg_deficiency")
    assert 'id="correct-act"' in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()

    url = reverse("registrations:act_correct", args=[case.pk])
    data = {"document": original.pk, "correction": "lhůta k odstranění nedostatků se opravuje na 30 dnů",
            "reason": "v textu výzvy je překlep v počtu dnů"}
    before = _written()
    shown = client.post(url, data)
    body = shown.content.decode()
    assert "Opravné usnesení" in body and original.reference_number in body and "§ 70" in body
    assert _written() == before
    done = client.post(url, {**data, CONFIRM_FIELD: shown.context["confirm_token"]})
    assert done.status_code == 302
    original.refresh_from_db()
    correcting = Document.objects.get(case=case, kind=DOC_CORRECTION)
    assert original.corrected_by == correcting and correcting.reference_number != original.reference_number
    assert original.status == Document.Status.ISSUED  # never removed or changed: marked corrected
    event = CaseEvent.objects.get(case=case, action="corrected")
    assert original.reference_number in event.summary and "překlep" in event.summary
    assert "opraveno opravným usnesením" in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    # corrected once: the act is no longer offered (the only one here: the page refuses)
    again = client.post(url, data)
    assert again.status_code == 302 and Document.objects.filter(case=case, kind=DOC_CORRECTION).count() == 1
    from registrations import services
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="už byl opraven"):
        services.act_correct(document=original, correction="x", reason="y", actor=officer)


def test_a_proceeding_is_not_cancelled_silently_on_viewflows_screen(demo_users, officer, no_dispatch):
    from viewflow.workflow.status import PROCESS

    process = _registration(officer)
    head = _client(demo_users["vedouci"])
    from django.urls import resolve, reverse

    url = reverse("workflow:flows:registration:process_cancel", args=[process.pk])

    assert resolve(url).url_name == "process_cancel"
    response = head.post(url, {"_cancel_process": "1"})
    assert response.status_code == 403
    assert "Zastavit řízení" in response.content.decode()
    process.refresh_from_db()
    assert process.status != PROCESS.CANCELED
    # nor one of its steps (the process would stand still without an act)
    from registrations.flows.registration import RegistrationFlow as F

    check_url, task = task_url(process, F.check)
    cancel = head.post(check_url.replace("/execute/", "/cancel/"))
    assert cancel.status_code == 403
    assert Task.objects.get(pk=task.pk).status != "CANCELED"


# --------------------------------------------------------------------------- provider first (items 1, 5)


def test_notice_of_changes_picks_the_provider_first_then_only_its_services(demo_users, officer, no_dispatch):
    from registrations.flows.change_notice import ChangeNoticeFlow
    from registrations.models import ChangeNotice

    mine = RegisteredServiceFactory(provider__name="Domov Pod Lesem, o.p.s.")
    other = RegisteredServiceFactory(provider__name="Hospic sv. Anny, o.p.s.")
    client = _client(officer)
    url = node_url(ChangeNoticeFlow.start)
    first = client.get(url).content.decode()
    assert 'name="q"' in first and 'name="service"' not in first  # step one: find the provider
    by_name = client.get(url, {"q": "Pod Lesem"}).content.decode()
    assert f"?poskytovatel={mine.provider_id}" in by_name and f"?poskytovatel={other.provider_id}" not in by_name
    by_ico = client.get(url, {"q": mine.provider.ico[:6]}).content.decode()
    assert f"?poskytovatel={mine.provider_id}" in by_ico
    assert 'id="provider-none"' in client.get(url, {"q": "Neexistující"}).content.decode()

    form_page = client.get(url, {"poskytovatel": mine.provider_id})
    service_choices = [pk for pk, _label in form_page.context["form"].fields["service"].choices if pk]
    assert [int(str(pk)) for pk in service_choices] == [mine.pk]  # only its services
    assert 'id="chosen-provider"' in form_page.content.decode() and mine.provider.name in form_page.content.decode()

    data = {"poskytovatel": mine.provider_id, "change_date": date(2026, 11, 2).isoformat(),
            "received_on": date(2026, 11, 5).isoformat(), "kind": "staff", "description": "Nový vedoucí služby"}
    foreign = client.post(url, {**data, "service": other.pk})
    assert foreign.status_code == 200 and foreign.context["form"].errors["service"]
    done = client.post(url, {**data, "service": mine.pk})
    assert done.status_code == 302, done.context["form"].errors
    notice = ChangeNotice.objects.get(provider=mine.provider)
    assert notice.service == mine


def test_provider_page_starts_its_cases_prefilled(demo_users, officer, no_dispatch):
    from django.urls import reverse

    from registrations.flows.cancellation import CancellationFlow
    from registrations.flows.change_application import ChangeApplicationFlow

    service = RegisteredServiceFactory(provider__name="Čtyřlístek, z.s.", provider__address="Lesní 3, Cheb")
    second = RegisteredServiceFactory(provider=service.provider, home_care=True)
    client = _client(officer)
    page = client.get(reverse("registrations:provider", args=[service.provider_id])).content.decode()
    for label in ("Oznámení změn", "Žádost o změnu registrace", "Zrušení registrace"):
        assert label in page
    assert page.count(f"?poskytovatel={service.provider_id}") >= 3

    cancel = client.get(node_url(CancellationFlow.start), {"poskytovatel": service.provider_id})
    body = cancel.content.decode()
    assert "Čtyřlístek, z.s." in body and "Lesní 3, Cheb" in body and service.provider.ico in body
    assert set(cancel.context["form"].initial["services"]) == {service.pk, second.pk}
    change = client.get(node_url(ChangeApplicationFlow.start), {"poskytovatel": service.provider_id})
    offered = {int(str(pk)) for pk, _label in change.context["form"].fields["service"].choices if pk}
    assert offered == {service.pk, second.pk}


# --------------------------------------------------------------------------- waiver → finality is one date (item 5)


def test_waiver_recorded_on_the_case_page_prefills_the_one_finality_date(demo_users, officer, no_dispatch):
    from django.urls import reverse

    from registrations.flows.registration import RegistrationFlow as F
    from registrations.models import Proceeding
    from tests.registrations.test_appeal_phase import granted_and_delivered

    process, proceeding = granted_and_delivered(officer)  # delivered Mon 21. 9. 2026
    case = process.case
    client = _client(officer)
    assert 'id="record-waiver"' in client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    url = reverse("registrations:appeal_waiver", args=[case.pk])
    early = client.post(url, {"waived_on": date(2026, 9, 20).isoformat()})
    assert early.status_code == 200 and "až po doručení" in early.content.decode()
    done = client.post(url, {"waived_on": date(2026, 9, 24).isoformat()})
    task_url_, task = task_url(process, F.appeal_period)
    assert done.status_code == 302 and done["Location"] == task_url_  # lands on the finality task
    assert CaseEvent.objects.filter(case=case, action="appeal_waived").count() == 1

    form = client.get(task_url_).context["form"]
    assert list(n for n, f in form.fields.items() if isinstance(f, forms.DateField)) == [
        "final_on", "appeal_received_on"]  # one date for finality, no second "waived on" date
    assert form.fields["final_on"].initial == date(2026, 9, 24)
    assert "24. 9. 2026" in form.fields["final_on"].help_text
    confirmed = client.post(task_url_, {"result": "final", "final_on": "2026-09-24"})
    assert confirmed.status_code == 302
    proceeding = Proceeding.objects.get(pk=proceeding.pk)
    assert proceeding.final_on == date(2026, 9, 24) and proceeding.waived_on == date(2026, 9, 24)
    assert CaseEvent.objects.filter(case=case, action="appeal_waived").count() == 1  # not twice
    assert CaseEvent.objects.filter(case=case, action="finality").count() == 1
    # after finality the waiver is closed
    assert client.get(url).status_code == 302


def test_ex_officio_cancellation_whose_ground_fell_away_is_stopped_under_66_2(demo_users, officer, no_dispatch):
    from registrations import services as svc
    from registrations.models import DOC_STOP, Proceeding
    from registrations.selectors import GROUND_LOST, WITHDRAWN, stop_grounds
    from django.core.exceptions import ValidationError

    service = RegisteredServiceFactory()
    process = CancellationFlow.receive.run(user=officer, provider=service.provider, services=[service], ex_officio=True,
                                           grounds="Podnět: služba nemá sociálního pracovníka.",
                                           received_on=timezone.localdate(), ground="a")
    proceeding = Proceeding.objects.get(case=process.case)
    assert [g for g, _label in stop_grounds(proceeding)] == [GROUND_LOST]
    with pytest.raises(ValidationError, match="nevztahuje"):
        svc.proceeding_stop(proceeding=proceeding, ground=WITHDRAWN, reason="x", withdrawn_on=date(2026, 9, 1),
                            actor=officer)
    act = svc.proceeding_stop(proceeding=proceeding, ground=GROUND_LOST, actor=officer,
                              reason="Poskytovatel doložil pracovní smlouvu sociálního pracovníka.")
    assert act.kind == DOC_STOP and act.title == "Usnesení o zastavení řízení vedeného z moci úřední"
    assert not Task.objects.filter(process=process, status__in=["NEW", "ASSIGNED", "SCHEDULED"]).exists()
    assert Case.objects.get(pk=process.case_id).state == Case.State.CLOSED


def test_a_further_registration_from_the_provider_page_carries_its_identification(demo_users, officer):
    from registrations.flows.registration import RegistrationFlow

    service = RegisteredServiceFactory(provider__name="Čtyřlístek, z.s.", provider__address="Lesní 3, Cheb")
    client = _client(officer)
    form = client.get(node_url(RegistrationFlow.start), {"poskytovatel": service.provider_id}).context["form"]
    assert form.initial["ico"] == service.provider.ico and form.initial["name"] == "Čtyřlístek, z.s."
    assert form.initial["address"] == "Lesní 3, Cheb"
