"""The national registry's open data as last imported, for the reconciliation.

One ``NationalRegistryImport`` row per run (source, counts, the invalid records, the
differences found); the services of the latest successful run are kept as
``NationalService`` rows (only those that concern our office: registered by our region, or
sharing an identifier or a provider's IČO with our registry). Older runs keep their log row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NationalRegistryImport(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("probíhá")
        DONE = "done", _("dokončen")
        FAILED = "failed", _("selhal")

    source = models.CharField(_("zdroj"), max_length=500)
    started_at = models.DateTimeField(_("zahájen"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("dokončen"), null=True, blank=True)
    status = models.CharField(_("stav"), max_length=8, choices=Status.choices, default=Status.RUNNING, db_index=True)
    file_updated_on = models.DateField(_("data ke dni"), null=True, blank=True)
    total = models.PositiveIntegerField(_("záznamů v souboru"), default=0)
    valid = models.PositiveIntegerField(_("platných záznamů"), default=0)
    invalid = models.PositiveIntegerField(_("neplatných záznamů"), default=0)
    stored = models.PositiveIntegerField(_("záznamů týkajících se kraje"), default=0)
    errors = models.JSONField(_("neplatné záznamy"), default=list, blank=True)
    summary = models.JSONField(_("rozdíly podle druhu"), default=dict, blank=True)
    message = models.TextField(_("zpráva"), blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("spustil(a)"))

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("načtení celostátního registru")
        verbose_name_plural = _("načtení celostátního registru")
        permissions = [
            ("view_reconciliation", "Může prohlížet porovnání s celostátním registrem poskytovatelů"),
            ("export_reconciliation", "Může exportovat porovnání s celostátním registrem"),
            ("run_national_import", "Může spustit načtení celostátního registru"),
            ("export_national_format", "Může exportovat náš registr ve formátu celostátního registru"),
        ]

    def __str__(self):
        return f"{self.source} ({self.started_at:%Y-%m-%d %H:%M})"


class NationalService(models.Model):
    """One service of the national open data (only the fields the reconciliation compares)."""

    batch = models.ForeignKey(NationalRegistryImport, on_delete=models.CASCADE, related_name="services")
    identifier = models.CharField(_("identifikátor"), max_length=20, blank=True, db_index=True)
    provider_ico = models.CharField(_("IČO poskytovatele"), max_length=8, blank=True, db_index=True)
    provider_name = models.CharField(_("poskytovatel"), max_length=300)
    service_code = models.CharField(_("kód druhu služby"), max_length=40, blank=True)
    service_name = models.CharField(_("druh služby"), max_length=200)
    service_paragraph = models.CharField(_("§"), max_length=8, blank=True)
    forms = models.JSONField(_("formy a kapacity"), default=dict)  # {"residential": 24, ...}
    addresses = models.JSONField(_("adresy zařízení"), default=list)
    target_groups = models.JSONField(_("cílové skupiny"), default=list)
    provided_from = models.DateField(_("poskytována od"), null=True, blank=True)
    provided_to = models.DateField(_("poskytována do"), null=True, blank=True)
    in_region = models.BooleanField(_("registrována naším krajem"), default=False)

    class Meta:
        ordering = ["provider_name", "identifier"]
        verbose_name = _("služba celostátního registru")
        verbose_name_plural = _("služby celostátního registru")
