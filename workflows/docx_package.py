"""A rendered DOCX as a zip package that is written once, at the end.

docxtpl parses the whole package of a template on every render (python-docx reads and parses
every XML part: styles, numbering, settings, theme … ~4 ms) and on save serializes and
deflates every part again, though it renders only the body, the headers and the footers.
Here a template is prepared once per worker process (keyed on its bytes, like the compiled
Jinja templates: a new upload is a new entry, nothing stale is served): docxtpl's own
cleaned-up Jinja sources of the body, headers and footers, and the template's zip members.
A render then runs the Jinja templates (docxtpl's ``render_xml_part`` / ``fix_tables``, so
the XML is the same as docxtpl's), and the package is written with the unchanged members
copied as they are, still compressed; only the rendered parts are deflated.

:meth:`RenderedDocx.fill` puts a value in place of a placeholder in the rendered parts: the
document is rendered before its č. j. is taken and the number is put into it in the short
transaction that stores it (``workflows.documents.generate_document``).
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import parse_xml, serialize_part_xml
from docxtpl import DocxTemplate

#: core properties docxtpl renders (a template with Jinja in them takes docxtpl's own path)
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


@dataclass
class _Part:
    name: str  #: zip member name
    source: str  #: docxtpl's patched Jinja source
    xml_part: object  #: the python-docx part (docxtpl passes it to the render)
    encoding: str = "utf-8"


@dataclass
class _Prepared:
    source: bytes
    infos: list[zipfile.ZipInfo]
    template: DocxTemplate  #: parsed once; only its render helpers are used
    body: _Part
    body_prefix: bytes  #: document.xml up to <w:body…>
    body_suffix: bytes  #: from </w:body>
    parts: list[_Part] = field(default_factory=list)  #: headers / footers with Jinja in them


@functools.lru_cache(maxsize=32)
def _prepare(source: bytes) -> _Prepared | None:
    """What every render of this template needs; None when the template needs docxtpl's
    whole machinery (Jinja in the core properties or footnotes, no body)."""
    tpl = DocxTemplate(io.BytesIO(source))
    tpl.init_docx()
    docx = tpl.docx
    props = docx.core_properties
    if any("{" in (getattr(props, p) or "") for p in _CORE_PROPERTIES):
        return None
    for part in docx.part.package.parts:
        if part.content_type == _FOOTNOTES and b"{" in part.blob:
            return None
    document = serialize_part_xml(docx.element)
    start = re.search(rb"<w:body[ >]", document)
    end = document.rfind(b"</w:body>")
    if start is None or end < 0:
        return None
    doc_part = docx.part
    body = _Part(name=str(doc_part.partname).lstrip("/"), source=tpl.patch_xml(tpl.get_xml()), xml_part=doc_part)
    prepared = _Prepared(source=source, infos=zipfile.ZipFile(io.BytesIO(source)).infolist(), template=tpl,
                         body=body, body_prefix=document[:start.start()],
                         body_suffix=document[end + len(b"</w:body>"):])
    for rel in doc_part.rels.values():
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER) or not rel.target_part.blob:
            continue
        part = rel.target_part
        xml = tpl.get_part_xml(part)
        if "{" not in xml:
            continue  # nothing to render: copied as it is
        prepared.parts.append(_Part(name=str(part.partname).lstrip("/"), source=tpl.patch_xml(xml), xml_part=part,
                                    encoding=tpl.get_headers_footers_encoding(xml)))
    return prepared


def render(source: bytes, context: dict, jinja_env) -> "RenderedDocx | None":
    """The template rendered with ``context``; None: use docxtpl itself (see :func:`_prepare`)."""
    prepared = _prepare(source)
    if prepared is None:
        return None
    tpl = prepared.template
    tpl.docx_ids_index = 1000
    xml = tpl.render_xml_part(prepared.body.source, prepared.body.xml_part, context, jinja_env)
    tree = tpl.fix_tables(xml)
    tpl.fix_docpr_ids(tree)
    from lxml import etree

    changed = {prepared.body.name: prepared.body_prefix + etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
               + prepared.body_suffix}
    for part in prepared.parts:
        xml = tpl.render_xml_part(part.source, part.xml_part, context, jinja_env)
        changed[part.name] = serialize_part_xml(parse_xml(xml.encode(part.encoding)))
    return RenderedDocx(prepared.source, prepared.infos, changed)


class RenderedDocx:
    """Zip members of a rendered document: the rendered ones as bytes, the rest still in the
    template's compressed form."""

    def __init__(self, source: bytes, infos: list[zipfile.ZipInfo], changed: dict[str, bytes],
                 searchable: list[str] | None = None):
        self.source = source
        self.infos = infos
        self.changed = changed
        #: members a placeholder may be in (the rendered ones)
        self.searchable = list(changed) if searchable is None else searchable

    @classmethod
    def from_bytes(cls, content: bytes) -> "RenderedDocx":
        """A package rendered elsewhere (docxtpl's own path): every XML member is searched."""
        infos = zipfile.ZipFile(io.BytesIO(content)).infolist()
        return cls(content, infos, {}, [i.filename for i in infos if i.filename.endswith(".xml")])

    def _member(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        with zipfile.ZipFile(io.BytesIO(self.source)) as zf:
            return zf.read(name)

    def fill(self, placeholder: str, value: str) -> int:
        """Put ``value`` (XML-escaped) where ``placeholder`` is; returns the members changed."""
        token, text = placeholder.encode(), escape(value).encode()
        count = 0
        for name in self.searchable:
            data = self._member(name)
            if token in data:
                self.changed[name] = data.replace(token, text)
                count += 1
        return count

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        central = []
        for info in self.infos:
            offset = out.tell()
            if info.filename in self.changed:
                data = self.changed[info.filename]
                crc, size = zlib.crc32(data), len(data)
                compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
                raw = compressor.compress(data) + compressor.flush()
                method, flags = zipfile.ZIP_DEFLATED, 0
            else:
                raw = _raw_member(self.source, info)
                crc, size, method, flags = info.CRC, info.file_size, info.compress_type, info.flag_bits & ~0x08
            name = info.filename.encode("utf-8")
            if not info.filename.isascii():
                flags |= 0x800
            dostime, dosdate = _dos_time(info.date_time)
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, dostime, dosdate, crc, len(raw),
                                  size, len(name), 0))
            out.write(name)
            out.write(raw)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, dostime, dosdate, crc,
                                       len(raw), size, len(name), 0, 0, 0, 0, info.external_attr, offset) + name)
        start = out.tell()
        for entry in central:
            out.write(entry)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
        return out.getvalue()


def _raw_member(source: bytes, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of a member as they are in ``source`` (no inflate, no deflate)."""
    offset = info.header_offset
    name_len, extra_len = struct.unpack("<HH", source[offset + 26:offset + 30])
    start = offset + 30 + name_len + extra_len
    return source[start:start + info.compress_size]


def _dos_time(date_time) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), (max(year, 1980) - 1980) << 9 | (month << 5) | day
