"""In a real browser (issue 12, items 1, 3, 5, 9): cases about a registered provider start from the
provider (its page, or a search by IČO / name on the start form) with its data prefilled and only
its services offered; a proceeding is stopped from the case page by a previewed usnesení. Only
clicks on what the pages show, axe on every page (tests/e2e/conftest.py ``Journey``)."""

from __future__ import annotations

import datetime

import pytest

from tests.e2e.conftest import Journey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registered(demo_users):
    from registrations.catalogues import ensure_default_checklist
    from tests.registrations.factories import RegisteredServiceFactory

    ensure_default_checklist()  # a transactional test before us may have flushed migration data
    service = RegisteredServiceFactory(provider__ico="25596641", provider__name="Domov Pod Lesem, o.p.s.",
                                       provider__address="Lesní 12, 350 02 Cheb")
    other = RegisteredServiceFactory(provider__name="Hospic sv. Anny, o.p.s.")
    return service, other


def test_change_application_from_the_provider_page_then_stopped_on_withdrawal(page, live_server, registered, shot):
    from registrations.models import Proceeding
    from workflows.models import Case, Document

    service, other = registered
    today = datetime.date.today()
    j = Journey(page, live_server)
    j.login("referent")
    j.click("header nav a:has-text('Registr')")
    page.fill("input[name=q]", "25596641")
    j.click("main form button[type=submit]")
    j.click("a:has-text('Domov Pod Lesem')")
    j.click("#provider-start-links a:has-text('Žádost o změnu registrace')")
    assert page.locator("#chosen-provider").inner_text().count("Domov Pod Lesem") == 1
    options = page.locator("select[name=service] option").all_inner_texts()
    assert len([o for o in options if o.strip() not in ("", "---------")]) == 1  # only its service, preselected
    assert page.locator("select[name=service]").input_value() == str(service.pk)
    j.fill("received_on", today.isoformat())
    j.fill("capacity", "30")
    shot(page, "provider-change-start")
    j.submit()
    proceeding = Proceeding.objects.select_related("case").get(provider=service.provider, kind="change")
    assert "Kontrola úplnosti" in j.h1()

    # the applicant withdraws: the case page stops the proceeding by a previewed usnesení
    j.click(f"nav.crumbs a:has-text('{proceeding.case.file_mark}')")
    j.click("#stop-proceeding")
    j.fill("withdrawn_on", today.isoformat())
    j.fill("reason", "Žadatel podáním ze dne doručení vzal žádost o změnu zpět.")
    j.submit()
    assert page.locator("#act-preview").count() == 1 and "§ 66 odst. 1 písm. a)" in page.content()
    assert not Document.objects.filter(case=proceeding.case).exists()
    shot(page, "proceeding-stop-preview")
    j.click("#confirm-issue")
    assert f"/pripady/{proceeding.case_id}/" in page.url
    case = Case.objects.get(pk=proceeding.case_id)
    assert case.state == Case.State.CLOSED
    assert Document.objects.get(case=case, kind="reg_stop").reference_number in page.content()
    print(f"\n[click count] změna z karty poskytovatele → zastavení řízení: {j.clicks} kliků")


def test_notice_of_changes_searches_the_provider_then_offers_its_services(page, live_server, registered):
    from registrations.models import ChangeNotice

    service, other = registered
    today = datetime.date.today()
    j = Journey(page, live_server)
    j.login("referent")
    j.click("#new-case-menu summary", navigates=False)
    j.click("#new-case-menu a:has-text('Oznámení změn')")
    page.fill("input[name=q]", "Pod Lesem")
    j.click("main form button[type=submit]")
    assert page.locator("#provider-results li").count() == 1
    j.click("#provider-results a")
    values = [v for v in page.locator("select[name=service] option").evaluate_all("els => els.map(e => e.value)") if v]
    assert values == [str(service.pk)]  # not the other provider's service
    j.select("service", str(service.pk))
    j.fill("change_date", today.isoformat())
    j.fill("received_on", today.isoformat())
    j.select("kind", "staff")
    j.fill("description", "Nová vedoucí služby")
    j.submit()
    notice = ChangeNotice.objects.get(provider=service.provider)
    assert notice.service_id == service.pk
    assert "Kontrola oznámení" in j.h1()
