"""Builds the DOCX templates in templates/documents/ from short Python specs.

The office edits templates as DOCX (admin upload of a new version); the repo keeps the
specs so a template change is reviewable text. Run ``manage.py build_document_templates``.
A spec is a list of blocks: ``("h", text)`` heading, ``("p", text)`` paragraph,
``("b", text)`` bold paragraph, ``("raw", text)`` a docxtpl ``{%p ... %}`` control line.

Every template gets the same official form (design note documents.md, "The form of every act"):
letterhead from the region configuration, the addressee in an address window, the reference row
as one table (Naše č. j. · Sp. zn. · Vyřizuje · Telefon · E-mail · Datum), the "Věc:" line; after
the body the signature block (name and the signer's own function; the seal's place only where the
act's catalogue entry says a seal is used), přílohy, rozdělovník; "strana X z Y" in the footer.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from . import agendas

# label, value, column width (cm): the whole row fits the 17 cm text width at 8 pt
REFERENCE_ROW = (
    ("Naše č. j.", "{{ reference_number }}", 2.7),
    ("Sp. zn.", "{{ file_mark }}", 3.0),
    ("Vyřizuje", "{{ handler_name }}", 2.4),
    ("Telefon", "{{ handler_phone }}", 2.9),
    ("E-mail", "{{ handler_email }}", 4.2),
    ("Datum", "{{ today }}", 1.8),
)

CLOSING = [
    ("p", ""),
    ("p", ""),
    ("p", "{{ signer_name }}"),
    ("p", "{{ signer_function }}"),
    ("raw", "{%p if act and act.seal %}"),
    ("p", "otisk úředního razítka"),
    ("raw", "{%p endif %}"),
    ("raw", "{%p if attachments %}"),
    ("b", "Přílohy"),
    ("raw", "{%p for a in attachments %}"),
    ("p", "{{ loop.index }}. {{ a }}"),
    ("raw", "{%p endfor %}"),
    ("raw", "{%p endif %}"),
    ("raw", "{%p if distribution %}"),
    ("b", "Rozdělovník"),
    ("raw", "{%p for d in distribution %}"),
    ("p", "{{ d }}"),
    ("raw", "{%p endfor %}"),
    ("raw", "{%p endif %}"),
]


def _small(paragraph, size=8):
    for run in paragraph.runs:
        run.font.size = Pt(size)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _bottom_border(paragraph) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _letterhead(doc) -> None:
    para = doc.add_paragraph()
    para.add_run("{% if logo %}{{ logo }}{% endif %}")
    name = doc.add_paragraph()
    name.paragraph_format.space_after = Pt(0)
    run = name.add_run("{{ office.name }}")
    run.bold = True
    run.font.size = Pt(14)
    doc.add_paragraph("{{ office.department }}").paragraph_format.space_after = Pt(2)
    line = doc.add_paragraph("{{ office.address }}{% if office.data_box %} · ID datové schránky {{ office.data_box }}"
                             "{% endif %}{% if office.email %} · {{ office.email }}{% endif %}")
    _small(line, 9)
    _bottom_border(line)


def _address_window(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(9.0), Cm(8.0)
    table.columns[0].width, table.columns[1].width = Cm(9.0), Cm(8.0)
    left.paragraphs[0].text = ""
    right.paragraphs[0].text = "{%p for line in addressee_lines %}"
    right.add_paragraph("{{ line }}")
    right.add_paragraph("{%p endfor %}")
    for para in right.paragraphs:
        para.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()


def _reference_row(doc) -> None:
    table = doc.add_table(rows=2, cols=len(REFERENCE_ROW))
    table.style = "Table Grid"
    table.autofit = False
    for index, (label, value, width) in enumerate(REFERENCE_ROW):
        head, cell = table.rows[0].cells[index], table.rows[1].cells[index]
        head.width = cell.width = table.columns[index].width = Cm(width)  # tcW and gridCol (LibreOffice)
        head.paragraphs[0].text = label
        _small(head.paragraphs[0], 7)
        cell.paragraphs[0].text = value
        _small(cell.paragraphs[0], 8)
    doc.add_paragraph()


def _subject(doc) -> None:
    para = doc.add_paragraph()
    para.add_run("Věc: ").bold = True
    para.add_run("{{ subject }}").bold = True


def _footer(doc) -> None:
    footer = doc.sections[0].footer
    para = footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("strana ")
    _field(para, "PAGE")
    para.add_run(" z ")
    _field(para, "NUMPAGES")
    for run in para.runs:
        run.font.size = Pt(8)


def build(spec: list[tuple[str, str]], path: Path, *, with_header: bool = True) -> None:
    doc = DocxDocument()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    if with_header:
        _letterhead(doc)
        _address_window(doc)
        _reference_row(doc)
        _subject(doc)
    for kind, text in list(spec) + CLOSING:
        if kind == "h":
            para = doc.add_paragraph()
            run = para.add_run(text)
            run.bold = True
            run.font.size = Pt(13)
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif kind == "b":
            doc.add_paragraph().add_run(text).bold = True
        else:  # "p" and "raw"
            doc.add_paragraph(text)
    _footer(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)


def all_specs() -> dict[str, list]:
    return agendas.document_specs()


def context_fields() -> dict[str, set[str]]:
    """Fields an agenda's context gives a template beyond what its own spec uses (``FIELDS``)."""
    return agendas.document_fields()


def build_all(target_dir: Path) -> list[str]:
    built = []
    for code, spec in sorted(all_specs().items()):
        build(spec, target_dir / f"{code}.docx")
        built.append(code)
    return built
