"""Builds the DOCX templates in templates/documents/ from short Python specs.

The office edits templates as DOCX (admin upload of a new version); the repo keeps the
specs so a template change is reviewable text. Run ``manage.py build_document_templates``.
A spec is a list of blocks: ``("h", text)`` heading, ``("p", text)`` paragraph,
``("b", text)`` bold paragraph, ``("raw", text)`` a docxtpl ``{%p ... %}`` control line.
Every template gets the same header (office, č. j., spisová značka, vyřizuje, place
and date, addressee) and closing (official, signature).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from . import agendas

HEADER = [
    ("b", "{{ office.name }}"),
    ("p", "{{ office.department }}"),
    ("p", "{{ office.address }}"),
    ("p", "Č. j.: {{ reference_number }}"),
    ("p", "Sp. zn.: {{ file_mark }}"),
    ("p", "Vyřizuje: {{ handler_name|default('') }}{% if handler_email %}, {{ handler_email }}{% endif %}"),
    ("p", "{{ place }} {{ today }}"),
    ("raw", "{%p for party in parties %}"),
    ("p", "{{ party.name }}{% if party.ico %}, IČO {{ party.ico }}{% endif %}{% if party.address %}, {{ party.address }}{% endif %}{% if party.data_box %}, ID DS {{ party.data_box }}{% endif %}"),
    ("raw", "{%p endfor %}"),
]

CLOSING = [
    ("p", ""),
    ("p", "{{ official_name|default(handler_name)|default('') }}"),
    ("p", "{{ official_function|default('oprávněná úřední osoba') }}"),
    ("p", "otisk úředního razítka"),
]



def build(spec: list[tuple[str, str]], path: Path, *, with_header: bool = True) -> None:
    doc = DocxDocument()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    blocks = (HEADER if with_header else []) + list(spec) + CLOSING
    for kind, text in blocks:
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
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)


def all_specs() -> dict[str, list]:
    return agendas.document_specs()


def build_all(target_dir: Path) -> list[str]:
    built = []
    for code, spec in sorted(all_specs().items()):
        build(spec, target_dir / f"{code}.docx")
        built.append(code)
    return built
