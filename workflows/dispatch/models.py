"""Dispatch: one act leaving the office to one addressee, with its legal state history.

``state`` is what the law cares about (prepared → sent → delivered by login / by fiction, or
undeliverable); ``stage`` is where the worker pipeline is (PDF/A + signature → send → waiting
for delivery). Every change of ``state`` is a ``DispatchEvent`` (who or which channel, when,
before → after) and a case history entry. Imported by ``workflows.models`` (app ``workflows``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Dispatch(models.Model):
    class Channel(models.TextChoices):
        DATA_BOX = "data_box", _("datová schránka")
        PAPER = "paper", _("listinně (pošta / osobně)")

    class State(models.TextChoices):
        PREPARED = "prepared", _("připraveno k odeslání")
        SENT = "sent", _("odesláno, dodáno do schránky")
        DELIVERED = "delivered", _("doručeno přihlášením / převzetím")
        DELIVERED_FICTION = "fiction", _("doručeno fikcí")
        UNDELIVERABLE = "undeliverable", _("nedoručitelné")

    class Stage(models.TextChoices):
        SIGN = "sign", _("převod do PDF/A a podpis")
        SEND = "send", _("odeslání")
        AWAIT = "await", _("čeká na doručení")
        MANUAL = "manual", _("listinné doručení – zapíše referent")
        DONE = "done", _("hotovo")
        FAILED = "failed", _("zastaveno – vyžaduje zásah")

    DELIVERED_STATES = (State.DELIVERED, State.DELIVERED_FICTION)

    case = models.ForeignKey("workflows.Case", on_delete=models.PROTECT, related_name="dispatches")
    document = models.ForeignKey("workflows.Document", on_delete=models.PROTECT, related_name="dispatches",
                                 verbose_name=_("písemnost (DOCX)"))
    pdf = models.ForeignKey("workflows.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                            verbose_name=_("podepsané PDF/A"))
    channel = models.CharField(_("kanál"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("stav doručení"), max_length=14, choices=State.choices, default=State.PREPARED)
    stage = models.CharField(_("krok zpracování"), max_length=8, choices=Stage.choices, default=Stage.SIGN)
    addressee_name = models.CharField(_("adresát"), max_length=255)
    addressee_ico = models.CharField(_("IČO"), max_length=8, blank=True)
    addressee_address = models.CharField(_("adresa"), max_length=300, blank=True)
    data_box_id = models.CharField(_("ID datové schránky"), max_length=7, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("podepisuje (prázdné = pečeť úřadu)"))
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message_id = models.CharField(_("ID datové zprávy"), max_length=20, null=True, blank=True, unique=True)
    send_started_at = models.DateTimeField(null=True, blank=True)  # the first attempt to send began
    send_lease_until = models.DateTimeField(null=True, blank=True)  # one sender at a time, without a lock held
    sent_at = models.DateTimeField(_("odesláno"), null=True, blank=True)
    delivered_to_box_at = models.DateTimeField(_("dodáno do schránky"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("doručeno (okamžik)"), null=True, blank=True)
    delivered_on = models.DateField(_("doručeno dne"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("doručení zapsal"))
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(_("poslední chyba"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "created_at", "pk"]
        verbose_name = _("odeslání písemnosti")
        verbose_name_plural = _("odeslání písemností")
        constraints = [
            models.UniqueConstraint(fields=["document", "data_box_id", "addressee_name"], name="dispatch_once_per_addressee"),
        ]
        indexes = [models.Index(fields=["stage", "updated_at"], name="dispatch_stage_idx")]

    def __str__(self):
        return f"{self.document.title} → {self.addressee_name} ({self.get_state_display()})"

    @property
    def delivered(self) -> bool:
        return self.state in self.DELIVERED_STATES


class DispatchEvent(models.Model):
    """One change of a dispatch's state: by whom (user, or the channel), when, before → after."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("kdy"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("zdroj"), max_length=10)  # isds | officer | system
    state_before = models.CharField(max_length=14, blank=True)
    state_after = models.CharField(max_length=14)
    isds_status = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.CharField(_("podrobnosti"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("změna stavu odeslání")
        verbose_name_plural = _("změny stavu odeslání")
        constraints = [
            # the poller may see the same ISDS state change many times: it is recorded once
            models.UniqueConstraint(fields=["dispatch", "isds_status"], condition=models.Q(isds_status__isnull=False),
                                    name="dispatch_event_isds_once"),
        ]
