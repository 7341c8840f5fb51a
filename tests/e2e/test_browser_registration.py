"""(a) In a real browser: an officer registers a new provider through to finality.

Intake form → completeness checklist → assessment → the real worker renders the numbered
decision → delivery → appeal period passed, finality confirmed → the registry shows the
provider and its service, and the reader sees it in the registry (never the case).
Viewflow's Material form fields (web components) are driven by clicking like a user would.
"""

from __future__ import annotations

import datetime

import pytest

from tests.conftest import wait_for
from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BASE = "/app/workflow/flows/registration"


def md_fill(page, name: str, value: str):
    page.locator(f"form input[name={name}], form textarea[name={name}]").first.fill(value)


def md_select(page, name: str, value: str):
    """A Material select: open its menu and click the option."""
    field = page.locator(f"vf-field-select[name={name}]")
    field.locator(".mdc-select__anchor").click()
    option = field.locator(f"li[data-value='{value}']")
    option.click()
    wait_for(lambda: page.locator(f"input[name={name}]").input_value() == value, timeout=5,
             message=f"výběr {name}={value}")


def md_select_many(page, name: str, values: list[str]):
    field = page.locator(f"vf-field-select-multiple[name={name}]")
    field.locator(".mdc-select__anchor").click()
    for value in values:
        field.locator(f"li:has(input[value='{value}'])").click()
    page.keyboard.press("Escape")
    for value in values:
        assert page.locator(f"input[name={name}][value='{value}']").is_checked()


def check_all(page, prefix: str):
    for box in page.locator(f"form input[type=checkbox][name^={prefix}]").all():
        box.check(force=True)


def submit_task(page):
    """The task form's main (raised) button; Viewflow pages submit through Turbo."""
    before = page.url
    page.locator("form button.mdc-button--raised").last.click()
    page.wait_for_function("url => window.location.href !== url", arg=before, timeout=30_000)
    page.wait_for_load_state("networkidle")


def open_case_task(page, live_server, file_mark: str, title: str):
    """Our inbox → the case's task (the officer who took the application owns every step)."""
    def listed():
        page.goto(f"{live_server.url}/ukoly/")
        return page.locator("#task-list tbody tr", has_text=file_mark).filter(has_text=title).count() == 1

    wait_for(listed, timeout=90, interval=1, message=f"úkol „{title}“ se neobjevil v mých úkolech")
    row = page.locator("#task-list tbody tr", has_text=file_mark).filter(has_text=title)
    row.locator("a.button:has-text('Otevřít')").click()
    page.wait_for_load_state("networkidle")


def test_officer_registers_a_provider_through_finality(page, live_server, demo_users, celery_worker, shot):
    from registrations.models import Proceeding, RegisteredService
    from workflows import deadlines
    from workflows.models import Document

    today = datetime.date.today()
    received = today - datetime.timedelta(days=84)
    ready = today - datetime.timedelta(days=50)
    collected = ready + datetime.timedelta(days=1)
    final_on = deadlines.finality_date(collected)
    assert final_on < today

    login(page, live_server, "referent")
    page.goto(f"{live_server.url}{BASE}/start/")
    page.wait_for_load_state("networkidle")
    md_fill(page, "ico", "25596641")
    md_fill(page, "name", "Sdružení Fiktivní péče, z. s.")
    md_fill(page, "legal_form", "spolek")
    md_fill(page, "address", "Zámecká 5, 357 35 Chodov")
    md_fill(page, "data_box", "xyz9876")
    md_fill(page, "received_on", received.isoformat())
    md_select(page, "service_type", "39")
    md_select(page, "form", "field")
    md_select_many(page, "target_groups", ["OZP"])
    md_fill(page, "age_from", "18")
    md_fill(page, "place", "Sokolov")
    md_fill(page, "territory", "okres Sokolov")
    md_fill(page, "capacity", "6")
    submit_task(page)
    proceeding = wait_for(lambda: Proceeding.objects.select_related("case").filter(provider__ico="25596641").first())
    file_mark = proceeding.case.file_mark

    # completeness: every item present
    open_case_task(page, live_server, file_mark, "Kontrola úplnosti")
    check_all(page, "ok_")
    submit_task(page)

    # material assessment: conditions met, grant
    open_case_task(page, live_server, file_mark, "Posouzení podmínek")
    check_all(page, "ok_")
    md_select(page, "proposal", "granted")
    md_fill(page, "reasoning", "Podmínky registrace podle § 79 jsou splněny.")
    submit_task(page)

    # the worker renders the numbered decision; then its delivery
    decision = wait_for(lambda: Document.objects.filter(case=proceeding.case, kind__icontains="decision").first()
                        or Document.objects.filter(case=proceeding.case, title__icontains="rozhodnutí").first(),
                        timeout=120, message="worker nevyhotovil rozhodnutí")
    assert decision.reference_number
    open_case_task(page, live_server, file_mark, "Doručení")
    md_select(page, "channel", "data_box")
    md_fill(page, "ready_on", ready.isoformat())
    md_fill(page, "collected_on", collected.isoformat())
    submit_task(page)

    # appeal period passed without an appeal: the officer confirms finality
    open_case_task(page, live_server, file_mark, "odvolání")
    md_select(page, "result", "final")
    md_fill(page, "final_on", final_on.isoformat())
    submit_task(page)

    service = wait_for(lambda: RegisteredService.objects.filter(provider__ico="25596641").first(), timeout=60,
                       message="služba nebyla zapsána do registru")
    assert service.capacity == 6 and service.registered_on == final_on
    page.goto(f"{live_server.url}/pripady/{proceeding.case_id}/")
    assert decision.sha256 in page.content()
    shot(page, "registration-final")
    logout(page, live_server)

    # the reader finds the provider in the registry, but not the case
    login(page, live_server, "ctenar")
    page.goto(f"{live_server.url}/hledat/?q=25596641")
    assert "Sdružení Fiktivní péče" in page.content()
    response = page.goto(f"{live_server.url}/pripady/{proceeding.case_id}/")
    assert response.status == 403
