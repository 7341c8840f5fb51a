"""The pipeline after the officer's confirmation: PDF/A → signature or seal → data box / paper →
delivery reported → the agenda's deadlines.

Every step is a worker job (``worker.tasks.advance_dispatch``), retried while a part is down
(converter, timestamp authority, ISDS) and idempotent, each committing its own progress:

* SIGN: convert the issued DOCX (LibreOffice), check PDF/A, sign (pyHanko), store the result as
  a document of the case keyed on the dispatch — a retry after a kill finds it and goes on;
  an expired or revoked certificate stops the dispatch with a Czech message before anything
  is sent.
* SEND: data box when the addressee has an accessible one (CheckDataBox), otherwise paper.
  ``send_started_at`` and a short send lease are committed before CreateMessage, the message ID
  after it; no database lock is held during the call. A retry that finds ``send_started_at``
  without a message ID waits for the lease, then first asks ISDS (GetListOfSentMessages, by our
  č. j. and the addressee) whether the message went out, and adopts it — no act is sent twice.
* AWAIT: ``poll_isds`` (beat) reads GetMessageStateChanges and GetDeliveryInfo; each ISDS state is
  recorded once per dispatch (unique on dispatch + ISDS state), so polling again is harmless.
  Delivery (login, fiction) fires ``dispatch_delivered`` inside the same transaction: the
  agenda sets its delivery step and deadlines from it (registrations does it through
  workflows.deadlines) and commits together with the dispatch, or the next poll tries again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from ..history import record_event
from . import isds
from .models import Dispatch, DispatchEvent

logger = logging.getLogger(__name__)

# sent with dispatch=…: an act was delivered (state DELIVERED or DELIVERED_FICTION)
dispatch_delivered = Signal()
# sent with dispatch=…: the channel says it cannot be delivered, or the pipeline stopped
dispatch_failed = Signal()

PDF_KIND_SUFFIX = "_pdf"


class DispatchRetry(Exception):
    """A part is down (converter, TSA, ISDS): the job retries later; nothing is lost."""


def enabled() -> bool:
    return bool(settings.OSV_DISPATCH_ENABLED)


# ------------------------------------------------------------------ prepare


def _set_state(dispatch: Dispatch, state: str, *, source: str, actor=None, detail: str = "", isds_status=None,
               at=None) -> bool:
    """Record a legal state change once (DispatchEvent + case history); False if already recorded."""
    before = dispatch.state
    try:
        with transaction.atomic():
            DispatchEvent.objects.create(dispatch=dispatch, at=at or timezone.now(), source=source,
                                         actor=actor if getattr(actor, "is_authenticated", False) else None,
                                         state_before=before, state_after=state,
                                         isds_status=isds_status, detail=detail[:500])
    except IntegrityError:  # this ISDS state was recorded by an earlier poll
        return False
    if before != state:
        dispatch.state = state
        dispatch.save(update_fields=["state", "updated_at"])
        record_event(case=dispatch.case, actor=actor, action="dispatch", document=dispatch.document,
                     summary=f"{dispatch.document.title} → {dispatch.addressee_name}: {dispatch.get_state_display()}"
                             + (f" ({detail})" if detail else ""),
                     before={"state": before}, after={"state": state, "channel": dispatch.channel,
                                                      "message_id": dispatch.message_id})
    return True


def addressees(case):
    """Who receives the acts of a case: its parties (applicant first)."""
    return sorted(case.parties.all(), key=lambda p: (p.role != "applicant", p.pk))


def prepare(document, *, signer=None, actor=None) -> list[Dispatch]:
    """Create the dispatches of an issued act (one per addressee) and queue the pipeline.

    Idempotent: a redelivered job finds the dispatches it made. ``signer`` None = the office's
    seal (automated outputs). Does nothing while dispatch is switched off (acts go by hand)."""
    if not enabled():
        return []
    made = []
    for party in addressees(document.case):
        channel = Dispatch.Channel.DATA_BOX if party.data_box else Dispatch.Channel.PAPER
        dispatch, created = Dispatch.objects.get_or_create(
            document=document, data_box_id=party.data_box or "", addressee_name=party.name,
            defaults={"case": document.case, "channel": channel, "addressee_ico": party.ico,
                      "addressee_address": party.address,
                      "signer": signer if getattr(signer, "is_authenticated", False) else None},
        )
        if created:
            DispatchEvent.objects.create(dispatch=dispatch, at=timezone.now(), source="system", state_after=dispatch.state,
                                         actor=actor if getattr(actor, "is_authenticated", False) else None,
                                         detail=f"kanál: {dispatch.get_channel_display()}")
            record_event(case=document.case, actor=actor, action="dispatch", document=document,
                         summary=f"Připraveno k odeslání: {document.title} → {party.name} "
                                 f"({dispatch.get_channel_display()}"
                                 + (f" {party.data_box}" if party.data_box else "") + ")")
            transaction.on_commit(lambda pk=dispatch.pk: enqueue(pk))
        made.append(dispatch)
    return made


ADVANCE_TASK = "osv.advance_dispatch"  # worker.tasks.advance_dispatch, sent by name (nothing imports worker)


def enqueue(dispatch_pk: int, countdown: int | None = None) -> None:
    from celery import current_app

    try:
        current_app.send_task(ADVANCE_TASK, args=[dispatch_pk], countdown=countdown, retry=False,
                              queue=settings.OSV_DISPATCH_QUEUE or None)
    except Exception:  # broker down: the sweep re-sends it
        logger.exception("Dispatch %s could not be queued; the sweep will re-send it", dispatch_pk)


# ------------------------------------------------------------------ the pipeline


def advance(dispatch_pk: int) -> str:
    """Run the next steps of one dispatch; returns where it stopped (for logs and tests).

    Raises ``DispatchRetry`` when a part is down (the task retries with a countdown)."""
    from ..converter import ConverterError, ConverterUnavailable
    from ..signing import SigningError, SigningRefused

    dispatch = Dispatch.objects.select_related("case", "document", "signer").get(pk=dispatch_pk)
    Dispatch.objects.filter(pk=dispatch.pk).update(attempts=dispatch.attempts + 1)
    try:
        if dispatch.stage == Dispatch.Stage.SIGN:
            _sign(dispatch)
        if dispatch.stage == Dispatch.Stage.SEND:
            _send(dispatch)
    except (ConverterUnavailable, isds.IsdsUnavailable) as exc:
        _note_error(dispatch, str(exc))
        raise DispatchRetry(str(exc)) from exc
    except SigningRefused as exc:
        _fail(dispatch, str(exc))
    except SigningError as exc:
        _note_error(dispatch, str(exc))
        raise DispatchRetry(str(exc)) from exc
    except (ConverterError, isds.IsdsError, ValidationError) as exc:
        _fail(dispatch, str(exc))
    return dispatch.stage


def _note_error(dispatch: Dispatch, message: str) -> None:
    Dispatch.objects.filter(pk=dispatch.pk).update(error=message[:2000], updated_at=timezone.now())


def _fail(dispatch: Dispatch, message: str) -> None:
    with transaction.atomic():
        dispatch.stage = Dispatch.Stage.FAILED
        dispatch.error = message[:2000]
        dispatch.save(update_fields=["stage", "error", "updated_at"])
        record_event(case=dispatch.case, action="dispatch_error", document=dispatch.document,
                     summary=f"Odeslání zastaveno: {dispatch.document.title} → {dispatch.addressee_name}: {message}"[:500])
    dispatch_failed.send(sender=Dispatch, dispatch=dispatch)


def _sign(dispatch: Dispatch) -> None:
    """DOCX → PDF/A-2b → signature/seal → stored document (idempotent on the dispatch)."""
    from ..converter import to_pdf
    from ..documents import store_document
    from ..models import Document
    from ..pdfa import check_pdfa
    from ..region import get_region
    from ..signing import sign_pdf, signer_label

    source_key = f"dispatch:{dispatch.token}:pdf"
    stored = Document.objects.filter(source_key=source_key).first()
    if stored is None:
        with dispatch.document.file.open("rb") as fh:
            docx = fh.read()
        if Document.hash_bytes(docx) != dispatch.document.sha256:
            raise ValidationError("Soubor písemnosti neodpovídá uloženému otisku SHA-256; nelze ji odeslat.")
        pdf = to_pdf(docx, pdfa=True)
        problems = check_pdfa(pdf)
        if problems:
            raise ValidationError("Převod do PDF/A se nezdařil: " + "; ".join(problems))
        region = get_region()
        signed = sign_pdf(pdf, label=signer_label(dispatch.signer), reason=dispatch.document.title,
                          location=getattr(region.office, "place", "") or "")
        if check_pdfa(signed):
            raise ValidationError("Podepsané PDF už nesplňuje PDF/A.")
        source = dispatch.document
        try:
            with transaction.atomic():
                stored = store_document(
                    case=dispatch.case, kind=f"{source.kind}{PDF_KIND_SUFFIX}", title=f"{source.title} (PDF/A, podepsáno)",
                    content=signed, filename=f"{source.kind}-{str(dispatch.token)[:8]}.pdf",
                    reference_number=source.reference_number, source_key=source_key, status=Document.Status.ISSUED,
                    personal_data=source.personal_data, template_code=source.template_code,
                )
        except IntegrityError:  # a concurrent delivery of the same job stored it first
            stored = Document.objects.get(source_key=source_key)
    with transaction.atomic():
        dispatch.pdf = stored
        dispatch.stage = Dispatch.Stage.SEND
        dispatch.error = ""
        dispatch.save(update_fields=["pdf", "stage", "error", "updated_at"])


def _to_paper(dispatch: Dispatch, reason: str) -> None:
    dispatch.channel = Dispatch.Channel.PAPER
    dispatch.stage = Dispatch.Stage.MANUAL
    dispatch.save(update_fields=["channel", "stage", "updated_at"])
    record_event(case=dispatch.case, action="dispatch", document=dispatch.document,
                 summary=f"{dispatch.document.title} → {dispatch.addressee_name}: {reason}; doručí se listinně")


def _claim_send(dispatch: Dispatch) -> bool:
    """Take the send lease (no other attempt is sending now); returns whether this attempt is the
    first ever to send (``fresh``). The lease replaces a lock held across the ISDS call: a worker
    killed mid-call leaves it to expire, and the next attempt looks the message up first."""
    now = timezone.now()
    lease = now + timedelta(seconds=2 * settings.OSV_ISDS_TIMEOUT)
    free = Q(send_lease_until__isnull=True) | Q(send_lease_until__lt=now)
    fresh = bool(Dispatch.objects.filter(free, pk=dispatch.pk, message_id__isnull=True, send_started_at__isnull=True)
                 .update(send_started_at=now, send_lease_until=lease))
    if not fresh and not Dispatch.objects.filter(free, pk=dispatch.pk, message_id__isnull=True) \
            .update(send_lease_until=lease):
        dispatch.refresh_from_db()
        if dispatch.message_id:
            return False
        raise DispatchRetry("Datovou zprávu právě odesílá jiný pokus; zkusí se znovu.")
    return fresh


def _send(dispatch: Dispatch) -> None:
    if dispatch.channel == Dispatch.Channel.PAPER:
        with transaction.atomic():
            dispatch.stage = Dispatch.Stage.MANUAL
            dispatch.save(update_fields=["stage", "updated_at"])
        return
    client = isds.IsdsClient()
    if not dispatch.message_id and not dispatch.send_started_at:
        state = client.check_box(dispatch.data_box_id)
        if state != isds.BOX_ACCESSIBLE:
            with transaction.atomic():
                _to_paper(dispatch, f"datová schránka {dispatch.data_box_id} není přístupná"
                                    + (f" (stav {state})" if state is not None else " (neexistuje)"))
            return
    if not dispatch.message_id:
        fresh = _claim_send(dispatch)  # committed before the call: a retry knows the message may be out
        dispatch.refresh_from_db()
    if not dispatch.message_id:
        message = None if fresh else _find_sent(client, dispatch)  # an interrupted attempt may have sent it
        if message is None:
            with dispatch.pdf.file.open("rb") as fh:
                content = fh.read()
            try:
                message_id = client.send(
                    box_id=dispatch.data_box_id, annotation=dispatch.document.title,
                    ref_number=dispatch.document.reference_number, file_mark=dispatch.case.file_mark or "",
                    files=[(f"{dispatch.document.kind}.pdf", "application/pdf", content)],
                )
            except Exception:  # the attempt is over (result unknown): the next one looks it up first
                Dispatch.objects.filter(pk=dispatch.pk).update(send_lease_until=None)
                raise
        else:
            message_id = message.message_id
        Dispatch.objects.filter(pk=dispatch.pk).update(message_id=message_id, sent_at=timezone.now(),
                                                       send_lease_until=None, updated_at=timezone.now())
        dispatch.refresh_from_db()
    info = client.delivery_info(dispatch.message_id)
    with transaction.atomic():
        dispatch.delivered_to_box_at = info.delivered_at
        dispatch.stage = Dispatch.Stage.AWAIT
        dispatch.error = ""
        dispatch.save(update_fields=["delivered_to_box_at", "stage", "error", "updated_at"])
        _set_state(dispatch, Dispatch.State.SENT, source="isds", isds_status=isds.STATUS_DELIVERED_TO_BOX,
                   at=info.delivered_at, detail=f"datová zpráva {dispatch.message_id}")
    _apply_delivery(dispatch, info)


def _find_sent(client: isds.IsdsClient, dispatch: Dispatch):
    """The message an interrupted attempt may have sent (not one another dispatch owns)."""
    since = dispatch.send_started_at - timedelta(days=settings.OSV_ISDS_RECOVERY_DAYS)
    found = client.find_sent(since=since, ref_number=dispatch.document.reference_number, box_id=dispatch.data_box_id)
    if found and not Dispatch.objects.filter(message_id=found.message_id).exclude(pk=dispatch.pk).exists():
        logger.info("Dispatch %s: adopting message %s sent by an interrupted attempt", dispatch.pk, found.message_id)
        return found
    return None


# ------------------------------------------------------------------ delivery


def _local_date(moment: datetime):
    return timezone.localtime(moment).date()


def _apply_delivery(dispatch: Dispatch, info: isds.DeliveryInfo) -> None:
    """Record what ISDS reports for one message (idempotent)."""
    if info.status in (isds.STATUS_FICTION, isds.STATUS_LOGIN, isds.STATUS_READ) and not dispatch.delivered:
        fiction = info.status == isds.STATUS_FICTION or any(descr.startswith("EV4") for _, descr in info.events)
        state = Dispatch.State.DELIVERED_FICTION if fiction else Dispatch.State.DELIVERED
        with transaction.atomic():
            dispatch.accepted_at = info.accepted_at
            dispatch.delivered_to_box_at = dispatch.delivered_to_box_at or info.delivered_at
            dispatch.delivered_on = _local_date(info.accepted_at) if info.accepted_at else None
            dispatch.stage = Dispatch.Stage.DONE
            dispatch.save(update_fields=["accepted_at", "delivered_to_box_at", "delivered_on", "stage", "updated_at"])
            changed = _set_state(dispatch, state, source="isds", isds_status=info.status, at=info.accepted_at,
                                 detail=("doručeno fikcí" if fiction else "doručeno přihlášením")
                                 + (f" {timezone.localtime(info.accepted_at):%d. %m. %Y %H:%M}" if info.accepted_at else ""))
            if changed:  # in the same transaction: the agenda's delivery commits with ours, or neither
                dispatch_delivered.send(sender=Dispatch, dispatch=dispatch)
    elif info.status == isds.STATUS_UNDELIVERABLE and dispatch.state == Dispatch.State.SENT:
        with transaction.atomic():
            dispatch.stage = Dispatch.Stage.FAILED
            dispatch.save(update_fields=["stage", "updated_at"])
            if _set_state(dispatch, Dispatch.State.UNDELIVERABLE, source="isds", isds_status=info.status,
                          detail="schránka adresáta byla znepřístupněna"):
                dispatch_failed.send(sender=Dispatch, dispatch=dispatch)


def poll_isds() -> int:
    """Beat: state changes of sent messages since the oldest open one; returns changes applied."""
    open_dispatches = list(Dispatch.objects.filter(stage=Dispatch.Stage.AWAIT, message_id__isnull=False))
    if not open_dispatches:
        return 0
    by_message = {d.message_id: d for d in open_dispatches}
    oldest = min((d.delivered_to_box_at or d.sent_at or d.created_at) for d in open_dispatches)
    client = isds.IsdsClient()
    changed = 0
    seen = set()
    for message_id, _at, status in client.state_changes(since=oldest - timedelta(days=1)):
        dispatch = by_message.get(message_id)
        if dispatch is None or (message_id, status) in seen:
            continue
        seen.add((message_id, status))
        if status in (isds.STATUS_FICTION, isds.STATUS_LOGIN, isds.STATUS_READ, isds.STATUS_UNDELIVERABLE):
            before = dispatch.state
            _apply_delivery(dispatch, client.delivery_info(message_id))
            changed += int(dispatch.state != before)
    return changed


def sweep() -> int:
    """Re-queue dispatches whose job was lost (killed worker, broker outage)."""
    limit = timezone.now() - timedelta(minutes=settings.OSV_DISPATCH_STUCK_MINUTES)
    stuck = Dispatch.objects.filter(stage__in=[Dispatch.Stage.SIGN, Dispatch.Stage.SEND], updated_at__lte=limit)
    count = 0
    for pk in stuck.values_list("pk", flat=True):
        Dispatch.objects.filter(pk=pk).update(updated_at=timezone.now())
        enqueue(pk)
        count += 1
    return count


def record_manual(document, *, delivered_on, by_fiction: bool, actor) -> None:
    """The officer recorded delivery of a paper act (doručenka): close its dispatches."""
    for dispatch in Dispatch.objects.filter(document=document).exclude(state__in=Dispatch.DELIVERED_STATES):
        state = Dispatch.State.DELIVERED_FICTION if by_fiction else Dispatch.State.DELIVERED
        dispatch.delivered_on = delivered_on
        dispatch.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        dispatch.stage = Dispatch.Stage.DONE
        dispatch.save(update_fields=["delivered_on", "recorded_by", "stage", "updated_at"])
        _set_state(dispatch, state, source="officer", actor=actor,
                   detail=f"zapsáno ručně: doručeno {delivered_on.day}. {delivered_on.month}. {delivered_on.year}")


def for_case(case):
    """The case page's list: dispatches with their events (two queries)."""
    return list(Dispatch.objects.filter(case=case).select_related("document", "pdf", "signer", "recorded_by")
                .prefetch_related("events").order_by("created_at", "pk"))
