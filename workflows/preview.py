"""Preview → confirm: a step that would issue an act shows the rendered act first.

The pipeline (docs/… documents.md, "The pipeline every act goes through") is render →
preview to the officer → confirm → č. j. + store. :func:`simulate` plays the step for real
inside a savepoint — the step's handler, the task's completion, and then the worker jobs the
completion scheduled, exactly as the worker would run them — while :func:`capturing` makes
``generate_document`` render only (no č. j., nothing stored). The savepoint is then rolled
back: nothing of the simulation remains (no history, no task, no number; the jobs' broker
messages are ``on_commit`` callbacks, dropped with the savepoint).

The user sees the text of every act the step would issue and confirms with a token that
binds the confirmation to the very data previewed (:func:`confirm_token`): changed data is
previewed again, never issued unseen.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import io
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

logger = logging.getLogger(__name__)

_CAPTURE: contextvars.ContextVar[list | None] = contextvars.ContextVar("osv_preview_capture", default=None)

#: the form field that carries the confirmation token
CONFIRM_FIELD = "_potvrdit_vydani"


@dataclass
class PreviewAct:
    title: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Preview:
    acts: list[PreviewAct] = field(default_factory=list)
    error: str = ""


class _Rollback(Exception):
    pass


def capturing_active() -> bool:
    return _CAPTURE.get() is not None


def capture(*, title: str, content: bytes) -> None:
    """Called by ``generate_document`` while a preview runs, instead of numbering and storing."""
    _CAPTURE.get().append(PreviewAct(title=title, paragraphs=docx_text(content)))


@contextmanager
def capturing():
    acts: list[PreviewAct] = []
    token = _CAPTURE.set(acts)
    try:
        yield acts
    finally:
        _CAPTURE.reset(token)


def docx_text(content: bytes) -> list[str]:
    """The act's text, paragraph by paragraph (table rows joined with " | ")."""
    from docx import Document as DocxDocument

    doc = DocxDocument(io.BytesIO(content))
    lines: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")).strip()
            if text:
                lines.append(text)
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iter():
                        if cell.tag.endswith("}tc"):
                            cells.append("".join(n.text or "" for n in cell.iter() if n.tag.endswith("}t")).strip())
                    if any(cells):
                        lines.append(" | ".join(cells))
    return lines


def _run_scheduled_jobs(process_pk: int, known: set[int]) -> None:
    """Run the jobs the step scheduled (and the jobs those schedule), as the worker would."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    for _round in range(5):
        jobs = list(Task.objects.filter(process_id=process_pk, flow_task_type="JOB", status=STATUS.SCHEDULED)
                    .exclude(pk__in=known))
        if not jobs:
            return
        for task in jobs:
            if _CAPTURE.get():  # the act is rendered: later jobs (PDF, signing, dispatch) are not previewed
                return
            known.add(task.pk)
            node = task.flow_task
            activation = node.activation_class(task)
            node.run(activation)


def simulate(step) -> Preview:
    """Run ``step()`` (handler + task completion) in a savepoint, render the acts it leads to,
    roll everything back. ``step`` returns the process, or raises ``ValidationError``."""
    from django.core.exceptions import ValidationError
    from viewflow.workflow.models import Task

    preview = Preview()
    try:
        with capturing() as acts, transaction.atomic():
            process = step()
            known = set(Task.objects.filter(process_id=process.pk, flow_task_type="JOB")
                        .exclude(status="SCHEDULED").values_list("pk", flat=True)) if process is not None else set()
            try:
                if process is not None:  # an act issued outside a flow step (the case page) has no jobs
                    _run_scheduled_jobs(process.pk, known)
            except ValidationError:
                raise
            except Exception:  # the worker would route it to repair; say so, issue nothing
                logger.warning("Preview of a step failed", exc_info=True)
                if not acts:
                    preview.error = ("Náhled aktu se nepodařilo vyhotovit. Po potvrzení jej vyhotoví worker; "
                                     "případná chyba se objeví jako úkol k opravě.")
            preview.acts = list(acts)
            raise _Rollback
    except _Rollback:
        pass
    return preview


def confirm_token(data) -> str:
    """A hash of the posted values (without the CSRF token and the token itself)."""
    items = []
    for key in sorted(data.keys()):
        if key in ("csrfmiddlewaretoken", CONFIRM_FIELD) or key.startswith("_"):
            continue
        items.append(f"{key}={'|'.join(data.getlist(key))}")
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:32]


def confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD, "") == confirm_token(request.POST)


def _fresh_activation(request) -> None:
    """The simulation completed the in-memory activation; the rolled-back database did not."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from .flows.nodes import reread_held_process

    old = request.activation
    reread_held_process(old.task.process_id)
    task = Task.objects.select_related("process").get(pk=old.task.pk)
    fresh = old.flow_task.activation_class(task)
    if task.status == STATUS.ASSIGNED:  # Viewflow's wrapper had started it in memory only
        fresh.start(request)
    request.activation = fresh


def preview_action(request, step) -> Preview | None:
    """:func:`preview_step` for a form outside a flow task (the case page's acts: zastavení
    řízení, opravné usnesení). ``step`` does the write and returns None."""
    if confirmed(request):
        return None
    result = simulate(step)
    if not result.acts and not result.error:
        return None
    return result


def _fresh_start_activation(request) -> None:
    """A start form's activation after a simulation: a new, unsaved process (the simulated
    one was rolled back), started by the same user as Viewflow's start wrapper does."""
    old = request.activation
    fresh = old.flow_task.activation_class.create(old.flow_task, None, None)
    fresh.start(request)
    request.activation = fresh


def preview_start(request, step) -> Preview | None:
    """:func:`preview_step` for a start form (e.g. opening a cancellation ex officio issues the
    oznámení o zahájení řízení). Only a start that leads to an act is simulated at all."""
    if confirmed(request) or not jobs_after(request.activation.flow_task):
        return None
    try:
        result = simulate(step)
    finally:
        _fresh_start_activation(request)
    if not result.acts and not result.error:
        return None
    return result


#: edges a person's completing a step does not follow: a boundary event (timer, error) fires
#: on its own, a compensation handler runs only on a rollback of the process
_NOT_FOLLOWED = {"boundary", "compensation"}
_HUMAN = {"HUMAN", "HUMAN_START"}


def jobs_after(node) -> list:
    """The worker jobs (each issues an act) that completing ``node`` leads to without another
    person's step: the walk passes gateways, functions and jobs and stops at human tasks.
    A human step with a non-empty answer must preview (tests/workflows/test_preview_coverage.py)."""
    from .jobs import Job

    found, seen = [], set()
    todo = [e.dst for e in node._outgoing() if e.edge_class not in _NOT_FOLLOWED]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, Job):
            found.append(current)
        if getattr(current, "task_type", "") in _HUMAN:
            continue
        todo.extend(e.dst for e in current._outgoing() if e.edge_class not in _NOT_FOLLOWED)
    return found


def preview_step(request, step) -> Preview | None:
    """None: go ahead (the user confirmed this very data, or the step issues no act).
    Otherwise the preview to show. ``ValidationError`` of the step propagates (form errors)."""
    if confirmed(request):
        return None
    try:
        result = simulate(step)
    finally:
        _fresh_activation(request)
    if not result.acts and not result.error:
        return None
    return result
