"""Who read which record with personal data (GDPR accountability, čl. 5 odst. 2 GDPR).

Case pages, document downloads and provider pages / histories write one ``AccessLogEntry``
per read (:func:`record`); lists with personal data — a search with a term, every export, a
page of the provider registry showing natural persons — write one entry per request, never one
per row (:func:`record_list`: how many rows, the term, the natural persons named). The
administrator searches them in Správa → Záznamy o přístupu (filters by user, date, kind of
object). Entries older than ``OSV_ACCESS_LOG_RETENTION_DAYS`` (default 5 years) are deleted by
the beat job ``osv.purge_access_log`` (:func:`purge`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLogEntry(models.Model):
    """One read. Append-only: never changed, deleted only by the retention policy."""

    at = models.DateTimeField(_("kdy"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("uživatel"))
    username = models.CharField(_("přihlašovací jméno"), max_length=150, blank=True)
    object_type = models.CharField(_("druh záznamu"), max_length=100, db_index=True)
    object_id = models.CharField(_("id záznamu"), max_length=64)
    object_repr = models.CharField(_("záznam"), max_length=300)
    view = models.CharField(_("pohled"), max_length=100)
    path = models.CharField(_("adresa"), max_length=500, blank=True)
    address = models.GenericIPAddressField(_("adresa klienta"), null=True, blank=True)

    class Meta:
        app_label = "workflows"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="workflows_access_object")]
        verbose_name = _("záznam o přístupu k osobním údajům")
        verbose_name_plural = _("záznamy o přístupu k osobním údajům")

    def __str__(self):
        return f"{self.username} – {self.object_repr} ({self.view})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Záznam o přístupu je jen pro zápis.")
        super().save(*args, **kwargs)


def record(request, obj, *, view: str) -> AccessLogEntry:
    """Write that the request's user read ``obj`` in ``view``."""
    from .login_throttle import client_ip

    user = request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
    try:
        address = client_ip(request)
    except Exception:  # noqa: BLE001 — the log never stops a read
        address = request.META.get("REMOTE_ADDR")
    return AccessLogEntry.objects.create(
        user=user, username=user.get_username() if user else "",
        object_type=obj._meta.label_lower, object_id=str(obj.pk), object_repr=str(obj)[:300],
        view=view, path=request.get_full_path()[:500], address=address or None,
    )


LIST_ID = "seznam"  #: ``object_id`` of an entry that stands for a list (one per request)


def record_list(request, *, object_type: str, view: str, count: int, query: str = "", names=()) -> AccessLogEntry:
    """Write that the request's user read a list of ``count`` records (one row, however long the list)."""
    from .login_throttle import client_ip

    user = request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
    try:
        address = client_ip(request)
    except Exception:  # noqa: BLE001 — the log never stops a read
        address = request.META.get("REMOTE_ADDR")
    text = f"seznam, {count} záznamů" + (f", hledáno „{query}“" if query else "")
    names = [n for n in names if n]
    if names:
        text += ": " + "; ".join(names)
    return AccessLogEntry.objects.create(
        user=user, username=user.get_username() if user else "", object_type=object_type, object_id=LIST_ID,
        object_repr=text[:300], view=view, path=request.get_full_path()[:500], address=address or None,
    )


def retention_days() -> int:
    return int(getattr(settings, "OSV_ACCESS_LOG_RETENTION_DAYS", 5 * 365 + 1))


def purge(*, now=None, batch: int = 5000) -> int:
    """Delete the entries older than the retention period, in batches (a short lock each); how many."""
    from datetime import timedelta

    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    deleted = 0
    while True:
        ids = list(AccessLogEntry.objects.filter(at__lt=cutoff).order_by("at", "pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += AccessLogEntry.objects.filter(pk__in=ids).delete()[0]
