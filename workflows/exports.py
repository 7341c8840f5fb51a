"""List exports: the same columns as on screen, as CSV (UTF-8 with BOM, ';') or XLSX."""

from __future__ import annotations

import csv
import datetime
import io

from django.http import HttpResponse

from .formats import czech_date


# A spreadsheet reads a text cell that begins with one of these as a formula (or a DDE
# command): an applicant name "=HYPERLINK(...)" from the portal would run in the officer's
# Excel. OWASP "CSV injection": such cells are kept as text, never as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_TRIGGERS)


def csv_safe(value):
    """A CSV cell that no spreadsheet runs: a leading apostrophe marks it as text."""
    if is_formula_like(value):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if value is None:
        return ""
    return value


def export_response(fmt: str, filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = filename[:31]
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_cell(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "D. M. YYYY"
                elif cell.data_type == "f" or is_formula_like(cell.value):
                    cell.data_type = "s"  # the text exactly as typed, stored as a string, not a formula
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(max(10, width + 2), 60)
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(
            buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 with BOM correctly
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([
            czech_date(v) if isinstance(v, datetime.date) else ("" if v is None else csv_safe(v))
            for v in row
        ])
    response = HttpResponse(buf.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
