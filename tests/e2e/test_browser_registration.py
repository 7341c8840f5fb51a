"""(a) In a real browser: an officer registers a new provider through to finality, starting
from the navigation (never a typed URL), with axe on every page and the clicks counted.

"Nový případ" → intake form → (lands on) completeness check → assessment → preview of the
decision, confirm → the real worker renders the numbered decision → delivery (opened from the
case page) → (lands on) appeal period passed, finality confirmed → the registry shows the
provider and its service, and the reader sees it in the registry (never the case).

Clicks before issue 12: about 50 (four submit rounds on the start form, every checklist item
ticked one by one, every task opened from the inbox). Target: ≤ 25.
"""

from __future__ import annotations

import datetime
import re

import pytest

from tests.conftest import wait_for
from tests.e2e.conftest import Journey, assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLICK_BUDGET = 25


def test_officer_registers_a_provider_through_finality(page, live_server, demo_users, celery_worker, shot):
    from registrations.catalogues import ensure_default_checklist
    from registrations.models import Proceeding, RegisteredService
    from workflows import deadlines

    ensure_default_checklist()  # a transactional test before us may have flushed migration data
    from workflows.models import Document

    today = datetime.date.today()
    received = today - datetime.timedelta(days=84)
    ready = today - datetime.timedelta(days=50)
    collected = ready + datetime.timedelta(days=1)
    final_on = deadlines.finality_date(collected)
    assert final_on < today

    j = Journey(page, live_server)
    j.login("referent")
    assert page.url.endswith("/prehled/")
    j.click("#new-case-menu summary", navigates=False)
    j.click("#new-case-menu a:has-text('Nová žádost o registraci')")
    assert "<vf-page" not in page.content()  # the project's frame, not Viewflow's
    j.fill("ico", "25596641")
    j.fill("name", "Sdružení Fiktivní péče, z. s.")
    j.fill("legal_form", "spolek")
    j.fill("address", "Zámecká 5, 357 35 Chodov")
    j.fill("data_box", "xyz9876")
    j.fill("received_on", received.isoformat())
    j.select("service_type", "39")
    j.select("form", "field")
    j.select("target_groups", ["OZP"])
    j.fill("age_from", "18")
    j.fill("place", "Sokolov")
    j.fill("territory", "okres Sokolov")
    j.fill("capacity", "6")
    shot(page, "registration-start-form")
    j.submit()  # one submit round for a correctly filled form
    proceeding = Proceeding.objects.select_related("case").get(provider__ico="25596641")
    file_mark = proceeding.case.file_mark

    # lands on the completeness check of the new case: every item present in one tick
    assert "Kontrola úplnosti" in j.h1(), (j.h1(), page.locator(".error-summary, .messages").all_inner_texts())
    assert page.locator(".case-panel").count() == 1
    shot(page, "registration-task-form")
    j.check("input[name=all_ok]")
    j.submit()

    # lands on the assessment: conditions met, grant → the decision is previewed, then issued
    assert "Posouzení" in j.h1()
    j.check("input[name=all_ok]")
    j.select("proposal", "granted")
    j.fill("reasoning", "Podmínky registrace podle § 79 jsou splněny.")
    j.submit()
    assert page.locator("#act-preview").count() == 1 and "Rozhodnutí o registraci" in page.content()
    assert page.locator("#act-preview .alert-error").count() == 0  # the whole step previewed without error
    assert not Document.objects.filter(case=proceeding.case).exists()  # nothing issued yet
    shot(page, "registration-act-preview")
    j.click("#confirm-issue")
    assert f"/pripady/{proceeding.case_id}/" in page.url  # the decision is with the worker: the case page

    decision = wait_for(lambda: Document.objects.filter(case=proceeding.case, kind__icontains="decision").first(),
                        timeout=120, message="worker nevyhotovil rozhodnutí")
    assert decision.reference_number
    wait_for(lambda: proceeding.case.processes.get().task_set.filter(
        flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"]).exists(), timeout=60, message="doručení")
    j.reload()
    j.click("a.button:has-text('Otevřít')")
    assert "Doručení rozhodnutí" in j.h1()
    j.select("channel", "data_box")
    j.fill("ready_on", ready.isoformat())
    j.fill("collected_on", collected.isoformat())
    j.submit()

    # lands on the appeal period: passed without an appeal, the officer confirms finality
    assert "odvolání" in j.h1()
    j.select("result", "final")
    j.fill("final_on", final_on.isoformat())
    j.submit()

    service = wait_for(lambda: RegisteredService.objects.filter(provider__ico="25596641").first(), timeout=60,
                       message="služba nebyla zapsána do registru")
    assert service.capacity == 6 and service.registered_on == final_on
    assert f"/pripady/{proceeding.case_id}/" in page.url and decision.sha256 in page.content()
    shot(page, "registration-final")
    print(f"\n[click count] registrace → právní moc: {j.clicks} kliků (cíl ≤ {CLICK_BUDGET}; před: ~50)")
    assert j.clicks <= CLICK_BUDGET, j.clicks

    # the reader finds the provider in the registry (by the navigation), but not the case
    r = Journey(page, live_server)
    r.login("ctenar")
    r.click("header nav a:has-text('Registr')")
    page.fill("input[name=q]", "25596641")
    r.click("main form button[type=submit]")
    assert "Sdružení Fiktivní péče" in page.content()
    response = page.goto(f"{live_server.url}/pripady/{proceeding.case_id}/")  # a typed URL: refused
    assert response.status == 403


def test_keyboard_only_from_login_to_the_start_form(page, live_server, demo_users):
    """Keyboard only: log in, skip link, open "Nový případ", reach the start form, error summary."""
    page.goto(f"{live_server.url}/login/")
    assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus
    page.keyboard.type("referent")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-heslo-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/prehled/")
    page.keyboard.press("Tab")  # the skip link comes first, and it works
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "obsah"
    page.keyboard.press("Shift+Tab")
    for _ in range(30):  # Tab through the navigation to the menu
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert "Nový případ" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert "Nová žádost o registraci" in page.evaluate("document.activeElement.textContent")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Příjem žádosti o registraci" in page.locator("h1").inner_text()
    # submit the empty form by keyboard: every error at once, summary on top, links to the fields
    page.focus("input[name=name]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    assert summary.count() == 1 and summary.locator("li").count() >= 3
    assert_accessible(page)


def test_czech_date_input_and_searchable_multi_select(page, live_server, demo_users):
    """One date input: typed "24.11.2026" reads "24. 11. 2026", the calendar fills the text box,
    an impossible date gets a Czech reason; the multi-select filters by typing (without
    diacritics too) and is ticked by keyboard; axe stays clean."""
    from tests.e2e.conftest import login

    login(page, live_server, "referent")
    page.click("#new-case-menu summary")
    with page.expect_navigation():
        page.click("#new-case-menu a:has-text('Nová žádost o registraci')")
    received = page.locator("input[name=received_on]")
    assert received.get_attribute("type") == "text"
    picker = page.locator("input[name=received_on] ~ input.date-picker")
    assert picker.count() == 1 and picker.get_attribute("type") == "date"
    received.fill("24.11.2025")
    received.blur()
    assert received.input_value() == "24. 11. 2025"
    assert picker.input_value() == "2025-11-24"
    picker.fill("2025-10-03")  # what choosing a day in the calendar does
    assert received.input_value() == "3. 10. 2025"

    box = page.locator("[data-osv-multiselect-for=target_groups]")
    assert page.locator("select[name=target_groups]").is_hidden() and box.count() == 1
    # the field's label names the filter box (and the group of boxes)
    page.get_by_role("searchbox", name=re.compile(r"^okruh osob", re.I)).fill("senior")
    visible = box.locator("li:not([hidden]) label")
    assert visible.count() >= 1 and all("senio" in t.lower() for t in visible.all_inner_texts())
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert "vybrána 1 položka" in box.locator(".multiselect-count").inner_text()
    assert page.evaluate("[...document.querySelector('select[name=target_groups]').selectedOptions].length") == 1
    assert_accessible(page, "start form with the widgets")

    received.fill("31. 2. 2025")
    with page.expect_navigation():
        page.click("main form.osv-form .actions button[type=submit]")
    assert "Datum 31. 2. 2025 neexistuje – únor 2025 má jen 28 dní." in page.locator("#error-summary").inner_text()
    assert page.locator("[data-osv-multiselect-for=target_groups] input:checked").count() == 1  # nothing lost
    assert_accessible(page, "start form with errors")
