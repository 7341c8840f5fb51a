"""Every write about notifications and saved views.

Agendas emit through :func:`notify` and :func:`notify_task` (the engine names no agenda);
the engine itself notifies when a task is created already assigned to someone other than the
acting user (a flow's ``.Assign``), when the head hands a task over, and from the deadline scan.
One row per (user, task): a later, more specific message about the same task (returned with
comments, submitted for approval) replaces the plain "new task" instead of doubling it. The
e-mail goes after commit through the retried Celery task ``osv.send_notification_email``;
the in-app row is there whatever the mail server does.
"""

from __future__ import annotations

import contextvars
import smtplib
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import outbox
from ..formats import user_label
from .models import Notification, NotificationPreference, SavedView

MAIL_TASK = "osv.send_notification_email"
MAIL_ERRORS = (smtplib.SMTPException, OSError)
Kind = Notification.Kind
#: a more specific message about a task wins over a plainer one
PRIORITY = {Kind.ASSIGNED: 0, Kind.APPROVAL: 1, Kind.RETURNED: 2, Kind.REMINDER: 0, Kind.ESCALATION: 0}

_ACTOR: contextvars.ContextVar[int | None] = contextvars.ContextVar("osv_acting_user", default=None)


@contextmanager
def acting_user(user):
    """Who is acting now (the request's user; see ``ActingUserMiddleware``): nobody is told of
    what they did themselves."""
    token = _ACTOR.set(getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def current_actor_id() -> int | None:
    return _ACTOR.get()


# ------------------------------------------------------------------ preferences


def email_kinds(user) -> set[str]:
    pref = NotificationPreference.objects.filter(user=user).values_list("email_kinds", flat=True).first()
    return set(Kind.values) if pref is None else set(pref)


def set_email_kinds(*, user, kinds) -> NotificationPreference:
    chosen = sorted(set(kinds) & set(Kind.values))
    pref, _ = NotificationPreference.objects.update_or_create(user=user, defaults={"email_kinds": chosen})
    return pref


# ------------------------------------------------------------------ emitting


def _case_of_task(task):
    """The task's case: from its process when the activation read it with its case (no query),
    else one query."""
    from ..models import CaseProcess

    process = task.process if type(task).process.is_cached(task) else None
    if isinstance(process, CaseProcess):
        return process.case
    case_process = CaseProcess.objects.filter(pk=task.process_id).select_related("case").first()
    return case_process.case if case_process else None


def _task_link(task, user, case) -> str:
    from django.urls import reverse

    from ..selectors import task_url

    if task.owner_id == user.pk:
        url = task_url(task)
        if url:
            return url
    return reverse("cases:case_detail", args=[case.pk]) if case is not None else ""


def _email_kinds_of(users) -> dict[int, set[str]]:
    """``email_kinds`` of many users in one query (only users with an address are asked)."""
    asked = [u.pk for u in users if u.email]
    if not asked:
        return {}
    prefs = dict(NotificationPreference.objects.filter(user_id__in=asked).values_list("user_id", "email_kinds"))
    return {pk: set(prefs[pk]) if pk in prefs else set(Kind.values) for pk in asked}


def _notify_all(entries, task=None) -> list[Notification]:
    """``notify`` for many users at once: the users' earlier rows about ``task`` and their
    e-mail choices in one query each, the new rows in one insert (no savepoint of their own:
    they join the caller's transaction). ``entries``: dicts of ``notify``'s arguments."""
    entries = [e for e in entries if e["user"] is not None and e["user"].is_active]
    if not entries:
        return []
    existing: dict[int, Notification] = {}
    written = getattr(task, "_osv_notes", None) if task is not None else None
    if written is not None:
        existing = dict(written)  # a task created in this transaction: its rows are all known here
    elif task is not None:
        rows = Notification.objects.filter(task_id=task.pk, user_id__in=[e["user"].pk for e in entries])
        for row in rows.order_by("created_at", "pk"):
            existing[row.user_id] = row  # the newest row per user wins, as ``.first()`` in the model's order
    kinds = _email_kinds_of([e["user"] for e in entries])
    now = timezone.now()
    out, new, send = [], [], []
    for e in entries:
        user, kind, message = e["user"], e["kind"], e["message"][:500]
        detail, case, url = e.get("detail", ""), e.get("case"), e.get("url", "")
        note = existing.get(user.pk)
        if note is not None:
            if note.read_at is None and PRIORITY[note.kind] > PRIORITY[kind]:
                out.append(note)  # the unread, more specific message stays
                continue
            note.kind, note.message, note.detail = kind, message, detail
            note.url, note.case = url or note.url, case or note.case
            note.created_at, note.read_at = now, None
            if note.mail == Notification.Mail.QUEUED:  # the e-mail not yet gone reads the new text
                note.save()
                out.append(note)
                continue
        else:
            note = Notification(user=user, kind=kind, message=message, detail=detail, url=url, case=case,
                                task_id=task.pk if task is not None else None, created_at=now)
        if kind in kinds.get(user.pk, ()):
            note.mail, note.mailed_at = Notification.Mail.QUEUED, now
        else:
            note.mail = Notification.Mail.NONE
        if note.pk is None:
            new.append(note)
        else:
            note.save()
        out.append(note)
        if note.mail == Notification.Mail.QUEUED:
            send.append(note)
    if new:
        Notification.objects.bulk_create(new)  # primary keys set (RETURNING on both databases)
    if written is not None:
        written.update((note.user_id, note) for note in out)
    for note in send:
        outbox.dispatch_on_commit(MAIL_TASK, note.pk)
    return out


def notify(*, user, kind: str, message: str, detail: str = "", case=None, task=None, url: str = "") -> Notification | None:
    """Tell one user; call inside the transaction of the change (the e-mail leaves after commit)."""
    notes = _notify_all([dict(user=user, kind=kind, message=message, detail=detail, case=case, url=url)], task)
    return notes[0] if notes else None


def _task_message(task, case, text: str) -> str:
    title = str(task.title or task.flow_task)
    where = f" – {case.file_mark} {case.title}" if case is not None else ""
    return f"{text}: {title}{where}"


def notify_task(*, task, kind: str, text: str, detail: str = "", users=None) -> list[Notification]:
    """Tell the people of a task: its owner, else everyone who may take it from the queue
    (never the acting user). ``text`` opens the message, e.g. "Ke schválení"."""
    from ..selectors import assignable_users, eligible_assignees

    case = _case_of_task(task)
    if users is None:
        users = [task.owner] if task.owner_id else assignable_users(task, eligible_assignees(task, case=case))
    actor = current_actor_id()
    message = _task_message(task, case, text)
    return _notify_all([
        dict(user=user, kind=kind, message=message, detail=detail, case=case, url=_task_link(task, user, case))
        for user in users if user is not None and user.pk != actor
    ], task)


def task_assigned(task, *, by=None) -> Notification | None:
    """A task now belongs to ``task.owner`` (the head's hand-over, or a flow's ``.Assign``)."""
    if not task.owner_id or task.owner_id == current_actor_id():
        return None
    detail = gettext("Úkol vám předal(a) {who}.").format(who=user_label(by)) if by is not None else ""
    notes = notify_task(task=task, kind=Kind.ASSIGNED, text=gettext("Nový úkol"), detail=detail, users=[task.owner])
    return notes[0] if notes else None


def on_task_saved(sender, instance, created, **kwargs):
    """post_save of Viewflow's Task: a human task created already assigned (``.Assign``).

    A new task has no notification rows but those written through this instance, before the
    commit lets anyone else see it (its ``onCreate`` callbacks get the same instance): they
    are kept on it, so telling its people needs no read of earlier rows."""
    if created:
        instance._osv_notes = {}
    if created and instance.owner_id and instance.flow_task_type == "HUMAN":
        task_assigned(instance)


# ------------------------------------------------------------------ reading


def mark_read(*, user, pk: int) -> Notification | None:
    note = Notification.objects.filter(user=user, pk=pk).first()
    if note is not None and note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# ------------------------------------------------------------------ e-mail (the Celery task's body)


def retry_delay(retries: int) -> int:
    return min(settings.OSV_MAIL_RETRY_SECONDS * (2 ** retries), settings.OSV_MAIL_RETRY_MAX_SECONDS)


def send_email(*, notification_pk: int) -> str:
    """Send once; raises one of MAIL_ERRORS when the server does not take it."""
    with transaction.atomic():
        note = (Notification.objects.select_for_update(of=("self",)).select_related("user")
                .filter(pk=notification_pk).first())
        if note is None:
            return "missing"
        if note.mail == Notification.Mail.SENT:
            return "already"
        if not note.user.email or not note.user.is_active:
            return "no-address"
        link = f"{settings.OSV_BASE_URL}{note.url}" if note.url else f"{settings.OSV_BASE_URL}/"
        body = "\n\n".join(part for part in (
            gettext("Dobrý den,"), note.message, note.detail, gettext("Otevřít: {link}").format(link=link),
            gettext("Které zprávy chodí e-mailem, nastavíte v aplikaci: Upozornění → Nastavení."),
        ) if part)
        send_mail(subject=f"[osv-agenda] {note.message}"[:200], message=body,
                  from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[note.user.email], fail_silently=False)
        note.mail, note.mailed_at = Notification.Mail.SENT, timezone.now()
        note.save(update_fields=["mail", "mailed_at"])
    return "sent"


def email_failed(*, notification_pk: int) -> None:
    Notification.objects.filter(pk=notification_pk).exclude(mail=Notification.Mail.SENT).update(
        mail=Notification.Mail.FAILED, mailed_at=timezone.now())


def resend_pending(now=None) -> int:
    """The beat's sweep: e-mails queued or failed long enough ago (a lost broker message, retries run out)."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.OSV_MAIL_RESEND_MINUTES)
    pks = list(Notification.objects.filter(
        mail__in=[Notification.Mail.QUEUED, Notification.Mail.FAILED], mailed_at__lte=limit,
        created_at__gte=now - timedelta(days=2)).values_list("pk", flat=True)[:500])
    for pk in pks:
        with transaction.atomic():
            Notification.objects.filter(pk=pk).update(mail=Notification.Mail.QUEUED, mailed_at=now)
            outbox.dispatch_on_commit(MAIL_TASK, pk)
    return len(pks)


# ------------------------------------------------------------------ saved views


def clean_query(query: str) -> str:
    """A list's filter without the page, the export or a form token."""
    parts = (query or "").lstrip("?").split("&")
    return "&".join(p for p in parts if p and p.split("=", 1)[0] not in ("page", "export", "csrfmiddlewaretoken"))


def saved_view_create(*, owner, scope: str, name: str, query: str, shared: bool) -> SavedView:
    from django.core.exceptions import ValidationError

    from ..selectors import user_agendas

    name = (name or "").strip()
    if not name:
        raise ValidationError(gettext("Zadejte název pohledu."))
    if scope not in SavedView.Scope.values:
        raise ValidationError(gettext("Neznámý seznam."))
    query = clean_query(query)
    view = SavedView.objects.filter(owner=owner, scope=scope, name=name).first() or SavedView(
        owner=owner, scope=scope, name=name)
    view.query, view.shared = query[:1000], bool(shared)
    view.agendas = sorted(user_agendas(owner)) if shared else []
    view.full_clean()
    view.save()
    return view


def saved_view_delete(*, owner, pk: int) -> bool:
    deleted, _ = SavedView.objects.filter(owner=owner, pk=pk).delete()
    return bool(deleted)


def saved_view_copy(*, user, view: SavedView) -> SavedView:
    """A colleague's shared view becomes the user's own (not shared; the name gets "(kopie)" if taken)."""
    name = view.name
    if SavedView.objects.filter(owner=user, scope=view.scope, name=name).exists():
        name = gettext("{name} (kopie)").format(name=view.name[:70])
    return saved_view_create(owner=user, scope=view.scope, name=name, query=view.query, shared=False)
