"""What an archived act must be: PDF/A-2b checks with pikepdf.

Not a full validator (veraPDF is not packaged for Debian); it checks what the act pipeline
relies on and what LibreOffice can get wrong: every font embedded, an OutputIntent, the XMP
``pdfaid`` identification, no encryption, no JavaScript and no actions beyond navigation.
The pipeline runs it on every converted act before signing; a failure stops the act.
"""

from __future__ import annotations

import io

import pikepdf

# actions PDF/A-2 (ISO 19005-2, 6.5.1) forbids; GoTo, GoToR, URI, Thread, Named stay allowed
FORBIDDEN_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/JavaScript",
                     "/Hide", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView", "/SubmitForm"}


def _fonts_of(resources, seen: set) -> list:
    fonts = []
    if resources is None:
        return fonts
    for font in (resources.get("/Font") or {}).values():
        fonts.append(font)
    for xobject in (resources.get("/XObject") or {}).values():
        key = xobject.objgen
        if key in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(key)
        fonts.extend(_fonts_of(xobject.get("/Resources"), seen))
    return fonts


def _font_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are content streams of the PDF itself
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _actions(pdf: pikepdf.Pdf):
    """Every action dictionary reachable from the catalogue, pages and annotations."""
    root = pdf.Root
    open_action = root.get("/OpenAction")
    if isinstance(open_action, pikepdf.Dictionary):
        yield "OpenAction", open_action
    if "/AA" in root:
        yield "AA", root.AA
    for number, page in enumerate(pdf.pages, start=1):
        if "/AA" in page.obj:
            yield f"AA strany {number}", page.obj.AA
        for annot in page.obj.get("/Annots") or []:
            if "/A" in annot:
                yield f"odkaz na straně {number}", annot.A
            if "/AA" in annot:
                yield f"AA anotace na straně {number}", annot.AA


def check_pdfa(data: bytes, *, part: str = "2", conformance: str = "B") -> list[str]:
    """Problems that keep ``data`` from being the PDF/A act we archive (empty list = fine)."""
    problems: list[str] = []
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        return [f"soubor není čitelné PDF ({exc})"]
    with pdf:
        if pdf.is_encrypted:
            problems.append("PDF je šifrované")
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            found_part, found_conf = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
        if str(found_part) != part or str(found_conf).upper() != conformance:
            problems.append(f"XMP pdfaid je {found_part}/{found_conf}, očekává se PDF/A-{part}{conformance.lower()}")
        intents = pdf.Root.get("/OutputIntents") or []
        if not any(i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents):
            problems.append("chybí OutputIntent PDF/A s profilem ICC")
        names = pdf.Root.get("/Names") or {}
        if "/JavaScript" in names:
            problems.append("PDF obsahuje JavaScript")
        for where, action in _actions(pdf):
            kinds = [action] if "/S" in action else list(action.values())
            for item in kinds:
                if isinstance(item, pikepdf.Dictionary) and item.get("/S") in FORBIDDEN_ACTIONS:
                    problems.append(f"zakázaná akce {item.get('/S')} ({where})")
        seen: set = set()
        missing = set()
        for page in pdf.pages:
            for font in _fonts_of(page.obj.get("/Resources"), seen):
                if not _font_embedded(font):
                    missing.add(str(font.get("/BaseFont", "?")))
        if missing:
            problems.append("nevložená písma: " + ", ".join(sorted(missing)))
    return problems


def font_names(data: bytes) -> list[str]:
    """Base font names used by the pages (tests use it to see that something was checked)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen: set = set()
        return sorted({str(f.get("/BaseFont", "?")) for p in pdf.pages for f in _fonts_of(p.obj.get("/Resources"), seen)})
