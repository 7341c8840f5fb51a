"""The one converter: a rendered DOCX becomes PDF/A-2b through real LibreOffice, checked with pikepdf."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from workflows import converter
from workflows.pdfa import check_pdfa, font_names

ROOT = Path(__file__).resolve().parents[2]
needs_libreoffice = pytest.mark.skipif(
    converter.soffice_binary() is None,
    reason="LibreOffice chybí: apt-get install -y libreoffice-writer-nogui python3-uno",
)


@pytest.fixture
def rendered_docx(db):
    from workflows.documents import base_context, render_docx

    context = {
        **base_context(),
        "reference_number": "KK/123/SV/2026",
        "file_mark": "SZ KK/45/SV/2026",
        "subject": "Oznámení o zahájení řízení – Příliš žluťoučký kůň úpěl ďábelské ódy",
        "parties": [{"name": "Domov Česká Lípa, z. ú.", "ico": "27074358", "address": "Karlovy Vary", "data_box": "abc2def"}],
        "body_paragraphs": ["Řádek s diakritikou: ěščřžýáíéůú ĚŠČŘŽÝÁÍÉŮÚ ť ď ň.", "Druhý odstavec."],
        "handler_name": "Mgr. Jana Nováková",
    }
    return render_docx("letter", context)


def assert_pdfa(pdf_bytes: bytes) -> None:
    assert check_pdfa(pdf_bytes) == []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:  # the same points, read directly
        assert not pdf.is_encrypted
        with pdf.open_metadata() as meta:
            assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert "/JavaScript" not in (pdf.Root.get("/Names") or {})
        assert not isinstance(pdf.Root.get("/OpenAction"), pikepdf.Dictionary)
        assert len(pdf.pages) >= 1
    assert font_names(pdf_bytes), "the act has text, so it uses fonts"


@needs_libreoffice
def test_rendered_docx_becomes_pdfa_2b_via_soffice(rendered_docx, settings):
    settings.OSV_CONVERTER_URL = ""
    pdf = converter.to_pdf(rendered_docx)
    assert pdf.startswith(b"%PDF-")
    assert_pdfa(pdf)


@needs_libreoffice
def test_plain_pdf_is_not_pdfa(rendered_docx, settings):
    settings.OSV_CONVERTER_URL = ""
    pdf = converter.to_pdf(rendered_docx, pdfa=False)
    assert any("pdfaid" in p for p in check_pdfa(pdf)), "the checker must notice a non-PDF/A file"


def test_checker_catches_javascript_missing_fonts_and_encryption():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    pdf.pages[0].obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.OpenAction = pdf.make_indirect(js)
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), js])))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="", R=6))
    problems = " | ".join(check_pdfa(out.getvalue()))
    for expected in ("šifrované", "pdfaid", "OutputIntent", "JavaScript", "zakázaná akce /JavaScript", "Helvetica"):
        assert expected in problems


def test_garbage_is_refused_without_calling_libreoffice(settings):
    settings.OSV_CONVERTER_URL = ""
    with pytest.raises(converter.ConverterError) as info:
        converter.to_pdf(b"not a docx at all")
    assert not isinstance(info.value, converter.ConverterUnavailable)


@needs_libreoffice
def test_corrupt_docx_is_a_document_error_not_unavailability(settings):
    settings.OSV_CONVERTER_URL = ""
    with pytest.raises(converter.ConverterError) as info:
        converter.to_pdf(b"PK\x03\x04" + b"\x00" * 200)
    assert not isinstance(info.value, converter.ConverterUnavailable)


def test_unreachable_unoserver_means_retry_later(settings):
    settings.OSV_CONVERTER_URL = f"http://127.0.0.1:{converter.free_port()}"
    settings.OSV_CONVERTER_TIMEOUT = 5
    with pytest.raises(converter.ConverterUnavailable):
        converter.to_pdf(b"PK\x03\x04whatever")


def test_missing_soffice_means_retry_later(settings):
    settings.OSV_CONVERTER_URL = ""
    settings.OSV_SOFFICE = "/nonexistent/soffice"
    with pytest.raises(converter.ConverterUnavailable) as info:
        converter.to_pdf(b"PK\x03\x04whatever")
    assert "apt-get install" in str(info.value)


@pytest.fixture
def unoserver_url():
    """The persistent converter exactly as run.sh starts it, restarting after 2 conversions."""
    port = converter.free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "workflows.converter", "serve", "--port", str(port), "--restart-after", "2"],
        cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        assert converter.wait_until_ready(url, 120), "unoserver did not start"
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@needs_libreoffice
def test_persistent_unoserver_converts_and_survives_its_restarts(rendered_docx, settings, unoserver_url):
    settings.OSV_CONVERTER_URL = unoserver_url
    settings.OSV_CONVERTER_TIMEOUT = 120
    converted, refused = 0, 0
    while converted < 3 and refused < 60:  # the third conversion runs on a restarted LibreOffice
        try:
            pdf = converter.to_pdf(rendered_docx)
        except converter.ConverterUnavailable:  # caught between two LibreOffices: a job would retry
            refused += 1
            converter.wait_until_ready(unoserver_url, 120)
            continue
        assert_pdfa(pdf)
        converted += 1
    assert converted == 3
