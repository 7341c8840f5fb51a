"""Dopis: an ad-hoc outgoing letter on a case, rendered by the worker.

The smallest real process on the engine: start from code (or the case page) → the worker
renders the numbered DOCX → end. A failed rendering goes to the officer, who retries.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from workflows.documents import generate_document
from workflows.history import record_event
from workflows.flows import nodes
from workflows.jobs import Job
from workflows.models import CaseEvent, LetterProcess


class LetterFlow(flow.Flow):
    process_class = LetterProcess
    lock_impl = nodes.process_row_lock  # the process row, read once for the activation (no savepoint)
    process_title = _("Dopis")
    process_description = _("Průvodní nebo jiný dopis k případu.")

    start = nodes.StartHandle(this.start_letter).Annotation(title=_("Zadání dopisu")).Next(this.render)

    render = (
        Job(this.render_letter)
        .Annotation(title=_("Vyhotovení dopisu"))
        .OnError(this.repair)
        .Next(this.end)
    )

    repair = (
        flow.View(UpdateProcessView.as_view(fields=[]))
        .Annotation(title=_("Oprava po chybě vyhotovení"))
        .Permission("workflows.can_repair_letterprocess")
        .Next(this.render)
    )

    end = nodes.End().Annotation(title=_("Konec"))

    def start_letter(self, activation, *, case, subject, body, actor=None):
        activation.process.case = case
        activation.process.data = {"subject": subject, "body": body, "actor_id": getattr(actor, "pk", None)}
        record_event(case=case, actor=actor, action=CaseEvent.Action.LETTER, summary=gettext('Zadán dopis: {subject}').format(subject=subject))
        return activation.process

    def render_letter(self, activation):
        from django.contrib.auth import get_user_model

        process = activation.process
        data = process.data
        # the letter carries who handles it and who signs it: the officer who wrote it
        actor = get_user_model().objects.filter(pk=data.get("actor_id")).first() if data.get("actor_id") else None
        return generate_document(
            case=process.case,
            kind="letter",
            title=f"Dopis: {data['subject']}",
            template_code="letter",
            context={"subject": data["subject"], "body_paragraphs": data["body"].split("\n")},
            source_key=f"task:{activation.task.pk}",
            actor=actor,
        )


def letter_send(*, case, subject: str, body: str, actor=None) -> LetterProcess:
    """Service: start a letter process on the case (the worker renders it after commit)."""
    with transaction.atomic():
        return LetterFlow.start.run(case=case, subject=subject, body=body, actor=actor)
