"""A1 over HTTP through Viewflow's views (logged in as the officer), the registry pages and exports."""

import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from registrations.models import Proceeding, RegisteredService
from registrations.flows.registration import RegistrationFlow as F
from workflows.models import Case

from tests.flowkit import checklist, run_jobs

pytestmark = pytest.mark.django_db

APPLICATION = {
    "ico": "25596641", "name": "Sdružení Fiktivní péče, z. s.", "legal_form": "spolek",
    "address": "Zámecká 5, 357 35 Chodov", "data_box": "xyz9876", "received_on": "2026-09-01",
    "service_type": "39", "form": "field", "target_groups": ["OZP"], "age_from": "18", "place": "Sokolov",
    "territory": "okres Sokolov", "capacity": "6", "start_on": "2026-11-01",
}


def node_url(node, *args):
    app = node.flow_class.__name__.removesuffix("Flow").lower()
    return reverse(f"workflow:flows:{app}:{node.name}:execute", args=args)


def task_url(process, node):
    task = Task.objects.get(process=process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    return node_url(node, process.pk, task.pk), task


def post_task(client, process, node, data):
    """Post the task form; a step that issues an act shows its preview first, then is confirmed."""
    from workflows.preview import CONFIRM_FIELD

    url, _ = task_url(process, node)
    response = client.post(url, data)
    if response.status_code == 200 and response.context.get("preview") is not None:
        response = client.post(url, {**data, CONFIRM_FIELD: response.context["confirm_token"]})
    assert response.status_code == 302, response.content.decode()[:3000]
    run_jobs(process)


def test_registration_over_http(demo_users, officer):
    officer = demo_users["referent"]
    client = Client()
    client.force_login(officer)
    start_url = node_url(F.start)
    assert client.get(start_url).status_code == 200

    bad = client.post(start_url, {**APPLICATION, "ico": "25596642"})
    assert bad.status_code == 200 and "kontrolní číslici" in bad.content.decode()
    bad = client.post(start_url, {**APPLICATION, "capacity": "0"})
    assert bad.status_code == 200 and "větší než nula" in bad.content.decode()
    assert not Case.objects.exists()

    bad = client.post(start_url, {**APPLICATION, "s2_service_type": "43", "s2_form": "field", "s2_place": "Sokolov",
                                  "s2_capacity": "0"})
    assert bad.status_code == 200 and "větší než nula" in bad.content.decode()
    assert client.post(start_url, {**APPLICATION, "submission_key": "k-1", "s2_service_type": "43", "s2_form": "field",
                                   "s2_place": "Sokolov", "s2_capacity": "3", "s2_target_groups": ["DUS"]}).status_code == 302
    again = client.post(start_url, {**APPLICATION, "submission_key": "k-1"})  # double click
    assert again.status_code == 200 and "už byla podána" in again.content.decode()
    proceeding = Proceeding.objects.get()
    process = proceeding.case.processes.get()

    url, task = task_url(process, F.check)
    assert task.owner == officer  # assigned to the officer who took the application
    page = client.get(url)
    assert page.status_code == 200 and "bezúhonnosti" in page.content.decode()
    answers = {f"ok_{code}": "on" for code, (ok, _) in checklist(proceeding).items()}
    post_task(client, process, F.check, {**answers, "remedy_days": "30"})
    second = client.post(url, {**answers, "remedy_days": "30"}, follow=True)  # the same form again
    assert "už byl dokončen" in second.content.decode()
    assert Task.objects.filter(process=process, flow_task=F.assess).count() == 1
    post_task(client, process, F.assess, {
        **{f"ok_{code}": "on" for code in checklist(proceeding, "conditions")},
        "proposal": "granted", "reasoning": "Podmínky splněny.", "comments_days": "5",
    })
    # a wrong delivery date shows the Czech message and writes nothing
    url, _ = task_url(process, F.deliver_decision)
    bad = client.post(url, {"channel": "data_box", "ready_on": "2026-10-05", "collected_on": "2026-10-01"})
    assert bad.status_code == 200 and "nemůže předcházet" in bad.content.decode()
    post_task(client, process, F.deliver_decision, {"channel": "data_box", "ready_on": "2026-10-05", "collected_on": "2026-10-06"})
    post_task(client, process, F.appeal_period, {"result": "final", "final_on": "2026-10-22"})

    process.refresh_from_db()
    assert process.status == "DONE"
    assert RegisteredService.objects.get(service_type__paragraph="43").capacity == 3
    service = RegisteredService.objects.get(service_type__paragraph="39")
    assert service.capacity == 6 and service.registered_on == date(2026, 10, 22)

    # registry pages and exports: the officer and the reader
    reader = Client()
    reader.force_login(demo_users["ctenar"])
    page = reader.get("/registry/")
    assert page.status_code == 200 and "Sdružení Fiktivní péče" in page.content.decode()
    detail = reader.get(f"/registry/poskytovatel/{service.provider_id}/").content.decode()
    assert "Osobní asistence" in detail and "Rozhodnutí o registraci" in detail  # issued decision visible
    assert "Jana Nováková" not in detail  # no staff names for the reader
    exported = json.loads(reader.get("/registry/export.json").content)
    assert {row["capacity"] for row in exported["providers_services"]} == {6, 3}
    csv_text = reader.get("/registry/export.csv").content.decode("utf-8-sig")
    assert "25596641" in csv_text and "Osobní asistence" in csv_text and "referent" not in csv_text
    # the reader cannot work on tasks nor set identifiers
    assert reader.post(f"/registry/sluzba/{service.pk}/identifikator/", {"national_id": "7654321"}).status_code == 403
    assert client.post(f"/registry/sluzba/{service.pk}/identifikator/", {"national_id": "7654321"}).status_code == 302
    service.refresh_from_db()
    assert service.national_id == "7654321"


def test_planner_cannot_take_registration_tasks(demo_users, officer):
    from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory

    process = F.receive.run(user=demo_users["portal"], provider=ProviderDataFactory(), services=[ServiceDataFactory()], received_on=date(2026, 9, 1))
    task = Task.objects.get(process=process, flow_task=F.check)
    assert task.owner is None  # from the portal: in the officers' queue
    with task.activation() as activation:
        assert not activation.assign.has_perm(demo_users["planovac"])
        assert activation.assign.has_perm(officer)
    client = Client()
    client.force_login(demo_users["planovac"])
    assert client.get("/registry/").status_code == 200  # public data, read-only
    client.force_login(demo_users["portal"])
    assert client.get("/registry/").status_code == 403


def test_notice_and_cancellation_started_over_http(demo_users):
    from registrations import demo
    from registrations.models import ChangeNotice
    from registrations.flows.cancellation import CancellationFlow
    from registrations.flows.change_notice import ChangeNoticeFlow

    demo.seed()
    client = Client()
    client.force_login(demo_users["referent"])
    service = RegisteredService.objects.filter(provider__ico="44312211").first()
    url = node_url(ChangeNoticeFlow.start)
    assert client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"ico": "44312211", "service": service.pk, "change_date": "2026-08-03", "received_on": "2026-10-01",
            "kind": "premises", "description": "Nová nájemní smlouva"}
    bad = client.post(url, {**data, "file": SimpleUploadedFile("smlouva.exe", b"MZ")})
    assert "nelze přijmout" in bad.content.decode()
    response = client.post(url, {**data, "file": SimpleUploadedFile("smlouva.pdf", b"%PDF-1.4 fiktivni")})
    assert response.status_code == 302
    notice = ChangeNotice.objects.get(provider__ico="44312211", is_late=True, items__kind="premises")
    attachment = notice.case.documents.get(kind="reg_notice_attachment")
    assert attachment.personal_data and attachment.file.read().startswith(b"%PDF")
    bad = client.post(url, {**data, "ico": "25596641"})
    assert "není v registru" in bad.content.decode()

    url = node_url(CancellationFlow.start)
    assert client.get(url).status_code == 200
    missing_end = client.post(url, {"services": [service.pk], "grounds": "Ukončení činnosti", "received_on": "2026-11-02"})
    assert missing_end.status_code == 200 and "nejméně 3 měsíce předem" in missing_end.content.decode()
    assert client.post(url, {"services": [service.pk], "grounds": "Ukončení činnosti", "received_on": "2026-11-02",
                             "service_ends_on": "2027-03-31"}).status_code == 302
    assert Proceeding.objects.filter(kind="cancellation", provider__ico="44312211", ex_officio=False).exists()


def test_search_inbox_filters_and_admin(demo_users):
    from registrations import demo

    demo.seed()
    reader = Client()
    reader.force_login(demo_users["ctenar"])
    page = reader.get("/hledat/", {"q": "Slunečnice"}).content.decode()
    assert "Domov Slunečnice" in page and "/registry/poskytovatel/" in page
    officer = Client()
    officer.force_login(demo_users["referent"])
    assert officer.get("/ukoly/", {"reg_phase": "assessment"}).status_code == 200
    assert officer.get("/fronta/", {"reg_service_type": "40"}).status_code == 200
    assert officer.get("/hledat/", {"q": "Krokus"}).status_code == 200
    admin = Client()
    admin.force_login(demo_users["spravce"])
    for url in ["/admin/registrations/checklistitem/", "/admin/registrations/provider/", "/admin/registrations/registryversion/"]:
        assert admin.get(url).status_code == 200, url


def test_change_application_started_and_assessed_over_http(demo_users, officer):
    from registrations import demo
    from registrations.flows.cancellation import CancellationFlow as C
    from registrations.flows.change_application import ChangeApplicationFlow as A

    demo.seed()
    client = Client()
    client.force_login(officer)
    service = RegisteredService.objects.get(provider__ico="44312211", service_type__paragraph="49")
    url = node_url(A.start)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"service": service.pk, "received_on": "2026-11-02", "capacity": "-3"})
    assert "větší než nula" in bad.content.decode()
    assert client.post(url, {"service": service.pk, "received_on": "2026-11-02", "capacity": "52",
                             "submission_key": "chg-1"}).status_code == 302
    proceeding = Proceeding.objects.get(kind="change", submission_key="chg-1")
    assert proceeding.services.get().capacity == 52 and proceeding.services.get().registered_service == service
    process = proceeding.case.processes.get()
    post_task(client, process, A.check, {f"ok_{c}": "on" for c in checklist(proceeding)} | {"remedy_days": "30"})
    url, _ = task_url(process, A.assess)
    assert "Domovy pro seniory" in client.get(url).content.decode()  # the summary beside the form

    # the ex officio cancellation of the demo waits for the officer's assessment (no checklist)
    cancel = Proceeding.objects.get(kind="cancellation", provider__ico="69832072")
    cprocess = cancel.case.processes.get()
    post_task(client, cprocess, C.assess, {"proposal": "granted", "reasoning": "Podmínky nejsou plněny.",
                                           "comments_days": "10"})
    cancel.refresh_from_db()
    assert cancel.comments_days == 10 and cancel.case.documents.filter(kind="reg_evidence_notice").exists()
