"""Notification, the user's e-mail choices, and saved views of the task lists and search."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one user: always in the application (the bell), by e-mail if the user chose so."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Přidělení úkolu")
        RETURNED = "returned", _("Vrácení s připomínkami")
        APPROVAL = "approval", _("Předložení ke schválení")
        REMINDER = "reminder", _("Připomínka lhůty")
        ESCALATION = "escalation", _("Zmeškaná lhůta (eskalace)")

    class Mail(models.TextChoices):
        NONE = "", _("bez e-mailu")
        QUEUED = "queued", _("předáno k odeslání")
        SENT = "sent", _("odesláno")
        FAILED = "failed", _("odeslání selhalo")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("komu"))
    kind = models.CharField(_("druh"), max_length=20, choices=Kind.choices)
    message = models.CharField(_("zpráva"), max_length=500)
    detail = models.TextField(_("podrobnosti"), blank=True)
    url = models.CharField(_("odkaz"), max_length=500, blank=True)
    case = models.ForeignKey("workflows.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("případ"))
    task_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("kdy"), default=timezone.now)
    read_at = models.DateTimeField(_("přečteno"), null=True, blank=True)
    mail = models.CharField(_("e-mail"), max_length=10, choices=Mail.choices, default=Mail.NONE, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("upozornění uživatele")
        verbose_name_plural = _("upozornění uživatelů")
        # the bell on every page counts the user's unread rows: one index range
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_read"),
                   models.Index(fields=["user", "task_id"], name="notification_user_task")]

    def __str__(self):
        return self.message


class NotificationPreference(models.Model):
    """Which kinds the user also wants by e-mail (in the application they always appear).
    No row: every kind by e-mail (as the deadline reminders always were)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    email_kinds = models.JSONField(_("druhy zasílané e-mailem"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nastavení upozornění")
        verbose_name_plural = _("nastavení upozornění")


class SavedView(models.Model):
    """A named filter of a task list or of the search (its query string), kept on the server."""

    class Scope(models.TextChoices):
        INBOX = "inbox", _("Moje úkoly")
        QUEUE = "queue", _("Fronta úkolů")
        TEAM = "team", _("Úkoly týmu")
        SEARCH = "search", _("Hledání")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views",
                              verbose_name=_("vlastník"))
    scope = models.CharField(_("seznam"), max_length=10, choices=Scope.choices)
    name = models.CharField(_("název"), max_length=80)
    query = models.CharField(_("filtr"), max_length=1000, blank=True)
    shared = models.BooleanField(_("sdílet s týmem"), default=False)
    #: the agendas the owner worked on when sharing: colleagues in one of them see it
    agendas = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("uložený pohled")
        verbose_name_plural = _("uložené pohledy")
        indexes = [models.Index(fields=["owner", "scope"], name="savedview_owner_scope"),
                   models.Index(fields=["scope", "shared"], name="savedview_scope_shared")]
        constraints = [models.UniqueConstraint(fields=["owner", "scope", "name"], name="savedview_owner_scope_name")]

    def __str__(self):
        return self.name
