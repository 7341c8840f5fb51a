"""(b) In a real browser: a planner registers and drafts an opinion, the head returns it, the
planner fixes it, the head approves, the real worker renders the numbered DOCX and it downloads.

Runs on the demo data of both agendas (plans, calls, IPs, opinions in every state), so the
screenshots taken on the way show a realistic office: the planner's inbox, the opinion's case
page and the head's dashboard.
"""

from __future__ import annotations

import io

import pytest

from tests.conftest import wait_for
from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BASE = "/app/workflow/flows/opinion"


@pytest.fixture
def demo_office(demo_users, celery_worker):
    from workflows.demo import seed_agendas

    seed_agendas()
    return demo_users


def _submit(page, selector: str):
    """Click a submit button of a (Turbo-driven) Viewflow page and wait for the next page."""
    before = page.url
    page.click(selector)
    page.wait_for_function("url => window.location.href !== url", arg=before, timeout=20_000)
    page.wait_for_load_state("networkidle")


def _claim_and_open(page, live_server, case_file_mark: str):
    """From our queue: take the task of the case, then open it from the inbox."""
    page.goto(f"{live_server.url}/fronta/?provider=")
    row = page.locator("#task-list tbody tr", has_text=case_file_mark)
    row.locator("button:has-text('Převzít')").click()
    page.wait_for_load_state("networkidle")
    assert "převzal(a)" in page.content()
    _open_from_inbox(page, live_server, case_file_mark)


def _open_from_inbox(page, live_server, case_file_mark: str):
    page.goto(f"{live_server.url}/ukoly/")
    row = page.locator("#task-list tbody tr", has_text=case_file_mark)
    row.locator("a.button:has-text('Otevřít')").click()
    page.wait_for_load_state("networkidle")


def test_opinion_draft_return_fix_approve_and_docx(page, live_server, demo_office, shot):
    from docx import Document as Docx

    from opinions.models import Call, Opinion
    from workflows.models import Document, ServiceType, TargetGroup

    call = Call.objects.filter(area__code="3.1").order_by("-submission_deadline").first()

    # --- the planner registers the request (start form of the opinion flow)
    login(page, live_server, "planovac")
    assert page.url.endswith("/prehled/")
    page.goto(f"{live_server.url}{BASE}/start/")
    page.fill("input[name=applicant_ico]", "25596641")
    page.fill("input[name=applicant_name]", "Domov Pod Lesem, o.p.s.")
    page.fill("input[name=applicant_address]", "Lesní 12, 350 02 Cheb")
    page.fill("input[name=project_title]", "Terénní služby pro seniory na Chebsku")
    page.select_option("select[name=call]", str(call.pk))
    page.select_option("select[name=area]", str(call.area_id))
    page.select_option("select[name=service_types]", str(ServiceType.objects.get(paragraph="40").pk))
    page.select_option("select[name=target_groups]", str(TargetGroup.objects.get(code="S").pk))
    page.fill("input[name=period_start]", "1. 1. 2012")
    page.fill("input[name=period_end]", "31. 12. 2012")
    page.fill("input[name=budget]", "980000")
    _submit(page, "form.osv-form button[type=submit]")
    opinion = wait_for(lambda: Opinion.objects.filter(project_title="Terénní služby pro seniory na Chebsku").first())
    file_mark = opinion.case.file_mark

    # --- draft: take it from our queue, fill the four statements, submit for approval
    _claim_and_open(page, live_server, file_mark)
    assert "Návrhy aktivit plánu kraje" in page.content()
    boxes = page.locator("input[name=activities]")
    if boxes.count():
        boxes.first.check()
    page.select_option("select[name=s1_verdict]", "yes")
    page.fill("textarea[name=s1_text]", "Projekt navazuje na aktivitu plánu práce.")
    page.select_option("select[name=s2_verdict]", "yes")
    page.fill("textarea[name=s2_text]", "Služba na Chebsku chybí.")
    page.select_option("select[name=s3_verdict]", "positive")
    page.fill("textarea[name=s3_text]", "Bez výhrad.")
    page.select_option("select[name=s4_verdict]", "not_funded")
    page.fill("textarea[name=s4_text]", "Aktivity nejsou financovány z IP kraje.")
    for reason in page.locator("select[name^=ip_][name$=_reason]").all():
        reason.select_option("complementary")
    for answer in page.locator("textarea[name^=ip_]").all():
        answer.fill("Projekt financuje jiné úvazky než IP kraje.")
    _submit(page, "button[name=_submit]")
    wait_for(lambda: Opinion.objects.get(pk=opinion.pk).status == Opinion.Status.WAITING)
    logout(page, live_server)

    # --- the head returns it with comments
    login(page, live_server, "vedouci")
    _claim_and_open(page, live_server, file_mark)
    page.check("input[name=decision][value=return]")
    page.fill("textarea[name=comment]", "Doplňte prosím odůvodnění potřebnosti o data z analýzy potřeb.")
    _submit(page, "form.osv-form button[type=submit]")
    wait_for(lambda: Opinion.objects.get(pk=opinion.pk).status == Opinion.Status.RETURNED)
    logout(page, live_server)

    # --- the planner finds it back in her inbox (assigned to the same drafter) and fixes it
    login(page, live_server, "planovac")
    page.goto(f"{live_server.url}/ukoly/")
    assert file_mark in page.content()
    shot(page, "inbox")
    _open_from_inbox(page, live_server, file_mark)
    assert "Doplňte prosím odůvodnění" in page.content()
    page.fill("textarea[name=s2_text]", "Služba na Chebsku chybí (analýza potřeb 2011: 40 neuspokojených žádostí).")
    for reason in page.locator("select[name^=ip_][name$=_reason]").all():
        if not reason.input_value():
            reason.select_option("complementary")
    for answer in page.locator("textarea[name^=ip_]").all():
        if not answer.input_value():
            answer.fill("Projekt financuje jiné úvazky než IP kraje.")
    _submit(page, "button[name=_submit]")
    wait_for(lambda: Opinion.objects.get(pk=opinion.pk).status == Opinion.Status.WAITING)
    logout(page, live_server)

    # --- the head approves; the real worker renders the numbered DOCX
    login(page, live_server, "vedouci")
    page.goto(f"{live_server.url}/pripady/{opinion.case_id}/")
    assert "Čeká na schválení" in page.content() and page.locator(".diagram svg").count() == 1
    shot(page, "case-page")  # the current step (approval) highlighted in the diagram
    _claim_and_open(page, live_server, file_mark)
    assert "40 neuspokojených žádostí" in page.content()
    page.check("input[name=decision][value=approve]")
    _submit(page, "form.osv-form button[type=submit]")
    wait_for(lambda: Opinion.objects.get(pk=opinion.pk).status == Opinion.Status.ISSUED, timeout=120,
             message="vyjádření nebylo vydáno (worker)")
    doc = Document.objects.filter(case=opinion.case, status=Document.Status.ISSUED).order_by("-pk").first()
    assert doc is not None and doc.reference_number

    # --- the case page shows the document with its hash; the DOCX downloads and reads
    page.goto(f"{live_server.url}/pripady/{opinion.case_id}/")
    assert doc.sha256 in page.content() and doc.reference_number in page.content()
    assert "Vrácen" in page.content() or "vráce" in page.content().lower()  # history shows the return
    shot(page, "case-page-issued")
    with page.expect_download() as download:
        page.click(f"a[href='/documents/{doc.pk}/download/']")
    path = download.value.path()
    parsed = Docx(io.BytesIO(open(path, "rb").read()))
    text = "\n".join([p.text for p in parsed.paragraphs]
                     + [cell.text for table in parsed.tables for row in table.rows for cell in row.cells])
    assert doc.reference_number in text and "Domov Pod Lesem" in text

    # --- the head's dashboard on the demo office
    page.goto(f"{live_server.url}/prehled/")
    assert "Čeká na schválení" in page.content() and "Vyjádření podle výzev" in page.content()
    shot(page, "head-dashboard")
