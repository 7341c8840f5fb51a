"""In a real browser: "Načíst z ARES" on the registration intake form, against the local
ARES-shaped server: empty fields are filled, a typed name is kept unless the user confirms,
and an unreachable ARES is reported in Czech while the form stays usable."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.ares_server import AresServer
from tests.e2e.conftest import login
from tests.ldap_server import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def value(page, name):
    return page.locator(f"form input[name={name}]").first.input_value()


def test_ares_button_prefills_and_fails_gracefully(page, live_server, demo_users, settings, shot):
    server = AresServer().start()
    settings.OSV_ARES_URL = server.base_url
    cache.clear()
    try:
        login(page, live_server, "referent")
        page.goto(f"{live_server.url}/app/workflow/flows/registration/start/")
        page.locator("form input[name=ico]").first.fill("26593661")
        page.locator("form input[name=name]").first.fill("Domov Slunečnice")  # typed by the officer
        status = page.locator(".ares-status").first

        page.once("dialog", lambda dialog: dialog.dismiss())  # keep what was typed
        page.get_by_role("button", name="Načíst z ARES").click()
        page.wait_for_function("() => document.querySelector('.ares-status').textContent.startsWith('Načteno')")
        assert value(page, "name") == "Domov Slunečnice"
        assert value(page, "address") == "Zahradní 1017/12, 36001 Karlovy Vary"
        assert value(page, "legal_form") == "Ústav"
        assert value(page, "statutory_body") == "Mgr. Hana Kopecká (ředitelka)"
        assert "zůstaly beze změny: Název / jméno" in status.text_content()
        assert "subjekt je aktivní, vznik 1. 2. 2003" in status.text_content()

        messages = []
        page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
        page.get_by_role("button", name="Načíst z ARES").click()
        page.wait_for_function("() => document.querySelector('input[name=name]').value.endsWith('z. ú.')")
        assert "„Domov Slunečnice“ → „Domov Slunečnice, z. ú.“" in messages[0]
        shot(page, "ares-prefill")

        settings.OSV_ARES_URL = f"http://127.0.0.1:{free_port()}/rest"  # ARES unreachable
        cache.clear()
        page.locator("form input[name=ico]").first.fill("71088211")
        page.get_by_role("button", name="Načíst z ARES").click()
        page.wait_for_function("() => document.querySelector('.ares-status').textContent.includes('není dostupný')")
        assert value(page, "name") == "Domov Slunečnice, z. ú."  # nothing lost, the form works by hand
    finally:
        server.stop()
