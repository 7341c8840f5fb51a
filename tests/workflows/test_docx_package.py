"""The prepared-template render (workflows.docx_package) writes the same XML as docxtpl, copies
the members it did not render byte for byte, and puts the č. j. in place of its placeholder."""

from __future__ import annotations

import io
import zipfile

import pytest
from docxtpl import DocxTemplate
from lxml import etree

from workflows import docx_package, documents

pytestmark = pytest.mark.django_db


def _context(case_factory=None):
    ctx = {**documents.base_context(None), "subject": "Sdělení <a & b>", "body_paragraphs": ["Vážení,", "text"],
           "reference_number": documents.REFERENCE_PLACEHOLDER}
    return documents.form_context(ctx, kind="letter", title="Dopis", case=None)


def _c14n(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


@pytest.mark.parametrize("code", ["letter", "opinion"])
def test_same_xml_as_docxtpl_and_unchanged_members_copied_compressed(code):
    ctx = _context()
    fast = zipfile.ZipFile(io.BytesIO(documents.render_docx(code, ctx)))
    assert fast.testzip() is None
    tpl = DocxTemplate(io.BytesIO(documents.template_source(code)))
    tpl.render(ctx, jinja_env=documents._JINJA_ENV, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    slow = zipfile.ZipFile(out)
    assert set(fast.namelist()) == set(slow.namelist())
    for name in slow.namelist():
        # core.xml: docxtpl re-writes the (unrendered) properties, adding empty elements
        if name.endswith((".xml", ".rels")) and name not in ("docProps/core.xml", "[Content_Types].xml"):
            assert _c14n(fast.read(name)) == _c14n(slow.read(name)), name
    template = zipfile.ZipFile(io.BytesIO(documents.template_source(code)))
    rendered = docx_package.render(documents.template_source(code), ctx, documents._JINJA_ENV)
    copied = [i for i in template.infolist() if i.filename not in rendered.changed]
    assert copied and "word/styles.xml" in {i.filename for i in copied}
    for info in copied:
        assert fast.getinfo(info.filename).compress_size == info.compress_size
        assert fast.read(info.filename) == template.read(info.filename)


def test_fill_puts_the_number_where_the_placeholder_is():
    rendered = docx_package.render(documents.template_source("letter"), _context(), documents._JINJA_ENV)
    assert documents.REFERENCE_PLACEHOLDER.encode() in rendered.changed["word/document.xml"]
    assert rendered.fill(documents.REFERENCE_PLACEHOLDER, "KK/12/SV/2026") >= 1
    body = zipfile.ZipFile(io.BytesIO(rendered.to_bytes())).read("word/document.xml")
    assert b"KK/12/SV/2026" in body
    assert documents.REFERENCE_PLACEHOLDER.encode() not in body
