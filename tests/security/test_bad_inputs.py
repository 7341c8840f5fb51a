"""Finding 5: inputs that gave a 500 on PostgreSQL get a clear Czech 400 / form error, and
derived values are cut to fit their columns."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.workflows.factories import CaseFactory, days
from workflows.input_rules import fit, validate_name
from workflows.models import Case

pytestmark = pytest.mark.django_db

CONTROL_PAYLOADS = ["\x00", "a\x00b", "\x01", "\x1b[31m", "\x7f", "x\x0bx", "%00"]
GET_URLS = ["/ukoly/", "/fronta/", "/tym/", "/hledat/", "/registry/", "/opinions/", "/prehled/",
            "/api/cases/", "/api/providers/", "/login/"]
PARAMS = ["q", "sort", "provider", "page", "export"]


def portal(demo_users) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=demo_users['portal'])[0].key}")
    return client


def test_control_characters_in_any_query_parameter_are_a_czech_400(demo_users):
    client = Client()
    client.force_login(demo_users["vedouci"])
    tried = 0
    for url in GET_URLS:
        for param in PARAMS:
            for payload in CONTROL_PAYLOADS:
                value = payload if payload != "%00" else "\x00"
                response = client.get(url, {param: value})
                assert response.status_code == 400, (url, param, repr(value), response.status_code)
                assert "řídicí znaky" in response.content.decode(), url
                tried += 1
        assert client.get(url, {"q": "Domov Pod Lesem"}).status_code in (200, 302), url
    assert tried == len(GET_URLS) * len(PARAMS) * len(CONTROL_PAYLOADS)


def test_nul_in_a_form_field_or_a_json_body_is_a_czech_400(demo_users):
    response = Client().post("/login/", {"username": "referent\x00", "password": "x"})
    assert response.status_code == 400 and "řídicí znaky" in response.content.decode()
    response = portal(demo_users).post("/api/opinion-requests/", {"applicant_name": "A\x00"}, format="json")
    assert response.status_code == 400 and "řídicí znaky" in response.json()["detail"]
    response = portal(demo_users).post("/api/change-notices/", {"items": [{"description": ["\x00"]}]}, format="json")
    assert response.status_code == 400
    # line breaks and tabs in submitted text are fine
    response = portal(demo_users).post("/api/change-notices/", {"provider_ico": "25596641", "change_date": "2026-01-05",
                                                                "items": [{"kind": "contact",
                                                                           "description": "a\n\tb"}]}, format="json")
    assert response.status_code == 400 and "řídicí" not in str(response.json())  # the provider is unknown


def test_names_must_contain_letters():
    from django.core.exceptions import ValidationError

    for bad in ["123", "\u200b\u200b", "\u202eSPOL", "...", "\u2066\u2069", " "]:
        with pytest.raises(ValidationError):
            validate_name(bad)
    for good in ["Domov Pod Lesem, o.p.s.", "Žirafa 2", "Ó"]:
        validate_name(good)


def test_derived_case_title_is_cut_to_its_column():
    assert len(fit(Case, "title", "x" * 400)) == 300 and fit(Case, "title", "x" * 400).endswith("…")
    case = CaseFactory(title="Vyjádření – " + "P" * 400)
    case.refresh_from_db()
    assert len(case.title) == Case._meta.get_field("title").max_length


@pytest.fixture
def call(demo_users):
    from opinions.catalogues import load_programmes
    from opinions.models import AreaOfSupport, Call

    programme = load_programmes()
    area = AreaOfSupport.objects.get(programme=programme, code="3.1")
    return Call.objects.create(programme=programme, number="56", area=area, name="Podpora sociálních služeb",
                               submission_deadline=datetime.date(2030, 6, 30))


def opinion_payload(call, **override):
    payload = {
        "applicant_ico": "25596641", "applicant_name": "Domov Pod Lesem, o.p.s.",
        "applicant_address": "Lesní 12, 350 02 Cheb",
        "project_title": "Podpora terénních služeb", "call": call.number, "area": "3.1",
        "service_types": ["48"], "target_groups": [], "period_start": "2027-01-01", "period_end": "2027-12-31",
        "budget": "1500000.00",
    }
    payload.update(override)
    return payload


def test_opinion_request_with_a_400_character_title_opens_a_case(demo_users, call):
    title = "Rozvoj " + "terénních služeb " * 30
    title = title[:400]
    response = portal(demo_users).post("/api/opinion-requests/", opinion_payload(call, project_title=title),
                                       format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["case"]["id"])
    assert len(case.title) <= 300 and case.opinion.project_title == title
    too_long = portal(demo_users).post("/api/opinion-requests/", opinion_payload(call, project_title="x" * 401),
                                       format="json")
    assert too_long.status_code == 400 and "project_title" in too_long.json()


@pytest.mark.parametrize("override,field", [
    ({"applicant_name": "\u200b\u202e"}, "applicant_name"),
    ({"applicant_name": "12345"}, "applicant_name"),
    ({"period_start": "9999-12-31"}, "period_start"),
    ({"period_end": "1900-01-01"}, "period_end"),
    ({"contact_phone": "1" * 41}, "contact_phone"),
])
def test_opinion_request_bad_values_are_czech_400s(demo_users, call, override, field):
    response = portal(demo_users).post("/api/opinion-requests/", opinion_payload(call, **override), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize("override,field", [
    ({"change_date": "9999-12-31"}, "change_date"),
    ({"received_on": (datetime.date.today() + datetime.timedelta(days=1)).isoformat()}, "received_on"),
    ({"received_on": "1999-12-31"}, "received_on"),
    ({"items": [{"kind": "contact", "description": "x" * 501}]}, "items"),
])
def test_change_notice_bad_values_are_czech_400s(demo_users, override, field):
    payload = {"provider_ico": "25596641", "change_date": "2026-01-05",
               "items": [{"kind": "contact", "description": "Nový telefon"}]}
    payload.update(override)
    response = portal(demo_users).post("/api/change-notices/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


def test_remedy_extension_posted_on_an_opinion_case_is_a_404(demo_users):
    from opinions.models import OpinionCaseKind

    case = CaseFactory(title="Vyjádření", kind=OpinionCaseKind.OPINION)
    client = Client()
    client.force_login(demo_users["referent"])
    response = client.post(f"/registry/pripad/{case.pk}/prodlouzit-lhutu/", {"new_deadline": days(30).isoformat()})
    assert response.status_code == 404


def test_date_fields_of_forms_keep_to_the_window():
    from registrations.forms import ChangeNoticeIntakeForm

    form = ChangeNoticeIntakeForm(data={"change_date": "9999-12-31",
                                        "received_on": (datetime.date.today() + datetime.timedelta(days=2)).isoformat()})
    form.is_valid()
    assert "2000" in str(form.errors["change_date"]) and "budoucnosti" in str(form.errors["received_on"])
