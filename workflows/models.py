"""The case at the centre, and the engine records every agenda shares.

Case: one row per matter (registration proceeding, notice of changes, opinion …) that
inbox, search, history, documents and numbering hang on. Each agenda keeps its detail in
its own model, one-to-one with the case. Processes point to the case by a real foreign key
(``CaseProcess``), so lists join instead of doing generic-FK lookups.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.fields import FlowReferenceField, TaskReferenceField
from viewflow.workflow.models import Process

from . import agendas


class ServiceType(models.Model):
    """Druh sociální služby (§ 37–70 zákona 108/2006 Sb.)."""

    paragraph = models.CharField(_("paragraf"), max_length=8, unique=True)
    name = models.CharField(_("název"), max_length=200)
    category = models.CharField(_("kategorie"), max_length=40, blank=True)
    sort_key = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_key", "paragraph"]
        verbose_name = _("druh sociální služby")
        verbose_name_plural = _("druhy sociálních služeb")

    def __str__(self):
        return f"{self.name} (§ {self.paragraph})"


class TargetGroup(models.Model):
    """Cílová skupina (S, OZP, …)."""

    code = models.CharField(_("kód"), max_length=10, unique=True)
    name = models.CharField(_("název"), max_length=200)
    aliases = models.TextField(_("další názvy"), blank=True, help_text=_("oddělené svislítkem |"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("cílová skupina")
        verbose_name_plural = _("cílové skupiny")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Case(models.Model):
    """Případ: the shared record of every agenda."""

    class State(models.TextChoices):
        OPEN = "open", _("Otevřený")
        SUSPENDED = "suspended", _("Přerušený")
        WAITING = "waiting", _("Čeká na schválení")
        DECIDED = "decided", _("Rozhodnuto")
        CLOSED = "closed", _("Uzavřený")
        CANCELED = "canceled", _("Zrušený")

    kind = models.CharField(_("druh"), max_length=32, choices=agendas.case_kind_choices, db_index=True)
    file_mark = models.CharField(_("spisová značka"), max_length=64, unique=True, null=True, blank=True)
    title = models.CharField(_("věc"), max_length=300)
    applicant_name = models.CharField(_("účastník / žadatel"), max_length=255, blank=True, db_index=True)
    ico = models.CharField(_("IČO"), max_length=8, blank=True, db_index=True)
    received_on = models.DateField(_("datum doručení"), default=timezone.localdate)
    deadline = models.DateField(_("lhůta"), null=True, blank=True, db_index=True)
    state = models.CharField(_("stav"), max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    state_detail = models.CharField(_("stav podrobně"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("založil"),
    )
    created_at = models.DateTimeField(_("založeno"), auto_now_add=True)
    updated_at = models.DateTimeField(_("změněno"), auto_now=True)
    closed_at = models.DateTimeField(_("uzavřeno"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("případ")
        verbose_name_plural = _("případy")
        indexes = [
            models.Index(fields=["state", "deadline"], name="case_state_deadline"),
            models.Index(fields=["kind", "state", "deadline"], name="case_kind_state_deadline"),
        ]

    def __str__(self):
        return f"{self.file_mark or '#' + str(self.pk)} – {self.title}"

    @property
    def agenda(self) -> str:
        """The agenda that registered this case's kind (see ``workflows.agendas``)."""
        return agendas.agenda_of_kind(self.kind)


class CaseParty(models.Model):
    """Účastník řízení / adresát písemností."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=40, default="applicant")
    name = models.CharField(_("název / jméno"), max_length=255)
    ico = models.CharField(_("IČO"), max_length=8, blank=True)
    address = models.CharField(_("sídlo / adresa"), max_length=300, blank=True)
    data_box = models.CharField(_("ID datové schránky"), max_length=7, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    #: a natural person is identified by the date of birth (§ 68 odst. 2 SŘ), a legal person by IČO
    birth_date = models.DateField(_("datum narození"), null=True, blank=True)

    class Meta:
        verbose_name = _("účastník")
        verbose_name_plural = _("účastníci")

    def __str__(self):
        return self.name


class CaseProcess(Process):
    """Viewflow process of any flow, with a real foreign key to its case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="processes", verbose_name=_("případ"))

    class Meta:
        verbose_name = _("proces")
        verbose_name_plural = _("procesy")


class LetterProcess(CaseProcess):
    """Process of the letter flow (proxy: own permissions, same table)."""

    class Meta:
        proxy = True
        verbose_name = _("dopis")
        verbose_name_plural = _("dopisy")
        permissions = [
            ("can_repair_letterprocess", "Může opravit chybu vyhotovení dopisu"),
        ]


class CaseEvent(models.Model):
    """Case history: append-only log of every state change and document.

    ``action`` is one of the engine's :class:`CaseEvent.Action` or of the enums the agendas
    register (``workflows.agendas``); ``record_event`` refuses any other value.
    """

    class Action(models.TextChoices):
        """What happened (the engine's own actions)."""

        STATE = "state", _("Změna stavu")
        DEADLINE = "deadline", _("Změna lhůty")
        DOCUMENT = "document", _("Vyhotovení dokumentu")
        DOCUMENT_VIEW = "document_view", _("Zobrazení dokumentu s osobními údaji")
        JOB_ERROR = "job_error", _("Chyba úlohy na pozadí")
        JOB_RETRY = "job_retry", _("Opakování úlohy po chybě")
        LETTER = "letter", _("Zadání dopisu")
        OPENED = "opened", _("Založení případu")
        REASSIGN = "reassign", _("Předání úkolu")
        DISPATCH = "dispatch", _("Odeslání a doručení písemnosti")
        DISPATCH_ERROR = "dispatch_error", _("Chyba odeslání písemnosti")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("kdy"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("kdo"),
    )
    action = models.CharField(_("akce"), max_length=64, choices=agendas.event_action_choices)
    summary = models.CharField(_("co"), max_length=500)
    before = models.JSONField(_("před"), null=True, blank=True)
    after = models.JSONField(_("po"), null=True, blank=True)
    document = models.ForeignKey("Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    task_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("záznam historie")
        verbose_name_plural = _("historie případu")
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("Historie případu je jen pro zápis; záznam nelze měnit.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Historie případu je jen pro zápis; záznam nelze smazat.")


class Suspension(models.Model):
    """Přerušení řízení: the clock stops from ``started_on`` through ``ended_on``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    started_on = models.DateField(_("přerušeno od"))
    ended_on = models.DateField(_("překážka odpadla dne"), null=True, blank=True)
    reason = models.CharField(_("důvod"), max_length=300, blank=True)

    class Meta:
        ordering = ["started_on"]
        verbose_name = _("přerušení řízení")
        verbose_name_plural = _("přerušení řízení")


class Extension(models.Model):
    """Prodloužení lhůty k vydání rozhodnutí (až o 30 dní) s důvodem."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("počet dní"))
    ground = models.CharField(_("důvod"), max_length=40)
    note = models.CharField(_("poznámka"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prodloužení lhůty")
        verbose_name_plural = _("prodloužení lhůt")


class NumberSequence(models.Model):
    """Gap-free counter per scope (e.g. ``cj/KK/2026``)."""

    scope = models.CharField(max_length=64, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("číselná řada")
        verbose_name_plural = _("číselné řady")

    def __str__(self):
        return f"{self.scope}: {self.last_value}"


class DocumentTemplate(models.Model):
    """An office-uploaded version of a DOCX template; the newest active one wins."""

    code = models.CharField(_("kód šablony"), max_length=64, db_index=True)
    file = models.FileField(_("soubor DOCX"), upload_to="templates/")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(_("platná"), default=True)

    class Meta:
        ordering = ["code", "-uploaded_at"]
        verbose_name = _("šablona dokumentu")
        verbose_name_plural = _("šablony dokumentů")

    def __str__(self):
        return self.code


def document_upload_to(instance, filename):
    return f"documents/{instance.case_id}/{filename}"


class Document(models.Model):
    """A rendered (or uploaded) document of a case, versioned, hashed, numbered."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Koncept")
        ISSUED = "issued", _("Vydaný")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("druh dokumentu"), max_length=64)
    title = models.CharField(_("název"), max_length=300)
    version = models.PositiveIntegerField(_("verze"), default=1)
    file = models.FileField(_("soubor"), upload_to=document_upload_to, max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField(_("velikost"), default=0)
    reference_number = models.CharField(_("č. j."), max_length=64, blank=True, db_index=True)
    status = models.CharField(_("stav"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    personal_data = models.BooleanField(_("obsahuje osobní údaje zaměstnanců"), default=False)
    source_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    template_code = models.CharField(max_length=64, blank=True)
    #: the act that corrected this one (§ 70 SŘ opravné usnesení); an issued act is never changed
    #: or removed, only corrected by another recorded act
    corrected_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrects",
                                     verbose_name=_("opraveno aktem"))
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "kind", "-version"]
        verbose_name = _("dokument")
        verbose_name_plural = _("dokumenty")
        constraints = [models.UniqueConstraint(fields=["case", "kind", "version"], name="document_case_kind_version")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    @staticmethod
    def hash_bytes(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()


class Reminder(models.Model):
    """One reminder per (task or case, kind): makes the reminder scan idempotent."""

    key = models.CharField(max_length=120, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reminders")
    kind = models.CharField(max_length=20)
    message = models.CharField(max_length=500)
    deadline = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("upozornění")
        verbose_name_plural = _("upozornění")


class TaskCount(models.Model):
    """Open human tasks counted by what the dashboards and the list headings filter on.

    Kept in step with Viewflow's task table and the case's deadline and kind by database
    triggers (migration 0006, ``workflows.counters``), so a dashboard sums a few thousand
    counter rows instead of scanning every open task. ``owner_id`` 0 is nobody,
    ``deadline`` :data:`workflows.counters.NO_DEADLINE` is a case without a deadline (NULLs would
    break the unique key the triggers upsert on).
    """

    status = models.CharField(max_length=50)
    owner_id = models.IntegerField(default=0)
    flow_task = TaskReferenceField()
    owner_permission = models.CharField(max_length=255, default="")
    case_kind = models.CharField(max_length=32, default="")
    deadline = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("počet otevřených úkolů")
        verbose_name_plural = _("počty otevřených úkolů")
        constraints = [models.UniqueConstraint(
            fields=["status", "owner_id", "flow_task", "owner_permission", "case_kind", "deadline"],
            name="osv_taskcount_key")]


class FinishedCount(models.Model):
    """Processes finished per day, flow and case kind with the sum of their lead times in days
    (receipt → end), kept by a trigger (migration 0006): the head's lead-time table sums at most
    90 days × flows rows instead of reading every finished process."""

    flow_class = FlowReferenceField()
    case_kind = models.CharField(max_length=32, default="")
    finished_on = models.DateField()
    n = models.IntegerField(default=0)
    days_total = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("počet ukončených procesů")
        verbose_name_plural = _("počty ukončených procesů")
        constraints = [models.UniqueConstraint(fields=["flow_class", "case_kind", "finished_on"],
                                               name="osv_finishedcount_key")]


class StaffProfile(models.Model):
    """What a letter says about its handler and signer: their own function title and phone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    function = models.CharField(_("funkce"), max_length=200, help_text=_("např. „referentka oddělení sociálních služeb“"))
    phone = models.CharField(_("telefon"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("údaje úřední osoby")
        verbose_name_plural = _("údaje úředních osob")

    def __str__(self):
        return f"{self.user} – {self.function}"


class ActKind(models.Model):
    """One act kind of the catalogue as valid from a date (loaded from the agendas' acts.yaml).

    The data files are the source of truth; ``office_override`` marks an entry the office edited
    in the admin, which a reload of the files then leaves as it is (and reports).
    """

    class Form(models.TextChoices):
        DECISION = "decision", _("rozhodnutí")
        RESOLUTION = "resolution", _("usnesení")
        NOTICE = "notice", _("písemnost (sdělení, výzva, oznámení)")
        LETTER = "letter", _("dopis")
        OPINION = "opinion", _("vyjádření")

    class Delivery(models.TextChoices):
        DELIVERED = "delivered", _("doručuje se účastníkům (do vlastních rukou / datovou schránkou)")
        FILE_NOTE = "file_note", _("pouze se poznamená do spisu; účastník se vyrozumí")
        SENT = "sent", _("zasílá se adresátovi (bez doručení do vlastních rukou)")

    code = models.SlugField(_("kód"), max_length=64)
    valid_from = models.DateField(_("platí od"))
    agenda = models.CharField(_("agenda"), max_length=64)
    title = models.CharField(_("název"), max_length=300)
    form = models.CharField(_("forma"), max_length=12, choices=Form.choices)
    template = models.CharField(_("šablona"), max_length=64)
    legal_basis = models.TextField(_("právní základ"))
    verdict = models.TextField(_("výrok (vzor)"), blank=True)
    instruction = models.TextField(_("poučení"), blank=True)
    texts = models.JSONField(_("další pevná znění"), default=dict, blank=True)
    signer_function = models.CharField(_("funkce podepisujícího"), max_length=200)
    delivery = models.CharField(_("doručení"), max_length=12, choices=Delivery.choices)
    appealable = models.BooleanField(_("lze se odvolat"), default=False)
    appeal_days = models.PositiveSmallIntegerField(_("lhůta k odvolání (dny)"), null=True, blank=True)
    suspensive_effect = models.BooleanField(_("odvolání má odkladný účinek"), default=False)
    seal = models.BooleanField(_("otisk úředního razítka"), default=False)
    review_note = models.TextField(_("poznámka pro právníka"), blank=True)
    office_override = models.BooleanField(_("upraveno úřadem"), default=False)

    class Meta:
        ordering = ["agenda", "code", "-valid_from"]
        verbose_name = _("druh písemnosti (katalog)")
        verbose_name_plural = _("katalog písemností")
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="actkind_code_valid_from")]

    def __str__(self):
        return f"{self.title} (od {self.valid_from:%-d. %-m. %Y})"

    FIELDS = (
        "agenda", "title", "form", "template", "legal_basis", "verdict", "instruction", "texts", "signer_function",
        "delivery", "appealable", "appeal_days", "suspensive_effect", "seal", "review_note",
    )

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self.FIELDS} | {"valid_from": self.valid_from.isoformat()}


class ActKindChange(models.Model):
    """History of the catalogue: who changed which entry, from the data file or in the admin."""

    class Source(models.TextChoices):
        DATA = "data", _("datový soubor")
        OFFICE = "office", _("úprava úřadem")

    act = models.ForeignKey(ActKind, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField(_("kdy"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("zdroj"), max_length=8, choices=Source.choices)
    before = models.JSONField(_("před"), null=True, blank=True)
    after = models.JSONField(_("po"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("změna katalogu písemností")
        verbose_name_plural = _("historie katalogu písemností")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Historie katalogu je jen pro zápis.")
        super().save(*args, **kwargs)


# the dispatch records (app "workflows"; their own module keeps this one short)
from .dispatch.models import Dispatch, DispatchEvent  # noqa: E402,F401
from .access_log import AccessLogEntry  # noqa: E402,F401
from .notify.models import Notification, NotificationPreference, SavedView  # noqa: E402,F401
