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
from django.utils.translation import gettext
from docxtpl import DocxTemplate
from jinja2 import Environment

from . import docx_package
from .docx_package import RenderedDocx
from .history import record_event
from .models import Case, CaseEvent, Document, DocumentTemplate
from .numbering import next_reference_number
from .formats import czech_date, user_label  # noqa: F401 (czech_date: document contexts use it from here too)
from .region import get_region

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "documents"
#: rendered in place of the č. j. (no filter of a template changes it), replaced by the number
#: in the transaction that takes it
REFERENCE_PLACEHOLDER = "OSVREFERENCENUMBERPLACEHOLDER"


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


def party_lines(party) -> list[str]:
    """The address window: name; IČO, or date of birth for a natural person; address; data box."""
    lines = [party.name]
    if party.ico:
        lines.append(f"IČO {party.ico}")
    elif getattr(party, "birth_date", None):
        lines.append(f"nar. {czech_date(party.birth_date)}")
    lines.extend(part.strip() for part in (party.address or "").split(",") if part.strip())
    if party.data_box:
        lines.append(f"ID datové schránky: {party.data_box}")
    return lines


def _distribution(parties) -> list[str]:
    if not parties:
        return []
    rows = []
    for party in parties:
        channel = f"datovou schránkou ({party.data_box})" if party.data_box else "poštou do vlastních rukou"
        rows.append(f"{party.name} – {channel}")
    return rows + ["spis"]


def _person(user) -> dict[str, str]:
    profile = getattr(user, "staff_profile", None) if user is not None else None
    return {
        "name": user_label(user),
        "email": user.email if user is not None else "",
        "phone": profile.phone if profile is not None else "",
        "function": profile.function if profile is not None else "",
    }


def base_context(case: Case | None = None, *, handler=None, signer=None) -> dict[str, Any]:
    """The official form every document has (documents.md): letterhead, address window,
    reference row, signature block, rozdělovník. An agenda's context may override any of it."""
    region = get_region()
    ctx: dict[str, Any] = {
        "office": region.office,
        "region": region,
        "today": czech_date(timezone.localdate()),
        "place": region.office.place,
        "appeal_authority": region.appeal_authority,
        "file_mark": "",
        "addressee_lines": [],
        "attachments": [],
        "distribution": [],
        "logo": None,
    }
    if case is not None:
        parties = list(case.parties.all())
        ctx["case"] = case
        ctx["file_mark"] = case.file_mark or ""
        ctx["parties"] = parties
        ctx["addressee_lines"] = party_lines(parties[0]) if parties else []
        ctx["distribution"] = _distribution(parties) if len(parties) > 1 else []
    handler_data = _person(handler)
    ctx["handler_name"] = handler_data["name"]
    ctx["handler_email"] = handler_data["email"] or region.office.email
    ctx["handler_phone"] = handler_data["phone"] or region.office.phone
    signer_data = _person(signer if signer is not None else handler)
    ctx["signer_name"] = signer_data["name"]
    ctx["signer_own_function"] = signer_data["function"]
    return ctx


#: what the official form itself places (every template may use these besides its own fields)
FORM_FIELDS = frozenset({
    "office", "region", "today", "place", "appeal_authority", "file_mark", "addressee_lines", "attachments",
    "distribution", "logo", "case", "parties", "handler_name", "handler_email", "handler_phone", "signer_name",
    "signer_function", "signer_own_function", "official_name", "official_function", "reference_number", "subject", "act",
})
#: loop variables of the form's own loops (not fields an agenda provides)
_LOOP_NAMES = frozenset({"line", "a", "d", "loop"})


def render_package(code: str, context: dict[str, Any]) -> RenderedDocx:
    """Render a DOCX template into a package not yet written (see ``workflows.docx_package``);
    user text is escaped (autoescape)."""
    source = template_source(code)
    logo = getattr(context.get("office"), "logo", "")
    if not logo:
        rendered = docx_package.render(source, context, _JINJA_ENV)
        if rendered is not None:
            return rendered
    doc = DocxTemplate(io.BytesIO(source))
    if logo and (Path(settings.BASE_DIR) / logo).exists():
        from docx.shared import Mm
        from docxtpl import InlineImage

        context = {**context, "logo": InlineImage(doc, str(Path(settings.BASE_DIR) / logo), height=Mm(15))}
    doc.render(context, jinja_env=_JINJA_ENV, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return RenderedDocx.from_bytes(out.getvalue())


def render_docx(code: str, context: dict[str, Any]) -> bytes:
    """Render a DOCX template to bytes; user text is escaped (autoescape)."""
    return render_package(code, context).to_bytes()


def form_context(ctx: dict[str, Any], *, kind: str, title: str, case: Case | None) -> dict[str, Any]:
    """Fill what the form needs and the agenda did not give: the act from the catalogue, the
    subject line, and the signer's function (their own title, else the catalogue's)."""
    from .acts import CatalogueError, act_context

    if "act" not in ctx:
        try:
            ctx["act"] = act_context(kind)
        except CatalogueError:
            ctx["act"] = None
    act = ctx["act"]
    # an agenda may name the signer itself (the opinion: the approving head and her function)
    if ctx.get("official_name"):
        ctx["signer_name"] = ctx["official_name"]
    if ctx.get("official_function"):
        ctx["signer_function"] = ctx["official_function"]
    ctx.setdefault("subject", f"{title} – {case.title}" if case is not None else title)
    if not ctx.get("signer_function"):
        ctx["signer_function"] = ctx.get("signer_own_function") or (act["signer_function"] if act else "")
    return ctx


def template_fields(code: str) -> set[str]:
    """The top-level fields the repository's template ``code`` uses (what an upload may use)."""
    from .docx_builder import context_fields

    path = TEMPLATE_DIR / f"{code}.docx"
    if not path.exists():
        return set()
    return (_undeclared(path.read_bytes()) | context_fields().get(code, set())) - _LOOP_NAMES


def _undeclared(content: bytes) -> set[str]:
    doc = DocxTemplate(io.BytesIO(content))
    return set(doc.get_undeclared_template_variables(jinja_env=Environment(autoescape=True)))


def check_template_upload(code: str, content: bytes) -> None:
    """An uploaded template may use only the fields its act's context provides (docs/acts.md)."""
    from django.core.exceptions import ValidationError

    allowed = template_fields(code)
    if not allowed:
        raise ValidationError(gettext('Neznámý kód šablony „{code}“: šablonu lze nahrát jen pro existující druh písemnosti.').format(code=code))
    try:
        used = _undeclared(content)
    except Exception as exc:  # not a DOCX, or broken Jinja syntax inside it
        raise ValidationError(gettext('Soubor nelze použít jako šablonu DOCX: {exc}').format(exc=exc)) from None
    unknown = sorted(used - allowed - FORM_FIELDS - _LOOP_NAMES)
    if unknown:
        raise ValidationError(
            gettext("Šablona používá pole, která tato písemnost nezná: ") + ", ".join(unknown)
            + gettext('. Povolená pole pro „{code}“ jsou uvedena v docs/acts.md.').format(code=code)
        )


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
    version: int | None = None,
    orphan_checked: bool = False,
) -> Document:
    """Store bytes as the next version of ``kind`` on the case (or as ``version``, read by the
    caller in this transaction), with its hash, in history."""
    # one transaction, but no savepoint of its own inside a caller's (generate_document has
    # one): any error here propagates and rolls the whole attempt back
    with transaction.atomic(savepoint=False):
        document = Document(
            case=case,
            kind=kind,
            title=title,
            version=version or _next_version(case, kind),
            sha256=Document.hash_bytes(content),
            size=len(content),
            reference_number=reference_number,
            status=status,
            personal_data=personal_data,
            source_key=source_key,
            template_code=template_code,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if not orphan_checked:
            _drop_orphan(document, filename)
        document.file.save(filename, ContentFile(content), save=False)
        document.save()
        record_event(
            case=case,
            actor=actor,
            action=CaseEvent.Action.DOCUMENT,
            summary=f"Dokument: {title} (verze {document.version}"
            + (gettext(', č. j. {reference_number}').format(reference_number=reference_number) if reference_number else "")
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
    from . import preview

    if preview.capturing_active():  # preview → confirm: render only, no č. j., nothing stored
        full_context = {**base_context(case, handler=actor), **context,
                        "reference_number": "(přidělí se po potvrzení)" if numbered else ""}
        preview.capture(title=title, content=render_docx(template_code, full_context))
        return Document(case=case, kind=kind, title=title, status=status, personal_data=personal_data,
                        created_at=timezone.now(), version=1)
    existing = Document.objects.filter(source_key=source_key).first()
    if existing:
        return existing
    # rendered before the č. j. is taken: the counter row is locked only from the increment
    # to the caller's commit (number, fill, store, history), never through a render
    full_context = {**base_context(case, handler=actor), **context,
                    "reference_number": REFERENCE_PLACEHOLDER if numbered else ""}
    if "handler_name" in context and "handler_phone" not in context:
        # the agenda names another handler than the actor: never show the actor's phone
        full_context["handler_phone"] = get_region().office.phone
    full_context = form_context(full_context, kind=kind, title=title, case=case)
    package = render_package(template_code, full_context)
    safe_mark = (case.file_mark or str(case.pk)).replace("/", "-").replace(" ", "_")
    # a job storing the document of its own task needs no savepoint: under the job's flow lock,
    # after the task's status was checked, no other delivery can store that key meanwhile
    # (workflows.jobs); a savepoint is only there to look up a concurrent winner after an
    # IntegrityError, which then cannot happen
    from .jobs import running_job_task_pk

    own_job = running_job_task_pk() is not None and source_key == f"task:{running_job_task_pk()}"
    try:
        with transaction.atomic(savepoint=not own_job):
            # what can be read is read before the č. j. is taken: the counter row stays locked
            # from the increment to the commit
            version = _next_version(case, kind)
            filename = f"{kind}-{safe_mark}-{hashlib.sha256(source_key.encode()).hexdigest()[:10]}.docx"
            _drop_orphan(Document(case=case, kind=kind, version=version), filename)
            reference = next_reference_number(manual=manual_reference) if numbered else ""
            if numbered:
                package.fill(REFERENCE_PLACEHOLDER, reference)
            return store_document(
                case=case,
                kind=kind,
                title=title,
                content=package.to_bytes(),
                filename=filename,
                reference_number=reference,
                source_key=source_key,
                actor=actor,
                personal_data=personal_data,
                status=status,
                template_code=template_code,
                version=version,
                orphan_checked=True,
            )
    except IntegrityError:
        if own_job:  # not a concurrent delivery (see above): the job's transaction is lost
            raise
        # a concurrent delivery of the same job stored it first
        existing = Document.objects.filter(source_key=source_key).first()
        if existing:
            return existing
        raise
