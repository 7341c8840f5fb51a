"""REST API: schema validity, token/session auth, role permissions, submissions, downloads."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from opinions.models import OpinionCaseKind
from registrations.models import RegistrationCaseKind
from tests.workflows.factories import CaseFactory, DocumentFactory, days
from workflows.models import Case, Document

pytestmark = pytest.mark.django_db


def _doc(case, kind, **traits):
    return DocumentFactory(case=case, kind=kind, reference_number=f"KK/{kind}/SV/2026", **traits)


def api_for(user=None, token=False) -> APIClient:
    client = APIClient()
    if user is not None:
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        else:
            client.force_authenticate(user)
    return client


def test_schema_is_valid_openapi(client, demo_users):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    for expected in ("/api/cases/", "/api/cases/{id}/", "/api/providers/", "/api/providers/{ico}/history/",
                     "/api/opinion-requests/", "/api/change-notices/", "/api/documents/{id}/download/"):
        assert expected in paths, expected
    response = client.get("/api/schema/")  # only for logged-in users and tokens
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    client.force_login(demo_users["portal"])
    response = client.get("/api/schema/")
    assert response.status_code == 200 and b"openapi" in response.content


def test_docs_page_offline(client, demo_users):
    client.force_login(demo_users["portal"])
    html = client.get("/api/docs/").content.decode()
    assert "/api/opinion-requests/" in html and "Authorization: Token" in html
    assert "cdn" not in html.lower()


def test_anonymous_gets_nothing(demo_users):
    client = api_for()
    for url in ("/api/cases/", "/api/providers/", "/api/opinion-requests/", "/api/change-notices/"):
        assert client.get(url).status_code in (401, 403), url


def test_case_status_by_role_and_token(demo_users):
    portal = demo_users["portal"]
    own = CaseFactory(title="Podání portálu", opinion=True, deadline=days(7), actor=portal)
    other = CaseFactory(title="Cizí registrace", overdue=True)
    client = api_for(portal, token=True)
    data = client.get("/api/cases/").json()
    assert [c["id"] for c in data["results"]] == [own.pk]
    detail = client.get(f"/api/cases/{own.pk}/").json()
    assert detail["state"] == "open" and detail["deadline"] == own.deadline.isoformat()
    assert isinstance(detail["working_days_left"], int) and detail["overdue"] is False
    assert client.get(f"/api/cases/{other.pk}/").status_code == 404

    officer = api_for(demo_users["referent"])
    ids = [c["id"] for c in officer.get("/api/cases/").json()["results"]]
    assert other.pk in ids and own.pk not in ids  # the opinion case is not the officer's agenda
    assert officer.get(f"/api/cases/{other.pk}/").json()["overdue"] is True
    planner = api_for(demo_users["planovac"])
    assert [c["id"] for c in planner.get("/api/cases/?kind=opinion").json()["results"]] == [own.pk]
    assert api_for(demo_users["ctenar"]).get("/api/cases/").status_code == 403


def test_document_download_rules(demo_users):
    portal = demo_users["portal"]
    own = CaseFactory(title="Podání", opinion=True, actor=portal)
    issued, draft = _doc(own, "issued"), _doc(own, "draft", status=Document.Status.DRAFT)
    foreign = _doc(CaseFactory(title="Cizí"), "foreign")
    personal = _doc(own, "personal", personal_data=True)
    client = api_for(portal, token=True)
    assert client.get(f"/api/documents/{issued.pk}/download/").status_code == 200
    assert client.get(f"/api/documents/{draft.pk}/download/").status_code == 403
    assert client.get(f"/api/documents/{personal.pk}/download/").status_code == 403
    assert client.get(f"/api/documents/{foreign.pk}/download/").status_code == 403
    detail = client.get(f"/api/cases/{own.pk}/").json()
    assert [d["id"] for d in detail["documents"]] == [issued.pk]
    reader = api_for(demo_users["ctenar"])
    assert reader.get(f"/api/documents/{foreign.pk}/download/").status_code == 200
    assert reader.get(f"/api/documents/{draft.pk}/download/").status_code == 403
    planner = api_for(demo_users["planovac"])
    assert planner.get(f"/api/documents/{draft.pk}/download/").status_code == 200
    assert planner.get(f"/api/documents/{foreign.pk}/download/").status_code == 403  # other agenda


def test_submission_roles(demo_users):
    for username in ("ctenar", "referent", "spravce"):
        assert api_for(demo_users[username]).post("/api/opinion-requests/", {}, format="json").status_code == 403
    for username in ("ctenar", "planovac", "koordinator"):
        assert api_for(demo_users[username]).post("/api/change-notices/", {}, format="json").status_code == 403
    response = api_for(demo_users["portal"]).post("/api/opinion-requests/", {}, format="json")
    assert response.status_code == 400 and "applicant_ico" in response.json()


def test_portal_registers_an_opinion_request(demo_users):
    from tests.opinions.factories import CallFactory

    call = CallFactory()
    payload = {
        "applicant_ico": "25596641", "applicant_name": "Domov Pod Lesem, o.p.s.",
        "applicant_address": "Lesní 12, 350 02 Cheb",
        "project_title": "Podpora terénních služeb", "call": call.number,
        "area": call.area.code, "service_types": ["48"], "target_groups": [],
        "period_start": "2027-01-01", "period_end": "2027-12-31", "budget": "1500000.00",
    }
    client = api_for(demo_users["portal"], token=True)
    response = client.post("/api/opinion-requests/", payload, format="json")
    assert response.status_code == 201, response.content
    case_id = response.json()["case"]["id"]
    assert Case.objects.get(pk=case_id).kind == OpinionCaseKind.OPINION
    assert client.get(response.json()["status_url"]).status_code == 200
    bad = client.post("/api/opinion-requests/", dict(payload, applicant_ico="12345678"), format="json")
    assert bad.status_code == 400 and "IČO" in str(bad.json())


def test_registry_reads_for_every_role(demo_users):
    from tests.registrations.factories import ProviderFactory

    ProviderFactory(ico="25596641", name="Domov Pod Lesem, o.p.s.")
    for username in ("ctenar", "portal", "referent", "planovac"):
        client = api_for(demo_users[username])
        data = client.get("/api/providers/?q=Domov").json()
        assert data["results"][0]["ico"] == "25596641", username
        assert client.get("/api/providers/25596641/").json()["name"] == "Domov Pod Lesem, o.p.s."
        assert client.get("/api/providers/25596641/history/").status_code == 200
    assert api_for(demo_users["ctenar"]).get("/api/providers/00000000/").status_code == 404


def test_change_notice_for_unknown_provider_is_a_czech_400(demo_users):
    response = api_for(demo_users["portal"]).post("/api/change-notices/", {
        "provider_ico": "25596641", "change_date": datetime.date.today().isoformat(),
        "items": [{"kind": "contact", "description": "Nový telefon"}],
    }, format="json")
    assert response.status_code == 400 and "registru" in str(response.json())


def test_portal_submits_a_notice_of_changes_and_reads_its_status(demo_users, no_dispatch):
    from registrations import demo

    demo.seed()
    portal = api_for(demo_users["portal"], token=True)
    change_date = datetime.date.today() - datetime.timedelta(days=3)
    response = portal.post("/api/change-notices/", {
        "provider_ico": "44312211", "service_identifier": "4471823", "change_date": change_date.isoformat(),
        "items": [{"kind": "contact", "description": "Nové telefonní číslo recepce"}],
    }, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["case"]["id"])
    assert case.kind == RegistrationCaseKind.CHANGE_NOTICE and case.created_by == demo_users["portal"]
    status = portal.get(response.json()["status_url"]).json()
    assert status["state"] == "open" and status["deadline"]
    history = portal.get("/api/providers/44312211/history/").json()
    assert history and all("at" in v and "summary" in v for v in history)
    bad = portal.post("/api/change-notices/", {
        "provider_ico": "44312211", "service_identifier": "neexistuje", "change_date": change_date.isoformat(),
        "items": [{"kind": "contact", "description": "x"}],
    }, format="json")
    assert bad.status_code == 400 and "není v registru" in str(bad.json())
