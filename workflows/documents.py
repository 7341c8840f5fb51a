"""The one module that renders and stores documents.

``generate_document`` renders a docxtpl template with a context, numbers it (č. j.),
stores the file with version and SHA-256 on its case and writes history, all in one
transaction. It is idempotent on ``source_key`` (e.g. the Viewflow task that asked for
it), so a redelivered job never produces a second document or burns a second number.
Rendering is called from worker jobs, never from a web request.
"""

from __future__ import annotations

import functools
import hashlib
import io

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from docxtpl import DocxTemplate
from jinja2 import Environment

from .history import record_event
from .models import Case, CaseEvent, Document, DocumentTemplate
from .numbering import next_reference_number
from .formats import czech_date, user_label  # noqa: F401 (czech_date: document contexts use it from here too)
from .region import get_region

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "documents"


def template_source(code: str) -> bytes:
    """The newest active uploaded version of a template, else the one in the repo (bytes)."""
    uploaded = (
        DocumentTemplate.objects.filter(code=code, active=True).order_by("-uploaded_at").only("pk", "file").first()
    )
    if uploaded:
        with uploaded.file.open("rb") as fh:
            return fh.read()
    path = TEMPLATE_DIR / f"{code}.docx"
    if not path.exists():
        raise FileNotFoundError(f"Šablona dokumentu {code!r} neexistuje ({path}).")
    return path.read_bytes()


class _CompiledTemplatesEnvironment(Environment):
    """A Jinja environment that compiles each distinct template source once.

    docxtpl compiles the XML of every part (body, headers, footers, properties) with
    ``from_string`` on every render; compiling is a third of a render. The cache is keyed
    on the source text itself, so a new uploaded template version (different XML) is simply
    a new entry: nothing to invalidate, and a stale template can never be served.
    """

    def from_string(self, source, globals=None, template_class=None):
        if globals is None and template_class is None and isinstance(source, str):
            return _compiled_template(source)
        return super().from_string(source, globals, template_class)


_JINJA_ENV = _CompiledTemplatesEnvironment(autoescape=True)


@functools.lru_cache(maxsize=128)
def _compiled_template(source: str):
    return Environment.from_string(_JINJA_ENV, source)


def base_context(case: Case | None = None, *, handler=None) -> dict[str, Any]:
    """Header parts every document has: office, region, case, handler, place and date."""
    region = get_region()
    ctx: dict[str, Any] = {
        "office": region.office,
        "region": region,
        "today": czech_date(timezone.localdate()),
        "place": region.office.place,
        "appeal_authority": region.appeal_authority,
    }
    if case is not None:
        ctx["case"] = case
        ctx["file_mark"] = case.file_mark or ""
        ctx["parties"] = list(case.parties.all())
    if handler is not None:
        ctx["handler_name"] = user_label(handler)
        ctx["handler_email"] = handler.email
    return ctx


def render_docx(code: str, context: dict[str, Any]) -> bytes:
    """Render a DOCX template; user text is escaped (autoescape)."""
    doc = DocxTemplate(io.BytesIO(template_source(code)))
    doc.render(context, jinja_env=_JINJA_ENV, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _next_version(case: Case, kind: str) -> int:
    current = Document.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"]
    return (current or 0) + 1


def _drop_orphan(document: Document, filename: str) -> None:
    """Remove a file left by an attempt that was rolled back (e.g. a worker killed before
    commit): same name, no row points to it. Names carry the source key's hash, so the
    retry of that attempt lands on exactly this name."""
    name = document.file.field.generate_filename(document, filename)
    storage = document.file.storage
    if storage.exists(name) and not Document.objects.filter(file=name).exists():
        storage.delete(name)


def store_document(
    *,
    case: Case,
    kind: str,
    title: str,
    content: bytes,
    filename: str,
    reference_number: str = "",
    source_key: str | None = None,
    actor=None,
    personal_data: bool = False,
    status: str = Document.Status.ISSUED,
    template_code: str = "",
) -> Document:
    """Store bytes as the next version of ``kind`` on the case, with its hash, in history."""
    # one transaction, but no savepoint of its own inside a caller's (generate_document has
    # one): any error here propagates and rolls the whole attempt back
    with transaction.atomic(savepoint=False):
        document = Document(
            case=case,
            kind=kind,
            title=title,
            version=_next_version(case, kind),
            sha256=Document.hash_bytes(content),
            size=len(content),
            reference_number=reference_number,
            status=status,
            personal_data=personal_data,
            source_key=source_key,
            template_code=template_code,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _drop_orphan(document, filename)
        document.file.save(filename, ContentFile(content), save=False)
        document.save()
        record_event(
            case=case,
            actor=actor,
            action=CaseEvent.Action.DOCUMENT,
            summary=f"Dokument: {title} (verze {document.version}"
            + (f", č. j. {reference_number}" if reference_number else "")
            + ")",
            after={"kind": kind, "version": document.version, "sha256": document.sha256, "reference_number": reference_number},
            document=document,
        )
    return document


def generate_document(
    *,
    case: Case,
    kind: str,
    title: str,
    template_code: str,
    context: dict[str, Any],
    source_key: str,
    actor=None,
    numbered: bool = True,
    manual_reference: str | None = None,
    personal_data: bool = False,
    status: str = Document.Status.ISSUED,
) -> Document:
    """Render, number and store one document exactly once per ``source_key``."""
    existing = Document.objects.filter(source_key=source_key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            reference = next_reference_number(manual=manual_reference) if numbered else ""
            full_context = {**base_context(case, handler=actor), **context, "reference_number": reference}
            content = render_docx(template_code, full_context)
            safe_mark = (case.file_mark or str(case.pk)).replace("/", "-").replace(" ", "_")
            return store_document(
                case=case,
                kind=kind,
                title=title,
                content=content,
                filename=f"{kind}-{safe_mark}-{hashlib.sha256(source_key.encode()).hexdigest()[:10]}.docx",
                reference_number=reference,
                source_key=source_key,
                actor=actor,
                personal_data=personal_data,
                status=status,
                template_code=template_code,
            )
    except IntegrityError:
        # a concurrent delivery of the same job stored it first
        existing = Document.objects.filter(source_key=source_key).first()
        if existing:
            return existing
        raise
