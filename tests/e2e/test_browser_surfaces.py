"""Browser journeys on the work surfaces (needs only the foundation):

(c) a reader cannot open an officer's task (nor its case), and the officer and the head find
their work on the first page, in Czech, sorted by deadline. Screenshots of the inbox, the case
page and the head's dashboard go to test-output/ (docs/screenshots/ holds committed copies).
"""

from __future__ import annotations

import pytest

from opinions.models import OpinionCaseKind
from registrations.models import RegistrationCaseKind
from tests.conftest import wait_for
from tests.e2e.conftest import login, logout
from tests.workflows.factories import CaseFactory, TaskFactory, days
from workflows.models import Case, Document

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(demo_users, celery_worker):
    """A small office day: tasks of two officers, a queue, a case waiting for the head; one
    letter rendered by the real worker so the case page has a numbered DOCX."""
    from workflows.flows.letter import letter_send

    ref, ref2 = demo_users["referent"], demo_users["referent2"]
    K = RegistrationCaseKind
    main = CaseFactory(title="Žádost o registraci – odlehčovací služba", applicant_name="Chata u lesa, z.ú.",
                     ico="27005496", deadline=days(-2), actor=ref, kind=K.REGISTRATION)
    cases = [
        main,
        CaseFactory(title="Oznámení změn – nový vedoucí služby", applicant_name="Domov Pod Lesem, o.p.s.", ico="25596641",
                  deadline=days(3), actor=ref, kind=K.CHANGE_NOTICE),
        CaseFactory(title="Žádost o změnu registrace – kapacita", applicant_name="Čtyřlístek, z.s.", ico="26593548",
                  deadline=days(12), actor=ref, kind=K.CHANGE_APPLICATION),
        CaseFactory(title="Zrušení registrace na žádost", applicant_name="Hospic sv. Anny, o.p.s.", ico="25232801",
                  deadline=days(20), actor=ref, kind=K.CANCELLATION),
    ]
    tasks = [TaskFactory(case=case, owner=ref) for case in cases]
    TaskFactory(case=CaseFactory(title="Oznámení změn – provozní doba", applicant_name="Žirafa, z.ú.", ico="27016803",
                        deadline=days(-1)), owner=ref2)
    TaskFactory(case=CaseFactory(title="Žádost o registraci – terénní program", applicant_name="Ulice Cheb, z.s.",
                        ico="22823964", deadline=days(6)))
    TaskFactory(case=CaseFactory(title="Vyjádření – sociální rehabilitace", applicant_name="Ledovec, z.s.", ico="69980560",
                        deadline=days(1), state=Case.State.WAITING, kind=OpinionCaseKind.OPINION))
    letter_send(case=main, subject="Výzva k doplnění žádosti", body="Žádáme o doplnění dokladů.\nS pozdravem", actor=ref)
    wait_for(lambda: Document.objects.filter(case=main).exists(), timeout=90, message="worker nevyhotovil dopis")
    return {"main": main, "task": tasks[0]}


def test_reader_cannot_open_officers_task_and_staff_find_their_work(page, live_server, office, shot):
    from django.urls import get_resolver

    get_resolver().url_patterns  # builds the Viewflow site's namespaces for flow_task.reverse
    main, task = office["main"], office["task"]
    task_url = task.flow_task.reverse("index", args=[task.process_id, task.pk])

    # (c) the reader: no task, no case page, no case data
    login(page, live_server, "ctenar")
    assert page.url.endswith("/hledat/")
    for url in (task_url, f"/pripady/{main.pk}/", "/ukoly/"):
        response = page.goto(live_server.url + url)
        assert response.status == 403, url
        assert "Chata u lesa" not in page.content()
    # searching the applicant's IČO, the reader finds the issued letter (with its addressee) and
    # nothing of the case: no case table, no file mark, no link to the case, the name nowhere else
    page.goto(f"{live_server.url}/hledat/?q=27005496")
    letter = Document.objects.get(case=main)
    found = page.locator("#document-results tbody tr")
    assert found.count() == 1 and letter.reference_number in found.first.inner_text()
    assert page.locator("#case-results").count() == 0
    content = page.content()
    assert main.file_mark not in content and f"/pripady/{main.pk}/" not in content
    outside_documents = page.evaluate(
        "() => { const b = document.body.cloneNode(true); b.querySelector('#document-results').remove();"
        " return b.innerText; }")
    assert "Chata u lesa" not in outside_documents
    logout(page, live_server)

    # the officer: dashboard first, then the inbox sorted by deadline, overdue highlighted, in Czech
    login(page, live_server, "referent")
    assert page.url.endswith("/prehled/")
    assert "Moje úkoly podle lhůty" in page.content()
    page.goto(f"{live_server.url}/ukoly/")
    rows = page.locator("#task-list tbody tr")
    assert rows.count() == 4
    first = rows.nth(0)
    assert "Chata u lesa" in first.inner_text() and "po lhůtě" in first.inner_text()
    assert "overdue" in (first.get_attribute("class") or "")
    d = main.deadline
    assert f"{d.day}. {d.month}. {d.year}" in first.inner_text()
    assert page.locator("html").get_attribute("lang") == "cs"
    shot(page, "officer-inbox")

    # the case page: data, document with its hash, history, diagram with the current step
    page.click("#task-list tbody tr:first-child td:nth-child(2) a")
    page.wait_for_load_state("networkidle")
    assert main.file_mark in page.content()
    doc = Document.objects.filter(case=main).first()
    assert doc.sha256 in page.content() and doc.reference_number in page.content()
    assert page.locator("#history li").count() >= 2
    assert page.locator(".diagram svg").count() >= 1
    shot(page, "registration-case-page")
    with page.expect_download() as download:
        page.click(f"a[href='/documents/{doc.pk}/download/']")
    assert download.value.suggested_filename.endswith(".docx")

    # the officer can claim from the queue; the reader's forbidden task stays his
    page.goto(f"{live_server.url}/fronta/")
    page.click("#task-list tbody tr:first-child button:has-text('Převzít')")
    page.wait_for_load_state("networkidle")
    assert "převzal(a)" in page.content()
    logout(page, live_server)

    # the head: dashboard with waiting-for-approval, load per person and the plots
    login(page, live_server, "vedouci")
    assert page.url.endswith("/prehled/")
    content = page.content()
    assert "Čeká na schválení" in content and "Vyjádření – sociální rehabilitace" in content
    assert "Jana Nováková" in content and "Petr Dvořák" in content
    assert page.locator("svg.chart").count() >= 2
    shot(page, "head-dashboard-small-office")
