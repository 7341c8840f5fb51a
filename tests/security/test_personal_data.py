"""Finding 4: the public registry (§ 85 zákona č. 108/2006 Sb.) shows registered providers
with their public fields; a natural person's home, birth date and e-mail and the staff named
in notices only to the agenda's staff; reads of records with personal data are logged."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from tests.integrations.test_national_registry import _service

pytestmark = pytest.mark.django_db

HOME = "Lipová 7, 360 01 Karlovy Vary"           # trvalý pobyt of the registered natural person
BUSINESS = "Náměstí 3, 360 01 Karlovy Vary"      # her místo podnikání (public)
APPLICANT_HOME = "Skrytá 13, 350 02 Cheb"         # an applicant, not registered yet
STAFF_ITEM = "Nová pracovnice Jana Tajná, nar. 1. 2. 1980"
NON_STAFF = ["ctenar", "portal"]
STAFF = ["referent", "vedouci", "zastupce", "spravce"]


@pytest.fixture
def people(demo_users):
    from registrations.models import Provider

    registered = Provider.objects.create(
        ico="27604977", name="Marie Veřejná", is_natural_person=True, address=HOME, residence_address=HOME,
        business_address=BUSINESS, email="marie@soukrome.cz", birth_date=date(1970, 5, 6))
    _service(registered, "39", "terenni", 5)
    applicant = Provider.objects.create(
        ico="25596641", name="Petr Žadatel", is_natural_person=True, address=APPLICANT_HOME,
        residence_address=APPLICANT_HOME, email="petr@soukrome.cz", birth_date=date(1980, 1, 1))
    return {"registered": registered, "applicant": applicant, **demo_users}


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def _notice_with_staff_item(people):
    from registrations.services import change_notice_receive, change_notice_record

    notice = change_notice_receive(ico="27604977", change_date=date.today(), actor=people["referent"], items=[
        {"kind": "staff", "description": STAFF_ITEM},
        {"kind": "hours", "description": "Provozní doba 8–16"},
        {"kind": "other", "description": "Osobní údaj klientky", "personal_data": True},
    ])
    change_notice_record(notice=notice, actor=people["referent"])
    return notice


@pytest.mark.parametrize("username", NON_STAFF)
def test_public_registry_shows_registered_providers_without_home_address(people, username):
    c = client_for(people[username])
    pages = []
    if username == "ctenar":
        pages += [c.get("/registry/").content.decode(), c.get("/registry/?q=a").content.decode(),
                  c.get(f"/registry/poskytovatel/{people['registered'].pk}/").content.decode()]
        assert c.get(f"/registry/poskytovatel/{people['applicant'].pk}/").status_code == 404
        for fmt in ("csv", "json"):
            pages.append(c.get(f"/registry/export.{fmt}?vse=1").content.decode())
        assert "Marie Veřejná" in pages[0] and BUSINESS in pages[2] and BUSINESS in pages[-1]
    api = c.get("/api/providers/", {"q": ""})
    assert api.status_code == 200, api.content
    names = [p["name"] for p in api.json()["results"]]
    assert names == ["Marie Veřejná"]
    assert api.json()["results"][0]["address"] == BUSINESS
    assert c.get("/api/providers/25596641/").status_code == 404
    assert c.get("/api/providers/25596641/history/").status_code == 404
    pages += [api.content.decode(), c.get("/api/providers/27604977/").content.decode()]
    for text in pages:
        for secret in (HOME, APPLICANT_HOME, "Petr Žadatel", "marie@soukrome.cz", "1970-05-06", "6. 5. 1970"):
            assert secret not in text, (username, secret)


@pytest.mark.parametrize("username", STAFF)
def test_agenda_staff_see_applicants_and_home_addresses(people, username):
    c = client_for(people[username])
    registry = c.get("/registry/").content.decode()
    assert "Petr Žadatel" in registry and APPLICANT_HOME in registry
    page = c.get(f"/registry/poskytovatel/{people['registered'].pk}/").content.decode()
    assert HOME in page and "marie@soukrome.cz" in page and "6. 5. 1970" in page
    api = c.get("/api/providers/25596641/")
    assert api.status_code == 200 and api.json()["address"] == APPLICANT_HOME


def test_provider_history_hides_items_flagged_as_personal_data_from_non_staff(people):
    _notice_with_staff_item(people)
    pk = people["registered"].pk
    for username in NON_STAFF:
        c = client_for(people[username])
        texts = [c.get("/api/providers/27604977/history/").content.decode()]
        if username == "ctenar":
            texts.append(c.get(f"/registry/poskytovatel/{pk}/").content.decode())
        for text in texts:
            assert "Provozní doba 8–16" in text, username
            assert "Jana Tajná" not in text and "Osobní údaj klientky" not in text, username
    staff_page = client_for(people["referent"]).get(f"/registry/poskytovatel/{pk}/").content.decode()
    assert "Jana Tajná" in staff_page and "Osobní údaj klientky" in staff_page
    staff_api = client_for(people["zastupce"]).get("/api/providers/27604977/history/").content.decode()
    assert "Jana Tajná" in staff_api


def test_reads_of_personal_data_are_logged_and_searchable_by_the_administrator(people):
    from workflows.access_log import AccessLogEntry
    from workflows.models import Document

    notice = _notice_with_staff_item(people)
    referent = client_for(people["referent"])
    assert referent.get(f"/pripady/{notice.case_id}/").status_code == 200
    document = Document.objects.filter(case_id=notice.case_id).first()
    if document is None:
        from workflows.documents import store_document

        document = store_document(case=notice.case, kind="reg_notice_attachment", title="Příloha",
                                  content=b"x", filename="priloha.txt", actor=people["referent"], personal_data=True)
    assert referent.get(f"/documents/{document.pk}/download/").status_code == 200
    assert referent.get(f"/registry/poskytovatel/{people['registered'].pk}/").status_code == 200
    assert client_for(people["portal"]).get("/api/providers/27604977/history/").status_code == 200

    views = set(AccessLogEntry.objects.values_list("view", flat=True))
    assert {"case_detail", "document_download", "provider_detail", "api_provider_history"} <= views
    entry = AccessLogEntry.objects.get(view="case_detail")
    assert entry.user == people["referent"] and entry.object_type == "workflows.case" and entry.object_id == str(notice.case_id)

    admin = client_for(people["spravce"])
    url = "/admin/workflows/accesslogentry/"
    by_user = admin.get(url, {"user__id__exact": people["portal"].pk})
    assert by_user.status_code == 200
    assert by_user.context["cl"].result_count == 1
    by_object = admin.get(url, {"object_type": "workflows.document"})
    assert by_object.context["cl"].result_count == 1
    today = admin.get(url, {"at__gte": str(date.today())})
    assert today.context["cl"].result_count == AccessLogEntry.objects.count()
    assert admin.get(url, {"q": "Marie"}).context["cl"].result_count >= 1
    assert client_for(people["referent"]).get(url).status_code in (302, 403)
    entry_url = f"{url}{entry.pk}/change/"
    assert admin.post(f"{url}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists() and admin.get(entry_url).status_code == 200
