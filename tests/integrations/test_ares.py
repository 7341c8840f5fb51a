"""Company lookup by IČO from ARES: the real httpx client against a local server that speaks
ARES's REST interface from hand-made fixtures; the JSON endpoint behind "Načíst z ARES"; the
button on every intake form and the provider page."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.ares_server import AresServer
from tests.ldap_server import free_port


@pytest.fixture
def ares_server(settings):
    server = AresServer().start()
    settings.OSV_ARES_URL = server.base_url
    cache.clear()
    yield server
    server.stop()
    cache.clear()


def test_lookup_of_an_institute_with_its_statutory_body(ares_server):
    from workflows.ares import lookup

    company = lookup("265 93 661")
    assert company.name == "Domov Slunečnice, z. ú."
    assert company.legal_form == "Ústav" and company.legal_form_code == "161"
    assert company.address == "Zahradní 1017/12, 36001 Karlovy Vary"
    assert company.founded_on == "2003-02-01"
    assert company.statutory_body == "Mgr. Hana Kopecká (ředitelka)"  # the former director and a deleted board are left out
    assert company.active is True
    assert company.as_dict()["founded_on_display"] == "1. 2. 2003"


def test_dissolved_company_is_inactive_and_address_is_built_from_parts(ares_server):
    from workflows.ares import lookup

    company = lookup("05472130")
    assert company.active is False and company.dissolved_on == "2024-06-30"
    assert company.address == "Rokycanova 258, 356 01 Sokolov"
    assert company.statutory_body == "JUDr. Pavel Novotný, Ph.D. (likvidátor)"


def test_sole_trader_without_public_register_record(ares_server):
    from workflows.ares import lookup

    company = lookup("71088211")
    assert company.legal_form == "Fyzická osoba podnikající dle živnostenského zákona"
    assert company.statutory_body == ""
    assert not any("ekonomicke-subjekty-vr" in path for path in ares_server.requests)  # ARES says there is none


def test_answers_are_cached(ares_server):
    from workflows.ares import lookup

    lookup("26593661")
    count = len(ares_server.requests)
    assert lookup("26593661").name == "Domov Slunečnice, z. ú."
    assert len(ares_server.requests) == count


def test_errors_are_czech(ares_server, settings):
    from workflows import ares

    with pytest.raises(ares.AresInvalidIco, match="kontrolní číslici"):
        ares.lookup("12345678")
    with pytest.raises(ares.AresNotFound, match="v registru ARES není"):
        ares.lookup("01234561")
    ares_server.fail_with = 503
    with pytest.raises(ares.AresUnavailable, match="HTTP 503"):
        ares.lookup("26593661")
    settings.OSV_ARES_URL = f"http://127.0.0.1:{free_port()}/rest"  # nobody listens: ARES unreachable
    with pytest.raises(ares.AresUnavailable, match="není dostupný"):
        ares.lookup("26593661")


def test_endpoint_for_the_button(client, demo_users, ares_server, settings):
    client.force_login(demo_users["referent"])
    data = client.get("/ares/", {"ico": "26593661"}).json()
    assert data["ok"] and data["company"]["name"] == "Domov Slunečnice, z. ú."
    assert data["company"]["status_display"] == "aktivní"
    response = client.get("/ares/", {"ico": "01234561"})
    assert response.status_code == 404 and "v registru ARES není" in response.json()["error"]
    settings.OSV_ARES_URL = f"http://127.0.0.1:{free_port()}/rest"
    cache.clear()
    response = client.get("/ares/", {"ico": "26593661"})
    assert response.status_code == 503 and "Vyplňte prosím údaje ručně" in response.json()["error"]


def test_endpoint_needs_an_agenda_role(client, demo_users, ares_server):
    client.force_login(demo_users["ctenar"])
    assert client.get("/ares/", {"ico": "26593661"}).status_code == 403
    client.logout()
    assert client.get("/ares/", {"ico": "26593661"}).status_code == 302  # to the login page


@pytest.mark.parametrize("user,url,fill", [
    ("referent", "/app/workflow/flows/registration/start/", '"statutory_body": "statutory_body"'),
    # the notice of changes picks a provider from the registry first (no IČO typed, no ARES)
    ("planovac", "/app/workflow/flows/opinion/start/", '"address": "applicant_address"'),
])
def test_every_intake_form_offers_the_button(client, demo_users, user, url, fill):
    client.force_login(demo_users[user])
    html = client.get(url).content.decode()
    assert 'data-ares-url="/ares/"' in html
    assert "data-ares-fill=" in html and fill.replace('"', "&quot;") in html
    assert "osv/ares.js" in html
    assert "<script>" not in html.replace(" ", "")  # no inline script


def test_provider_page_offers_the_button_and_records_the_correction(client, demo_users):
    from registrations.models import Provider, RegistryVersion

    provider = Provider.objects.create(ico="26593661", name="Domov Slunečnice, o.p.s.", address="Zahradní 12, Karlovy Vary")
    client.force_login(demo_users["referent"])
    html = client.get(f"/registry/poskytovatel/{provider.pk}/").content.decode()
    assert "data-ares-fill=" in html and "osv/ares.js" in html
    response = client.post(f"/registry/poskytovatel/{provider.pk}/udaje/", {
        "name": "Domov Slunečnice, z. ú.", "legal_form": "Ústav", "address": "Zahradní 1017/12, 36001 Karlovy Vary",
        "statutory_body": "Mgr. Hana Kopecká (ředitelka)"})
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Domov Slunečnice, z. ú."
    version = RegistryVersion.objects.get(provider=provider, action="provider_changed")
    assert version.before["name"] == "Domov Slunečnice, o.p.s." and version.after["legal_form"] == "Ústav"
    assert version.actor == demo_users["referent"]
    client.force_login(demo_users["ctenar"])
    assert "data-ares-fill=" not in client.get(f"/registry/poskytovatel/{provider.pk}/").content.decode()
    assert client.post(f"/registry/poskytovatel/{provider.pk}/udaje/", {"name": "X", "address": "Y"}).status_code == 403
