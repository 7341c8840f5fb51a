"""Registration agenda (Agenda A): providers, proceedings, the registry and its history.

Each proceeding model is one-to-one with the shared ``workflows.Case``. The registry is
``Provider`` + ``RegisteredService``; every change of it is a ``RegistryVersion`` row
(before → after, which case, which document, who, when). Registry rows are never deleted:
a cancelled service is closed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.models import Case, CaseProcess, Document, ServiceType, TargetGroup


#: kinds of the documents (acts) this agenda issues (``workflows.Document.kind``)
DOC_DEFICIENCY = "reg_deficiency"  # výzva k odstranění nedostatků + usnesení o přerušení
DOC_TERMINATION = "reg_termination"  # usnesení o zastavení řízení
DOC_EVIDENCE = "reg_evidence_notice"  # § 36 odst. 3
DOC_OPENING = "reg_opening_notice"  # oznámení o zahájení řízení z moci úřední
DOC_DECISION_REGISTRATION = "reg_decision_registration"
DOC_DECISION_REFUSAL = "reg_decision_refusal"
DOC_DECISION_CHANGE = "reg_decision_change"
DOC_DECISION_CANCELLATION = "reg_decision_cancellation"
DOC_NOTICE_ACK = "reg_notice_ack"
DOC_APPEAL_FORWARD = "reg_appeal_forward"
DOC_MINISTRY_DECISION = "reg_ministry_decision"  # the appellate body's decision, uploaded as it came
DECISION_KINDS = {
    DOC_DECISION_REGISTRATION, DOC_DECISION_REFUSAL, DOC_DECISION_CHANGE, DOC_DECISION_CANCELLATION, DOC_TERMINATION,
}
DOC_STOP = "reg_stop"  # usnesení o zastavení řízení vydané z karty případu (zpětvzetí, § 66 odst. 2)
DOC_CORRECTION = "reg_correction"  # opravné usnesení (§ 70 správního řádu)
#: acts with a výrok that an opravné usnesení (§ 70) may correct
CORRECTABLE_KINDS = DECISION_KINDS | {DOC_DEFICIENCY, DOC_STOP}


class RegistrationCaseKind(models.TextChoices):
    """Kinds of ``Case`` this agenda owns (registered with the engine in ``apps.py``)."""

    REGISTRATION = "registration", _("Řízení o registraci")
    CHANGE_NOTICE = "change_notice", _("Oznámení změn")
    CHANGE_APPLICATION = "change_application", _("Žádost o změnu registrace")
    CANCELLATION = "cancellation", _("Zrušení registrace")
    LETTER = "letter", _("Dopis")


class RegistrationEvent(models.TextChoices):
    """Case history actions of the registration agenda (``CaseEvent.action``)."""

    APPEAL = "appeal", _("Odvolání")
    APPEAL_AUTOREMEDY = "appeal_autoremedy", _("Autoremedura (§ 87)")
    APPEAL_FORWARDED = "appeal_forwarded", _("Postoupení odvolání (§ 88)")
    APPEAL_OUTCOME = "appeal_outcome", _("Rozhodnutí odvolacího orgánu")
    APPEAL_WAIVED = "appeal_waived", _("Vzdání se odvolání")
    ASSESSMENT = "assessment", _("Posouzení podmínek")
    COMMENTS = "comments", _("Vyjádření k podkladům")
    COMPLETENESS = "completeness", _("Kontrola úplnosti")
    CONVERTED = "converted", _("Převod na žádost o změnu")
    CONVERTED_FROM = "converted_from", _("Založeno převodem oznámení")
    DELIVERY = "delivery", _("Doručení")
    EXTENSION = "extension", _("Prodloužení lhůty")
    FINALITY = "finality", _("Právní moc")
    LATE_CANCELLATION_REQUEST = "late_cancellation_request", _("Žádost o zrušení později než 3 měsíce předem")
    NOTED_IN_FILE = "noted_in_file", _("Usnesení poznamenáno do spisu")
    PARTIAL_CANCELLATION = "partial_cancellation", _("Ukončení části služeb = změna registrace")
    NOTICE_RECORDED = "notice_recorded", _("Zápis oznámení změn")
    OPENED_EX_OFFICIO = "opened_ex_officio", _("Zahájení z moci úřední")
    PHASE = "phase", _("Změna fáze řízení")
    REMEDY_EXTENDED = "remedy_extended", _("Prodloužení lhůty k odstranění nedostatků")
    REMEDY_MISSED = "remedy_missed", _("Marné uplynutí lhůty")
    REOPENED = "reopened", _("Pokračování řízení")
    STOPPED = "stopped", _("Zastavení řízení")
    CORRECTED = "corrected", _("Opravné usnesení (§ 70)")
    SUBMISSION = "submission", _("Podání")
    SUPPLEMENT = "supplement", _("Doplnění žádosti")


class ServiceForm(models.TextChoices):
    RESIDENTIAL = "residential", _("pobytová")
    OUTPATIENT = "outpatient", _("ambulantní")
    FIELD = "field", _("terénní")


class DeliveryChannel(models.TextChoices):
    DATA_BOX = "data_box", _("datová schránka")
    POST = "post", _("poštou")
    IN_PERSON = "in_person", _("osobně")


class Provider(models.Model):
    """Poskytovatel sociálních služeb: one record per IČO, created at the first intake."""

    ico = models.CharField(_("IČO"), max_length=8, unique=True, null=True, blank=True)
    name = models.CharField(_("název / jméno"), max_length=255, db_index=True)
    legal_form = models.CharField(_("právní forma"), max_length=100, blank=True)
    address = models.CharField(_("sídlo / adresa"), max_length=300)
    statutory_body = models.CharField(_("statutární orgán"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    data_box = models.CharField(_("ID datové schránky"), max_length=7, blank=True)
    is_natural_person = models.BooleanField(_("fyzická osoba"), default=False)
    # a natural person is identified by name, date of birth and residence, and when in business
    # also by IČO and místo podnikání (§ 68 odst. 2 správního řádu; § 79 odst. 5 zákona 108/2006 Sb.)
    birth_date = models.DateField(_("datum narození"), null=True, blank=True)
    residence_address = models.CharField(_("adresa trvalého pobytu"), max_length=300, blank=True)
    business_address = models.CharField(_("místo podnikání"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("založeno"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("poskytovatel")
        verbose_name_plural = _("poskytovatelé")

    def __str__(self):
        return f"{self.name} (IČO {self.ico})" if self.ico else self.name

    def party(self) -> dict:
        """The provider as a party of a case (workflows.CaseParty fields)."""
        return {
            "role": "applicant",
            "name": self.name,
            "ico": self.ico or "",
            "address": self.delivery_address,
            "data_box": self.data_box,
            "email": self.email,
            "birth_date": self.birth_date if self.is_natural_person else None,
        }

    @property
    def delivery_address(self) -> str:
        """Seat of a legal person; a natural person's place of business, else residence."""
        if self.is_natural_person:
            return self.business_address or self.residence_address or self.address
        return self.address

    @property
    def identification(self) -> str:
        """The party as a decision names it (§ 68 odst. 2 správního řádu) – never "IČO nemá"."""
        from workflows.documents import czech_date

        if not self.is_natural_person:
            ico = f", IČO {self.ico}" if self.ico else ""
            return f"{self.name}{ico}, se sídlem {self.address}"
        parts = [self.name]
        if self.birth_date:
            parts.append(f"nar. {czech_date(self.birth_date)}")
        parts.append(f"trvale bytem {self.residence_address or self.address}")
        if self.ico:
            parts.append(f"IČO {self.ico}")
            parts.append(f"místo podnikání {self.business_address or self.address}")
        return ", ".join(parts)

    @property
    def is_registered(self) -> bool:
        return self.services.filter(state=RegisteredService.State.ACTIVE).exists()


class ChecklistItem(models.Model):
    """Configurable checklist: completeness (§ 79 odst. 2 and 5) and conditions (§ 79, § 80)."""

    class Stage(models.TextChoices):
        COMPLETENESS = "completeness", _("úplnost žádosti")
        CONDITIONS = "conditions", _("podmínky registrace")

    stage = models.CharField(_("fáze"), max_length=16, choices=Stage.choices, default=Stage.COMPLETENESS)
    code = models.SlugField(_("kód"), max_length=40, unique=True)
    label = models.CharField(_("položka"), max_length=300)
    legal_ground = models.CharField(_("právní základ"), max_length=100, blank=True)
    forms = models.CharField(
        _("formy služby"), max_length=100, blank=True,
        help_text=_("kódy forem oddělené čárkou (residential, outpatient, field); prázdné = všechny"),
    )
    proceeding_kinds = models.CharField(
        _("druhy řízení"), max_length=100, blank=True,
        help_text=_("registration, change, cancellation oddělené čárkou; prázdné = registrace i změna"),
    )
    changes = models.CharField(
        _("při změně registrace"), max_length=100, blank=True,
        help_text=_("měněné údaje, kvůli nimž se položka při změně registrace požaduje, oddělené čárkou "
                    "(service_type, form, place, territory, capacity, target_groups, age); prázdné = vždy"),
    )
    active = models.BooleanField(_("platná"), default=True)
    sort_key = models.PositiveIntegerField(_("pořadí"), default=0)

    class Meta:
        ordering = ["stage", "sort_key", "code"]
        verbose_name = _("položka kontrolního seznamu")
        verbose_name_plural = _("kontrolní seznam")

    def __str__(self):
        return self.label

    def applies_to(self, *, forms: set[str], proceeding_kind: str, changes: set[str] | None = None) -> bool:
        """Needed by this proceeding: its kind, the forms of its services and — for a change of
        registration — the data that change (a change of capacity asks for no founding document)."""
        wanted_forms = {f.strip() for f in self.forms.split(",") if f.strip()}
        kinds = {k.strip() for k in self.proceeding_kinds.split(",") if k.strip()} or {"registration", "change"}
        if proceeding_kind not in kinds or (wanted_forms and not wanted_forms & forms):
            return False
        wanted_changes = {c.strip() for c in self.changes.split(",") if c.strip()}
        if proceeding_kind == "change" and wanted_changes and changes is not None:
            return bool(wanted_changes & changes)
        return True


class Proceeding(models.Model):
    """Správní řízení of the agenda: registration (A1), change (A2b) or cancellation (A3)."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("registrace")
        CHANGE = "change", _("změna registrace")
        CANCELLATION = "cancellation", _("zrušení registrace")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("probíhá")
        GRANTED = "granted", _("vyhověno")
        REFUSED = "refused", _("zamítnuto")
        TERMINATED = "terminated", _("zastaveno")

    class Phase(models.TextChoices):
        INTAKE = "intake", _("příjem")
        CHECK = "check", _("kontrola úplnosti")
        SUSPENDED = "suspended", _("přerušeno – výzva k odstranění nedostatků")
        ASSESSMENT = "assessment", _("posouzení podmínek")
        COMMENTS = "comments", _("seznámení s podklady (§ 36 odst. 3)")
        DECISION = "decision", _("rozhodnutí")
        APPEAL_PERIOD = "appeal_period", _("lhůta k odvolání")
        APPEAL = "appeal", _("odvolání")
        FINAL = "final", _("pravomocně skončeno")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="proceeding", verbose_name=_("případ"))
    kind = models.CharField(_("druh řízení"), max_length=16, choices=Kind.choices)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="proceedings", verbose_name=_("poskytovatel"))
    ex_officio = models.BooleanField(_("z moci úřední"), default=False)
    received_on = models.DateField(_("zahájeno dne"), null=True, blank=True)
    grounds = models.TextField(_("důvody / předmět"), blank=True)
    phase = models.CharField(_("fáze"), max_length=16, choices=Phase.choices, default=Phase.INTAKE, db_index=True)
    outcome = models.CharField(_("výsledek"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    # completeness and suspension
    remedy_days = models.PositiveSmallIntegerField(_("lhůta k odstranění nedostatků (dny)"), default=30)
    remedy_deadline = models.DateField(_("lhůta k odstranění nedostatků"), null=True, blank=True)
    deficiency_note = models.TextField(_("další nedostatky"), blank=True)
    # assessment
    assessment_note = models.TextField(_("závěr posouzení"), blank=True)
    proposal = models.CharField(_("návrh rozhodnutí"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    reasoning = models.TextField(_("odůvodnění"), blank=True)
    omit_reasoning = models.BooleanField(_("bez odůvodnění (plně vyhovující rozhodnutí)"), default=False)
    comments_days = models.PositiveSmallIntegerField(_("lhůta k vyjádření k podkladům (dny)"), default=5)
    comments_deadline = models.DateField(_("lhůta k vyjádření k podkladům"), null=True, blank=True)
    comments = models.TextField(_("vyjádření účastníka"), blank=True)
    comments_answer = models.TextField(_("vypořádání vyjádření účastníka"), blank=True)
    # decision, appeal, finality
    decided_on = models.DateField(_("rozhodnuto dne"), null=True, blank=True)
    decision_delivered_on = models.DateField(_("rozhodnutí doručeno dne"), null=True, blank=True)
    appeal_deadline = models.DateField(_("lhůta k odvolání"), null=True, blank=True)
    waived_on = models.DateField(_("vzdání se odvolání dne"), null=True, blank=True)
    final_on = models.DateField(_("právní moc dne"), null=True, blank=True)
    final_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("právní moc potvrdil(a)"),
    )
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # cancellation: the ground (§ 82 odst. 3 with its písmeno) and, on request, the day the service ends
    cancellation_ground = models.CharField(_("důvod zrušení"), max_length=16, blank=True,
                                           choices=[("a", _("§ 82 odst. 3 písm. a) – přestal splňovat podmínky § 79 a § 80")),
                                                    ("b", _("§ 82 odst. 3 písm. b) – správní trest za zvlášť závažné porušení povinnosti")),
                                                    ("c", _("§ 82 odst. 3 písm. c) – nesplňuje standardy kvality (zjištění inspekce)")),
                                                    ("request", _("na žádost poskytovatele"))])
    service_ends_on = models.DateField(_("poskytování služby končí dne"), null=True, blank=True)
    cancel_services = models.ManyToManyField(
        "RegisteredService", blank=True, related_name="cancellation_proceedings", verbose_name=_("rušené služby"),
    )

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("řízení")
        verbose_name_plural = _("řízení")

    def __str__(self):
        return f"{self.get_kind_display()} – {self.provider.name} ({self.case.file_mark})"

    @property
    def forms(self) -> set[str]:
        return set(self.services.values_list("form", flat=True))

    @property
    def changed_fields(self) -> set[str]:
        """What an application to change the registration changes (empty for other kinds)."""
        if self.kind != self.Kind.CHANGE:
            return set()
        return set().union(*[s.changed_fields() for s in self.services.all()]) if self.pk else set()

    @property
    def is_suspended(self) -> bool:
        return self.case.suspensions.filter(ended_on__isnull=True).exists()

    # ---- the state the flows route on (flows ask these; services set the state)

    @property
    def is_complete(self) -> bool:
        """The last completeness check found the application complete (it moved on)."""
        return self.phase not in (self.Phase.INTAKE, self.Phase.CHECK, self.Phase.SUSPENDED)

    @property
    def is_terminating(self) -> bool:
        """The remedy deadline passed unused: the proceeding is to be stopped (usnesení o zastavení)."""
        return self.proposal == self.Outcome.TERMINATED and self.phase == self.Phase.DECISION

    @property
    def back_to_check(self) -> bool:
        """After § 87 or an annulled decision the proceeding resumes at the completeness check."""
        return self.phase == self.Phase.CHECK

    @property
    def current_appeal(self) -> "Appeal | None":
        return self.appeals.order_by("-received_on", "-pk").first()

    @property
    def pending_appeal(self) -> "Appeal | None":
        """The appeal still to be dealt with (not yet routed, or forwarded and awaiting the ministry)."""
        appeal = self.current_appeal
        if appeal is not None and appeal.outcome in (Appeal.Outcome.PENDING, Appeal.Outcome.FORWARDED):
            return appeal
        return None


class ServiceApplication(models.Model):
    """One service asked for in an application (A1) or its changed data (A2b)."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="services")
    registered_service = models.ForeignKey(
        "RegisteredService", null=True, blank=True, on_delete=models.PROTECT, related_name="change_requests",
        verbose_name=_("měněná registrovaná služba"),
    )
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, verbose_name=_("druh služby"))
    form = models.CharField(_("forma"), max_length=12, choices=ServiceForm.choices)
    target_groups = models.ManyToManyField(TargetGroup, blank=True, verbose_name=_("okruh osob"))
    age_from = models.PositiveSmallIntegerField(_("věk od"), null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(_("věk do"), null=True, blank=True)
    place = models.CharField(_("místo poskytování"), max_length=300)
    territory = models.CharField(_("územní působnost"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("kapacita"))
    start_on = models.DateField(_("poskytována od"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("služba v žádosti")
        verbose_name_plural = _("služby v žádosti")

    def __str__(self):
        return f"{self.service_type} – {self.get_form_display()}"

    def changed_fields(self) -> set[str]:
        """The data of the registered service this application changes (A2b)."""
        current = self.registered_service
        if current is None:
            return set()
        changed = {name for name in ("service_type_id", "form", "place", "territory", "capacity")
                   if getattr(self, name) != getattr(current, name)}
        changed = {name.removesuffix("_id") for name in changed}
        if (self.age_from, self.age_to) != (current.age_from, current.age_to):
            changed.add("age")
        if self.pk and set(self.target_groups.values_list("pk", flat=True)) != \
                set(current.target_groups.values_list("pk", flat=True)):
            changed.add("target_groups")
        return changed


class ChecklistAnswer(models.Model):
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="checklist")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT)
    fulfilled = models.BooleanField(_("splněno"), default=False)
    note = models.CharField(_("poznámka"), max_length=500, blank=True)
    checked_at = models.DateTimeField(_("zkontrolováno"), default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item__sort_key", "pk"]
        unique_together = [("proceeding", "item")]
        verbose_name = _("odpověď kontrolního seznamu")
        verbose_name_plural = _("kontrolní seznam řízení")


class Delivery(models.Model):
    """Doručení of one document: channel, dates; the delivery date arms deadlines."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deliveries")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("dokument"))
    channel = models.CharField(_("způsob doručení"), max_length=12, choices=DeliveryChannel.choices)
    ready_on = models.DateField(_("dodáno do schránky / připraveno k vyzvednutí"))
    collected_on = models.DateField(_("převzato dne"), null=True, blank=True)
    delivered_on = models.DateField(_("doručeno dne"))
    by_fiction = models.BooleanField(_("fikce doručení"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivered_on", "pk"]
        verbose_name = _("doručení")
        verbose_name_plural = _("doručení")

    def __str__(self):
        return f"{self.document.title}: {self.delivered_on}"


class Appeal(models.Model):
    """Odvolání: granted by the office (§ 87) or forwarded to the ministry (§ 88), then what the
    ministry decided (§ 90, § 92 správního řádu), recorded from its decision."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("čeká na vyřízení")
        AUTOREMEDY = "autoremedy", _("vyhověno v autoremeduře (§ 87)")
        FORWARDED = "forwarded", _("postoupeno ministerstvu (§ 88)")
        # the ministry's outcomes: labels and citations of the records in registrations/acts.yaml
        DISMISSED = "dismissed", _("odvolání zamítnuto, rozhodnutí potvrzeno (§ 90 odst. 5)")
        DISMISSED_LATE = "dismissed_late", _("odvolání zamítnuto jako opožděné nebo nepřípustné (§ 92 odst. 1)")
        CANCELLED_RETURNED = "cancelled_returned", _("rozhodnutí zrušeno a věc vrácena k novému projednání "
                                                     "(§ 90 odst. 1 písm. b))")
        CANCELLED_STOPPED = "cancelled_stopped", _("rozhodnutí zrušeno a řízení zastaveno (§ 90 odst. 1 písm. a))")
        CHANGED = "changed", _("rozhodnutí změněno (§ 90 odst. 1 písm. c))")

    #: what the ministry may decide on a forwarded appeal
    MINISTRY_OUTCOMES = (Outcome.DISMISSED, Outcome.DISMISSED_LATE, Outcome.CANCELLED_RETURNED,
                         Outcome.CANCELLED_STOPPED, Outcome.CHANGED)

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="appeals")
    received_on = models.DateField(_("odvolání doručeno dne"))
    forward_by = models.DateField(_("postoupit do"), null=True, blank=True)
    forwarded_on = models.DateField(_("postoupeno dne"), null=True, blank=True)
    outcome = models.CharField(_("výsledek"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("vyřízeno dne"), null=True, blank=True)
    note = models.TextField(_("poznámka"), blank=True)
    points = models.TextField(_("námitky odvolatele (shrnutí)"), blank=True)
    decision = models.ForeignKey("workflows.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("napadené rozhodnutí"))
    superseded_by = models.ForeignKey("workflows.Document", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+",
                                      verbose_name=_("napadené rozhodnutí nahrazeno / zrušeno písemností"))
    instruction_defective = models.BooleanField(
        _("poučení o odvolání chybělo nebo bylo nesprávné (§ 83 odst. 2)"), default=False)
    late = models.BooleanField(_("odvolání podáno opožděně"), default=False)
    # the ministry's decision on the appeal (§ 90, § 92), as the officer recorded it from the document
    ministry_reference = models.CharField(_("č. j. rozhodnutí odvolacího orgánu"), max_length=64, blank=True)
    ministry_notified_on = models.DateField(_("rozhodnutí odvolacího orgánu oznámeno dne"), null=True, blank=True)
    ministry_document = models.ForeignKey("workflows.Document", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("rozhodnutí odvolacího orgánu (soubor)"))
    binding_view = models.TextField(_("závazný právní názor odvolacího orgánu (§ 90 odst. 1 písm. b))"), blank=True)
    changed_to = models.CharField(_("změněné rozhodnutí zní"), max_length=12, blank=True,
                                  choices=Proceeding.Outcome.choices)

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("odvolání")
        verbose_name_plural = _("odvolání")

    @property
    def is_forwarded(self) -> bool:
        return self.outcome == self.Outcome.FORWARDED

    @property
    def is_late_pending(self) -> bool:
        """A late appeal not yet sent on: the decision is already final (no suspensive effect)."""
        return self.late and self.outcome == self.Outcome.PENDING

    @property
    def ends_proceeding(self) -> bool:
        """The ministry's outcome ends the proceeding (finality, registry); only a cancellation with
        the case returned (§ 90 odst. 1 písm. b)) sends it back to the office."""
        return self.outcome in (self.Outcome.DISMISSED, self.Outcome.DISMISSED_LATE,
                                self.Outcome.CANCELLED_STOPPED, self.Outcome.CHANGED)


class RegisteredService(models.Model):
    """A registered social service of a provider, as in the registry."""

    class State(models.TextChoices):
        ACTIVE = "active", _("registrována")
        CLOSED = "closed", _("registrace zrušena")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services")
    national_id = models.CharField(_("identifikátor služby (§ 85)"), max_length=20, blank=True, db_index=True)
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, verbose_name=_("druh služby"))
    form = models.CharField(_("forma"), max_length=12, choices=ServiceForm.choices)
    target_groups = models.ManyToManyField(TargetGroup, blank=True, verbose_name=_("okruh osob"))
    age_from = models.PositiveSmallIntegerField(_("věk od"), null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(_("věk do"), null=True, blank=True)
    place = models.CharField(_("místo poskytování"), max_length=300)
    territory = models.CharField(_("územní působnost"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("kapacita"))
    provided_from = models.DateField(_("poskytována od"), null=True, blank=True)
    registered_on = models.DateField(_("registrována dne"))
    registration_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("řízení o registraci"))
    state = models.CharField(_("stav"), max_length=8, choices=State.choices, default=State.ACTIVE, db_index=True)
    closed_on = models.DateField(_("zrušena ke dni"), null=True, blank=True)

    class Meta:
        ordering = ["provider__name", "service_type__sort_key", "pk"]
        verbose_name = _("registrovaná služba")
        verbose_name_plural = _("registrované služby")

    def __str__(self):
        return f"{self.service_type} – {self.get_form_display()} ({self.provider.name})"

    @property
    def identifier(self) -> str:
        """The § 85 identifier when known, else the file mark of the registration case."""
        return self.national_id or (self.registration_case.file_mark or "")


class RegistryVersion(models.Model):
    """One change of the registry: before → after, which case and document, who, when."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="versions")
    service = models.ForeignKey(RegisteredService, null=True, blank=True, on_delete=models.PROTECT, related_name="versions")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="registry_versions")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("změna"), max_length=24)
    summary = models.CharField(_("popis"), max_length=500)
    before = models.JSONField(_("před"), null=True, blank=True)
    after = models.JSONField(_("po"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("kdy"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("verze rejstříku")
        verbose_name_plural = _("historie rejstříku")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Historie rejstříku je jen pro zápis.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Historie rejstříku je jen pro zápis.")


class ChangeNotice(models.Model):
    """Oznámení změn (§ 82 odst. 1): no decision; late notices are flagged, never rejected."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("přijato")
        RECORDED = "recorded", _("zapsáno do rejstříku")
        CONVERTED = "converted", _("převedeno na žádost o změnu registrace")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="change_notice", verbose_name=_("případ"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="change_notices")
    service = models.ForeignKey(RegisteredService, null=True, blank=True, on_delete=models.PROTECT, related_name="change_notices")
    change_date = models.DateField(_("datum změny"))
    received_on = models.DateField(_("datum doručení"))
    due_on = models.DateField(_("lhůta k oznámení"))
    is_late = models.BooleanField(_("opožděné oznámení"), default=False, db_index=True)
    acknowledge = models.BooleanField(_("zaslat potvrzení"), default=False)
    status = models.CharField(_("stav"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    check_note = models.TextField(_("poznámka ke kontrole"), blank=True)
    converted_to = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("oznámení změn")
        verbose_name_plural = _("oznámení změn")

    def __str__(self):
        return f"Oznámení změn – {self.provider.name} ({self.received_on})"

    @property
    def is_converted(self) -> bool:
        """The officer turned the notice into an application to change the registration."""
        return self.converted_to_id is not None


class ChangeNoticeItem(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", _("pracovníci")
        CONTACT = "contact", _("kontaktní údaje")
        HOURS = "hours", _("provozní doba")
        DESCRIPTION = "description", _("popis realizace služby")
        PREMISES = "premises", _("nájemní smlouva / užívání prostor")
        INSURANCE = "insurance", _("pojištění")
        OTHER = "other", _("jiné")

    notice = models.ForeignKey(ChangeNotice, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("druh změny"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("popis změny"), max_length=500)
    attachment = models.CharField(_("doložený dokument"), max_length=300, blank=True)
    personal_data = models.BooleanField(_("obsahuje osobní údaje pracovníků"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("změněný údaj")
        verbose_name_plural = _("změněné údaje")


# ---------------------------------------------------------------- Viewflow process models


class RegistrationProcess(CaseProcess):
    class Meta:
        proxy = True
        ordering = ["-created"]
        verbose_name = _("řízení o registraci")
        verbose_name_plural = _("řízení o registraci")
        permissions = [
            ("can_check_registrationprocess", "Může kontrolovat úplnost žádosti o registraci"),
            ("can_deliver_registrationprocess", "Může zapisovat doručení v řízení o registraci"),
            ("can_assess_registrationprocess", "Může posuzovat podmínky registrace"),
            ("can_decide_registrationprocess", "Může vést odvolání a potvrzovat právní moc v řízení o registraci"),
        ]


class ChangeApplicationProcess(CaseProcess):
    class Meta:
        proxy = True
        ordering = ["-created"]
        verbose_name = _("řízení o změně registrace")
        verbose_name_plural = _("řízení o změně registrace")
        permissions = [
            ("can_check_changeapplicationprocess", "Může kontrolovat úplnost žádosti o změnu registrace"),
            ("can_deliver_changeapplicationprocess", "Může zapisovat doručení v řízení o změně registrace"),
            ("can_assess_changeapplicationprocess", "Může posuzovat žádost o změnu registrace"),
            ("can_decide_changeapplicationprocess", "Může vést odvolání a potvrzovat právní moc v řízení o změně"),
        ]


class CancellationProcess(CaseProcess):
    class Meta:
        proxy = True
        ordering = ["-created"]
        verbose_name = _("řízení o zrušení registrace")
        verbose_name_plural = _("řízení o zrušení registrace")
        permissions = [
            ("can_check_cancellationprocess", "Může vést řízení o zrušení registrace"),
            ("can_deliver_cancellationprocess", "Může zapisovat doručení v řízení o zrušení registrace"),
            ("can_assess_cancellationprocess", "Může posuzovat zrušení registrace"),
            ("can_decide_cancellationprocess", "Může vést odvolání a potvrzovat právní moc v řízení o zrušení"),
        ]


class ChangeNoticeProcess(CaseProcess):
    class Meta:
        proxy = True
        ordering = ["-created"]
        verbose_name = _("oznámení změn")
        verbose_name_plural = _("oznámení změn")
        permissions = [
            ("can_check_changenoticeprocess", "Může kontrolovat oznámení změn"),
        ]


# the national registry (open data) as last imported: registrations/national_registry/models.py
from .national_registry.models import NationalRegistryImport, NationalService  # noqa: E402,F401
