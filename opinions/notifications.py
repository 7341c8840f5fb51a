"""The applicant's e-mail about an issued opinion: nothing lost when the mail server fails.

``queue_notification`` (inside the notify step's transaction) writes "předáno k odeslání" to
the case history and, after commit, sends the Celery task ``osv.notify_opinion_applicant``.
The task (``send_notification``) sends the e-mail and only then sets ``notified_at`` and
writes "žadatel vyrozuměn"; while the SMTP server refuses or is unreachable the task is
retried (``OSV_MAIL_MAX_RETRIES`` times, ``OSV_MAIL_RETRY_SECONDS`` doubling up to
``OSV_MAIL_RETRY_MAX_SECONDS``). When the retries run out, or the broker was down, the case
history says so and ``resend_pending`` (beat) tries again after ``OSV_MAIL_RESEND_MINUTES``.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from workflows import outbox
from workflows.history import record_event
from workflows.region import get_region

from .models import Opinion, OpinionEvent

TASK_NAME = "osv.notify_opinion_applicant"
# what a refusing, unreachable or dropping mail server raises: worth another try
MAIL_ERRORS = (smtplib.SMTPException, OSError)
QUEUED, SENT, FAILED = OpinionEvent.NOTIFY_QUEUED, OpinionEvent.NOTIFIED, OpinionEvent.NOTIFY_FAILED


def retry_delay(retries: int) -> int:
    return min(settings.OSV_MAIL_RETRY_SECONDS * (2 ** retries), settings.OSV_MAIL_RETRY_MAX_SECONDS)


def _dispatch_later(opinion: Opinion) -> None:
    pk, case = opinion.pk, opinion.case

    def broker_down():
        record_event(case=case, action=FAILED,
                     summary="E-mail žadateli se nepodařilo předat k odeslání (fronta úloh nedostupná); "
                             "odešle se později znovu.")

    outbox.dispatch_on_commit(TASK_NAME, pk, on_broker_down=broker_down)


def queue_notification(opinion: Opinion) -> None:
    """Call inside the transaction that issues the opinion."""
    if opinion.notified_at is not None or not opinion.contact_email:
        return
    record_event(case=opinion.case, action=QUEUED,
                 summary=f"E-mail žadateli ({opinion.contact_email}) předán k odeslání")
    _dispatch_later(opinion)


def _message(opinion: Opinion) -> tuple[str, str]:
    doc = opinion.document
    region = get_region()
    ref = doc.reference_number if doc else ""
    subject = f"Vyjádření kraje k projektu „{opinion.project_title}“ – č. j. {ref}"
    body = (
        f"Dobrý den,\n\n{region.office.name}, {region.office.department}, vydal vyjádření k podpoře projektu "
        f"„{opinion.project_title}“ (žadatel {opinion.applicant_name}, IČO {opinion.applicant_ico}), "
        f"č. j. {ref}, sp. zn. {opinion.case.file_mark}.\n"
        f"Vyjádření Vám bude doručeno obvyklou cestou; přiložte je k žádosti o podporu.\n\n"
        f"{region.office.name}\n{region.office.email}\n"
    )
    return subject, body


def send_notification(*, opinion_pk: int) -> str:
    """The task's body: send once; raises one of MAIL_ERRORS when the server does not take it."""
    with transaction.atomic():
        opinion = Opinion.objects.select_for_update(of=("self",)).select_related("case", "document").filter(pk=opinion_pk).first()
        if opinion is None:
            return "missing"
        if opinion.notified_at is not None:
            return "already"
        if not opinion.contact_email:
            return "no-address"
        subject, body = _message(opinion)
        send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL,
                  recipient_list=[opinion.contact_email], fail_silently=False)
        opinion.notified_at = timezone.now()
        opinion.save(update_fields=["notified_at"])
        record_event(case=opinion.case, action=SENT,
                     summary=f"Žadatel vyrozuměn e-mailem ({opinion.contact_email})")
    return "sent"


def notification_failed(*, opinion_pk: int, error: str) -> None:
    opinion = Opinion.objects.select_related("case").get(pk=opinion_pk)
    record_event(case=opinion.case, action=FAILED,
                 summary=f"E-mail žadateli se nepodařilo odeslat ({error}); odešle se později znovu."[:500])


def pending(now=None) -> list[Opinion]:
    """Issued opinions whose e-mail has not gone out and was last tried long enough ago."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.OSV_MAIL_RESEND_MINUTES)
    return list(
        Opinion.objects.filter(status=Opinion.Status.ISSUED, notified_at__isnull=True)
        .exclude(Q(contact_email="") | Q(contact_email__isnull=True))
        .annotate(last_try=Max("case__events__at", filter=Q(case__events__action__in=[QUEUED, FAILED])))
        .filter(Q(last_try__lte=limit) | Q(last_try__isnull=True))
        .select_related("case")
    )


def resend_pending(now=None) -> int:
    count = 0
    for opinion in pending(now):
        with transaction.atomic():
            record_event(case=opinion.case, action=QUEUED,
                         summary=f"E-mail žadateli ({opinion.contact_email}) znovu předán k odeslání")
            _dispatch_later(opinion)
        count += 1
    return count


__all__ = ["MAIL_ERRORS", "notification_failed", "pending", "queue_notification", "resend_pending",
           "retry_delay", "send_notification"]
