"""The bell (issue 12, items 6 and 8) in Chromium: from the main navigation to the list of
notifications, one click to the case, the count going down, the e-mail choices, and a saved
view of the inbox shared with the team — axe (WCAG 2.1 AA, no rule disabled) on each page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, login
from tests.workflows.factories import CaseFactory, TaskFactory, days

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_bell_list_open_settings_and_a_saved_view(page, live_server, demo_users):
    from workflows.notify import services
    from workflows.notify.models import Notification, SavedView

    referent = demo_users["referent"]
    case = CaseFactory(title="Žádost o registraci – denní stacionář", applicant_name="Slunce, z.ú.", deadline=days(-1))
    with services.acting_user(demo_users["vedouci"]):
        TaskFactory(case=case, owner=referent)  # the head's hand-over: "Nový úkol"
    services.notify(user=referent, kind=Notification.Kind.ESCALATION, message=f"Zmeškaná lhůta: {case.file_mark}",
                    case=case, url=f"/pripady/{case.pk}/")

    login(page, live_server, "referent")
    page.goto(f"{live_server.url}/ukoly/")
    bell = page.locator("#bell")
    assert bell.inner_text().replace("\n", " ").strip() == "Upozornění 2 nepřečtených"
    assert_accessible(page, "seznam úkolů se zvonečkem")

    bell.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Upozornění"
    assert page.locator("#notification-list li.unread").count() == 2
    assert_accessible(page, "upozornění")

    page.get_by_role("link", name=f"Zmeškaná lhůta: {case.file_mark}").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/pripady/{case.pk}/")
    assert page.locator("#bell").inner_text().replace("\n", " ").strip() == "Upozornění 1 nepřečtených"

    page.locator("#bell").click()
    page.get_by_role("link", name="Nastavení: co chodí e-mailem").click()
    page.wait_for_load_state("networkidle")
    assert_accessible(page, "nastavení upozornění")
    page.get_by_label("Přidělení úkolu").uncheck()
    page.get_by_role("button", name="Uložit").click()
    page.wait_for_load_state("networkidle")
    assert services.email_kinds(referent) == set(Notification.Kind.values) - {"assigned"}

    page.goto(f"{live_server.url}/ukoly/?overdue=1")
    page.fill("#saved-view-name", "Po lhůtě")
    page.get_by_label("sdílet s týmem").check()
    page.get_by_role("button", name="Uložit pohled").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#own-views a").inner_text() == "Po lhůtě"
    assert_accessible(page, "uložený pohled")
    view = SavedView.objects.get()
    assert (view.query, view.shared) == ("overdue=1", True)
