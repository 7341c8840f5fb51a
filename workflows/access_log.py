"""Who read which record with personal data (GDPR accountability, čl. 5 odst. 2 GDPR).

Case pages, document downloads and provider pages / histories write one ``AccessLogEntry``
per read; the administrator searches them in Správa → Záznamy o přístupu (filters by user,
date, kind of object)."""

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
