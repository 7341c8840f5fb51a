"""The opinion (Vyjádření) in the official form: its catalogue entry, letterhead, the applicant in the
address window, the reference row, the approver's name and function, no seal, no výrok or poučení —
in the DOCX and in LibreOffice's PDF. (Its statements' legal content is tested in test_flow.)"""

from __future__ import annotations

import pytest

from tests.registrations.test_acts_render import FORM, flat, needs_pdf_tools, pdf_plain, png_first_page
from workflows import converter
from workflows.models import ActKind, Document

from tests import flowkit as fk
from .conftest import request_data

pytestmark = pytest.mark.django_db

OPINION_FORM = [f for f in FORM if f not in ("Jana Nováková", "referentka oddělení sociálních služeb", "+420 354 222 311")]


@pytest.fixture
def issued(catalogues, kk_plan, django_capture_on_commit_callbacks):
    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    fk.draft(process, users["planovac"])
    fk.approve(process, users["vedouci"])
    with django_capture_on_commit_callbacks(execute=True):
        assert fk.run_render_job(process) == "done"
    return Document.objects.get(case=process.case, kind="opinion")


def expected(document) -> list[str]:
    return OPINION_FORM + [
        document.reference_number, "Pečovatelská služba Sokolov, p.o.", "IČO 70832749", "Sokolovská 1",
        "Eva Chaloupková", "vedoucí odboru sociálních věcí", "Lucie Černá",
    ]


def test_opinion_has_a_catalogue_entry_without_verdict_or_instruction():
    act = ActKind.objects.get(code="opinion")
    assert act.form == "opinion" and not act.verdict and not act.instruction and not act.seal
    assert act.signer_function == "vedoucí odboru sociálních věcí"


def test_opinion_docx_is_in_the_official_form(issued, docx_text):
    text = flat(docx_text(issued))
    for phrase in expected(issued):
        assert phrase in text, phrase
    assert "otisk úředního razítka" not in text and "Poučení" not in text


@needs_pdf_tools
def test_opinion_pdf_is_in_the_official_form(issued):
    with issued.file.open("rb") as fh:
        pdf = converter.to_pdf(fh.read())
    text = pdf_plain(pdf)
    for phrase in expected(issued):
        assert phrase in text, phrase
    assert "strana 1 z" in text
    png_first_page(pdf, "opinion")
