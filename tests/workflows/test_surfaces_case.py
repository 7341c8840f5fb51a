"""Case page (data, documents, history, diagram, print) and search with exports."""

from __future__ import annotations

import io
import re

import pytest

from tests.workflows.factories import CaseFactory, DocumentFactory, TaskFactory

pytestmark = pytest.mark.django_db


def diagram_of(html: str, case) -> str:
    """The diagram block of the case's (only) process."""
    process = case.processes.get()
    start = html.index(f'<div class="diagram" id="diagram-{process.pk}"')
    return html[start:html.index("</div>", start)]


def node_states(svg: str) -> dict[str, str]:
    """Flow nodes drawn with a task state: ``{node id: state class}`` (nodes without one left out)."""
    return dict(re.findall(r'<g id="([\w]+)"[^>]*\bclass="([\w]+)"', svg))


@pytest.fixture
def case(demo_users):
    case = CaseFactory(title="Žádost o registraci", applicant_name="Chata u lesa, z.ú.", ico="27005496",
                     overdue=True, actor=demo_users["referent"])
    TaskFactory(case=case, owner=demo_users["referent"])
    return case


def test_case_page_shows_data_parties_documents_history_and_diagram(client, demo_users, case):
    v1 = DocumentFactory(case=case, content=b"one", reference_number="KK/1/SV/2026")
    v2 = DocumentFactory(case=case, content=b"two", reference_number="KK/2/SV/2026")
    client.force_login(demo_users["referent"])
    response = client.get(f"/pripady/{case.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert case.file_mark in html and "Chata u lesa, z.ú." in html and "27005496" in html
    d = case.deadline
    assert f"{d.day}. {d.month}. {d.year}" in html and "po lhůtě" in html
    assert "Lesní 12, 350 02 Cheb" in html  # party
    assert v2.sha256 in html and v1.sha256 in html and "starší verze" in html
    assert f"/documents/{v2.pk}/download/" in html and "KK/2/SV/2026" in html
    assert "Založen případ" in html  # history timeline from CaseEvent
    assert node_states(diagram_of(html, case)) == {"repair": "assigned"}  # the current step, and only it
    assert "Verze pro tisk" in html


def test_diagram_highlights_current_step(client, demo_users, case):
    """The open step's node carries its task state; the stylesheet inside the SVG names every
    state, so the test reads the node's own class, not the page's text."""
    client.force_login(demo_users["referent"])
    html = client.get(f"/pripady/{case.pk}/").content.decode()
    diagram = diagram_of(html, case)
    assert "<svg" in diagram
    assert node_states(diagram) == {"repair": "assigned"}


def test_print_variant_has_no_navigation(client, demo_users, case):
    client.force_login(demo_users["referent"])
    html = client.get(f"/pripady/{case.pk}/tisk/").content.decode()
    assert case.file_mark in html and "vytištěno" in html
    assert "Hlavní nabídka" not in html and "Odhlásit" not in html


def test_case_page_is_forbidden_outside_the_agenda(client, demo_users, case):
    for username in ("planovac", "koordinator", "ctenar", "portal"):
        client.force_login(demo_users[username])
        response = client.get(f"/pripady/{case.pk}/")
        assert response.status_code == 403, username
        assert case.applicant_name not in response.content.decode()
    client.force_login(demo_users["vedouci"])
    assert client.get(f"/pripady/{case.pk}/").status_code == 200


def test_drafts_and_personal_data_hidden_from_reader_in_search(client, demo_users, case):
    issued = DocumentFactory(case=case, reference_number="KK/7/SV/2026")
    draft = DocumentFactory(case=case, draft=True, reference_number="KK/8/SV/2026")
    personal = DocumentFactory(case=case, personal=True, reference_number="KK/9/SV/2026")
    client.force_login(demo_users["ctenar"])
    html = client.get("/hledat/?q=KK/").content.decode()
    assert "KK/7/SV/2026" in html
    assert "KK/8/SV/2026" not in html and "KK/9/SV/2026" not in html
    assert case.file_mark not in html  # no case data for the reader
    assert client.get(f"/documents/{issued.pk}/download/").status_code == 200
    assert client.get(f"/documents/{draft.pk}/download/").status_code == 403
    assert client.get(f"/documents/{personal.pk}/download/").status_code == 403


@pytest.mark.parametrize("term_of", [
    lambda c, d: c.ico,
    lambda c, d: "chata u",
    lambda c, d: c.file_mark,
    lambda c, d: d.reference_number,
    lambda c, d: "registraci",
])
def test_search_finds_case_by_ico_name_file_mark_reference_and_title(client, demo_users, case, term_of):
    other = CaseFactory(title="Jiná věc", applicant_name="Hora, z.s.", ico="11111111")
    doc = DocumentFactory(case=case, reference_number="KK/55/SV/2026")
    client.force_login(demo_users["referent"])
    response = client.get("/hledat/", {"q": term_of(case, doc)})
    cases = list(response.context["page"].object_list)
    assert case in cases and other not in cases


def test_search_hides_other_agendas_cases(client, demo_users, case):
    client.force_login(demo_users["planovac"])
    response = client.get("/hledat/", {"q": case.ico})
    assert list(response.context["page"].object_list) == []
    assert case.file_mark not in response.content.decode()


def test_search_export_xlsx_and_csv(client, demo_users, case):
    import openpyxl

    client.force_login(demo_users["referent"])
    response = client.get("/hledat/", {"q": case.ico, "export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "Spisová značka" and ws["A2"].value == case.file_mark
    assert ws["D2"].value == "Chata u lesa, z.ú."
    text = client.get("/hledat/", {"q": case.ico, "export": "csv"}).content.decode("utf-8")
    assert case.file_mark in text and "Chata u lesa" in text


def test_case_page_query_count_is_bounded(client, demo_users, case, django_assert_max_num_queries):
    for i in range(5):
        DocumentFactory(case=case, kind=f"k{i}")
    client.force_login(demo_users["referent"])
    with django_assert_max_num_queries(25):
        assert client.get(f"/pripady/{case.pk}/").status_code == 200


def test_demo_office_each_role_finds_its_work_on_the_first_page(client, demo_users, no_dispatch):
    """On the demo data of both agendas every working role lands on a Czech dashboard whose
    first rows are its own tasks by deadline; the deputy sees what waits for approval."""
    from workflows.demo import seed_agendas

    seed_agendas()
    for username in ("referent", "referent2", "planovac", "koordinator", "vedouci", "zastupce", "spravce"):
        client.force_login(demo_users[username])
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0] == "/prehled/", username
        html = response.content.decode()
        assert "Moje úkoly podle lhůty" in html, username
        rows = response.context["my_rows"]
        deadlines = [r.deadline for r in rows if r.deadline]
        assert deadlines == sorted(deadlines), username
        inbox = client.get("/ukoly/").context["rows"]
        assert [r.task.pk for r in inbox[: len(rows)]] == [r.task.pk for r in rows], username
    client.force_login(demo_users["zastupce"])
    response = client.get("/prehled/")
    assert "Čeká na schválení" in response.content.decode()
    assert response.context["waiting"], "the deputy should see approvals waiting"
    client.force_login(demo_users["vedouci"])
    response = client.get("/prehled/")
    assert response.context["opinions_due"] and response.context["load"]

    # the opinion filters (area of support, call) join through the case; choices are bounded
    from opinions.models import Opinion

    team = client.get("/tym/")
    names = {f["name"]: f for f in team.context["extra_filters"]}
    assert {"area", "call"} <= set(names) and len(names["call"]["choices"]) <= 100
    opinion = Opinion.objects.filter(case__processes__task__status__in=["NEW", "ASSIGNED"]).first()
    for param, value, attr in (("call", opinion.call_id, "call_id"), ("area", opinion.area_id, "area_id")):
        rows = client.get("/tym/", {param: value}).context["rows"]
        assert rows and all(getattr(r.case.opinion, attr) == value for r in rows), param
    assert client.get("/tym/", {"call": "nesmysl"}).context["rows"] == []
    client.force_login(demo_users["referent"])
    assert "call" not in {f["name"] for f in client.get("/ukoly/").context["extra_filters"]}


def test_diagram_reads_in_czech_sentence_case_and_marks_the_current_step(client, demo_users):
    """Item 7 of issue 12: labels as written ("Doručení výzvy a usnesení…", never title-cased),
    every label visible, "ano"/"ne" on the branches, no English node names, the current step
    marked in the drawing and named in the text."""
    from datetime import date

    from registrations.flows.registration import RegistrationFlow
    from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory

    officer = demo_users["referent"]
    process = RegistrationFlow.receive.run(user=officer, provider=ProviderDataFactory(),
                                           services=[ServiceDataFactory()], received_on=date(2026, 9, 1))
    client.force_login(officer)
    html = client.get(f"/pripady/{process.case.pk}/").content.decode()
    diagram = diagram_of(html, process.case)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", diagram)
    node = diagram[diagram.index('<g id="deliver_deficiency"'):]
    node = node[:node.index("</g>")]
    drawn = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", node))
    assert drawn == "Doručení výzvy a usnesení o přerušení"  # as written (wrapped), not title-cased
    assert "Doručení Výzvy A" not in diagram
    assert "Žádost je úplná?" in texts  # a gateway's question is drawn, not only a tooltip
    assert texts.count("ano") >= 3 and texts.count("ne") >= 3
    assert not re.search(r"\b(Error|Issue|Start|End|Yes|No)\b", diagram)
    assert node_states(diagram) == {"receive": "done", "check": "assigned"}
    assert re.search(r'<g id="check"[^>]*class="assigned" data-current="true"', diagram)
    assert "▼ nyní zde" in diagram
    assert "<strong>Aktuální krok:</strong> Kontrola úplnosti žádosti" in html
    width = int(re.search(r'<svg[^>]*\bwidth="(\d+)"', diagram).group(1))
    assert width > 1500  # drawn at its real size (readable, 14px labels), zoomed by the page's buttons
    assert 'data-osv-zoom-for="diagram-' in html
