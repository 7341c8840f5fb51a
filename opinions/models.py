"""Agenda B — opinions on grant applications (Vyjádření): catalogues and the opinion itself.

Catalogues (admin-editable): regional plans (SPRSS, plans of work) with their items, the
region's individual projects (IP), programmes, areas of support and calls. The opinion is
one-to-one with the shared ``workflows.Case``; its process is ``OpinionProcess`` (a proxy
of ``CaseProcess`` with the flow's explicit permissions).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models import Case, CaseProcess, Document, ServiceType, TargetGroup

from .plan_parser.text import sentence_case


# --------------------------------------------------------------------------- plans


class OpinionCaseKind(models.TextChoices):
    """Kinds of ``Case`` this agenda owns (registered with the engine in ``apps.py``)."""

    OPINION = "opinion", _("Vyjádření k projektu")


class OpinionEvent(models.TextChoices):
    """Case history actions of the opinion agenda (``CaseEvent.action``)."""

    IP_ANSWER = "ip_answer", _("Odpověď na upozornění k IP")
    IP_WARNING = "ip_warning", _("Upozornění na souběh s IP")
    NOTIFIED = "notified", _("Vyrozumění žadatele")
    NOTIFY_QUEUED = "notify_queued", _("E-mail žadateli předán k odeslání")
    NOTIFY_FAILED = "notify_failed", _("E-mail žadateli se nepodařilo odeslat")
    OPINION_DRAFT = "opinion_draft", _("Koncept vyjádření")
    OPINION_DRAFTER = "opinion_drafter", _("Zpracovatel vyjádření")
    OPINION_REQUEST = "opinion_request", _("Žádost o vyjádření")


class Plan(models.Model):
    """A region's mid-term plan (SPRSS) or plan of work, imported from text."""

    class Format(models.TextChoices):
        CARDS = "cards", _("Karty rozvojových aktivit")
        WORKPLAN = "workplan", _("Plán práce")

    region_name = models.CharField(_("kraj"), max_length=100, db_index=True)
    region_code = models.CharField(_("kód kraje"), max_length=10, blank=True)
    title = models.CharField(_("název"), max_length=400)
    format = models.CharField(_("formát"), max_length=16, choices=Format.choices)
    valid_from = models.DateField(_("platí od"))
    valid_to = models.DateField(_("platí do"))
    source_name = models.CharField(_("zdrojový soubor"), max_length=255, blank=True)
    source_hash = models.CharField(_("SHA-256 zdroje"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("importováno"), auto_now_add=True)
    updated_at = models.DateTimeField(_("naposledy změněno importem"), null=True, blank=True)
    last_report = models.TextField(_("zpráva z posledního importu"), blank=True)

    class Meta:
        ordering = ["region_name", "-valid_from", "title"]
        verbose_name = _("plán kraje")
        verbose_name_plural = _("plány kraje")
        constraints = [models.UniqueConstraint(fields=["region_name", "title"], name="plan_region_title")]

    def __str__(self):
        return f"{self.display_title} ({self.region_name}, {self.valid_from.year}–{self.valid_to.year})"

    @property
    def display_title(self) -> str:
        """The title as the opinion cites it: sentence case ("PLÁN PRÁCE NA OBDOBÍ …" → "Plán práce na období …").

        The stored ``title`` stays as imported: it identifies the plan on re-import.
        """
        return sentence_case(self.title)


class PlanItem(models.Model):
    """Priority / measure / activity / strategic goal of a plan."""

    class Kind(models.TextChoices):
        PRIORITY = "priority", _("Priorita")
        MEASURE = "measure", _("Opatření")
        ACTIVITY = "activity", _("Aktivita")
        GOAL = "goal", _("Strategický cíl")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("druh"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("číslo"), max_length=20)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    name = models.CharField(_("název"), max_length=500)
    description = models.TextField(_("popis"), blank=True)
    goals = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="goal_activities",
                                   verbose_name=_("strategické cíle"))
    target_groups = models.ManyToManyField(TargetGroup, through="PlanItemTargetGroup", blank=True,
                                           verbose_name=_("cílové skupiny"))
    service_types = models.ManyToManyField(ServiceType, through="PlanItemService", blank=True,
                                           verbose_name=_("druhy služeb"))
    all_services = models.BooleanField(_("všechny druhy služeb"), default=False)
    all_target_groups = models.BooleanField(_("všechny cílové skupiny"), default=False)
    services_not_relevant = models.BooleanField(_("druhy služeb nerelevantní"), default=False)
    period_text = models.CharField(_("doba realizace"), max_length=300, blank=True)
    responsible = models.TextField(_("odpovědnost"), blank=True)
    financing = models.TextField(_("financování"), blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("v platném znění plánu"), default=True,
                                 help_text=_("vypnuto, když položka z novějšího importu zmizela"))

    class Meta:
        ordering = ["plan", "sort_order"]
        verbose_name = _("položka plánu")
        verbose_name_plural = _("položky plánu")
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "number"], name="planitem_plan_kind_number")]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.ACTIVITY and self.plan.format == Plan.Format.WORKPLAN:
            return f"Aktivita {self.number} {self.name}"
        return f"{self.number} {self.name}"


class PlanItemService(models.Model):
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="service_links")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    inherited = models.BooleanField(_("zděděno z nadřazené položky"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "service_type"], name="planitemservice_unique")]


class PlanItemTargetGroup(models.Model):
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="group_links")
    target_group = models.ForeignKey(TargetGroup, on_delete=models.PROTECT, related_name="+")
    inherited = models.BooleanField(_("zděděno z nadřazené položky"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "target_group"], name="planitemgroup_unique")]


class PlanImportUpload(models.Model):
    """Admin upload of a plan file; importing it runs the same importer as the command."""

    file = models.FileField(_("soubor plánu (text)"), upload_to="plans/")
    region_name = models.CharField(_("kraj"), max_length=100, blank=True,
                                   help_text=_("prázdné = kraj podle textu plánu"))
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads")
    report = models.TextField(_("zpráva z importu"), blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("import plánu")
        verbose_name_plural = _("importy plánů")


# --------------------------------------------------------------------------- individual projects


class IndividualProject(models.Model):
    """Individuální projekt kraje (IP): services it funds, where and when."""

    region_name = models.CharField(_("kraj"), max_length=100)
    name = models.CharField(_("název"), max_length=300, unique=True)
    source = models.CharField(_("zdroj"), max_length=300, blank=True)
    programme = models.CharField(_("program"), max_length=200, blank=True)
    start = models.DateField(_("od"))
    end = models.DateField(_("do"))
    note = models.TextField(_("poznámka"), blank=True)

    class Meta:
        ordering = ["start", "name"]
        verbose_name = _("individuální projekt kraje")
        verbose_name_plural = _("individuální projekty kraje")

    @property
    def source_label(self) -> str:
        """The source as users read it: no internal file names (a row loaded from an older
        catalogue may still carry "000_….txt (Aktivity … and …)")."""
        text = re.sub(r"\b\d{3}_[0-9a-f]{6,}\.txt\b\s*", "", self.source or "")
        text = re.sub(r"\band\b", "a", text).strip()
        return re.sub(r"^\((.*)\)$", r"\1", text)

    def __str__(self):
        return f"{self.name} ({self.start:%-m/%Y}–{self.end:%-m/%Y})"


class IndividualProjectService(models.Model):
    project = models.ForeignKey(IndividualProject, on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="+")
    whole_region = models.BooleanField(_("celý kraj"), default=True)
    districts = models.JSONField(_("okresy"), default=list, blank=True)
    note = models.CharField(_("poznámka"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("podporovaná služba IP")
        verbose_name_plural = _("podporované služby IP")

    def __str__(self):
        return f"§ {self.service_type.paragraph} – {self.note or self.service_type.name}"

    @property
    def territory_label(self) -> str:
        return "celý kraj" if self.whole_region else ", ".join(self.districts)


# --------------------------------------------------------------------------- programmes and calls


class Programme(models.Model):
    """Operational programme whose calls need the region's statement (catalogue data)."""

    code = models.CharField(_("kód"), max_length=20, unique=True, help_text=_("např. CZ.1.04"))
    name = models.CharField(_("název"), max_length=200)
    short_name = models.CharField(_("zkratka"), max_length=40, blank=True)
    statement_title = models.CharField(_("název vyjádření"), max_length=300)
    template_code = models.CharField(_("kód šablony DOCX"), max_length=64, default="opinion")
    registration_number_regex = models.CharField(_("vzor registračního čísla (regulární výraz)"), max_length=300,
                                                 blank=True)
    registration_number_example = models.CharField(_("příklad registračního čísla"), max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("operační program")
        verbose_name_plural = _("operační programy")

    def __str__(self):
        return self.short_name or self.name


class AreaOfSupport(models.Model):
    class Drafter(models.TextChoices):
        PLANNER = "planner", _("pracovník(ice) pro komunitní plánování")
        ROMA_COORDINATOR = "roma_coordinator", _("krajský koordinátor pro romské záležitosti")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="areas")
    code = models.CharField(_("kód"), max_length=10)
    name = models.CharField(_("název"), max_length=300)
    drafter_role = models.CharField(_("zpracovává"), max_length=20, choices=Drafter.choices, default=Drafter.PLANNER)

    class Meta:
        ordering = ["programme", "code"]
        verbose_name = _("oblast podpory")
        verbose_name_plural = _("oblasti podpory")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="area_programme_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class Call(models.Model):
    """Výzva: a call of a programme, with its area of support and submission deadline."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    number = models.CharField(_("číslo výzvy"), max_length=20)
    area = models.ForeignKey(AreaOfSupport, null=True, blank=True, on_delete=models.PROTECT, related_name="calls",
                             help_text=_("prázdné = výzva pro více oblastí podpory"))
    name = models.CharField(_("název"), max_length=300, blank=True)
    opens_on = models.DateField(_("vyhlášena"), null=True, blank=True)
    submission_deadline = models.DateField(_("uzávěrka žádostí"), null=True, blank=True)

    class Meta:
        ordering = ["-submission_deadline", "programme", "number"]
        verbose_name = _("výzva")
        verbose_name_plural = _("výzvy")
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="call_programme_number")]

    def __str__(self):
        area = f", oblast {self.area.code}" if self.area_id else ""
        return f"{self.programme} výzva č. {self.number}{area}"


# --------------------------------------------------------------------------- the opinion


class Opinion(models.Model):
    """Vyjádření k podpoře projektu — the agenda's detail of an opinion case."""

    #: the four statements: verdict and justification each
    STATEMENT_FIELDS = ("s1_verdict", "s1_text", "s2_verdict", "s2_text", "s3_verdict", "s3_text", "s4_verdict", "s4_text")

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Zpracovává se")
        WAITING = "waiting", _("Čeká na schválení")
        RETURNED = "returned", _("Vráceno k přepracování")
        APPROVED = "approved", _("Schváleno")
        ISSUED = "issued", _("Vydáno")
        WITHDRAWN = "withdrawn", _("Vzato zpět")

    class Compliance(models.TextChoices):
        YES = "yes", _("ano")
        PARTLY = "partly", _("částečně")
        NO = "no", _("ne")

    class YesNo(models.TextChoices):
        YES = "yes", _("ano")
        NO = "no", _("ne")

    class Assessment(models.TextChoices):
        POSITIVE = "positive", _("kladné")
        NEUTRAL = "neutral", _("neutrální")
        NEGATIVE = "negative", _("záporné")
        NO_EXPERIENCE = "no_experience", _("kraj nemá s předkladatelem zkušenosti")

    class Funding(models.TextChoices):
        NOT_FUNDED = "not_funded", _("aktivity nejsou financovány z IP kraje")
        FUNDED = "funded", _("aktivity jsou (zčásti) financovány z IP kraje")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="opinion")
    status = models.CharField(_("stav"), max_length=16, choices=Status.choices, default=Status.DRAFTING, db_index=True)

    applicant_ico = models.CharField(_("IČO"), max_length=8, db_index=True)
    applicant_name = models.CharField(_("žadatel"), max_length=255)
    applicant_address = models.CharField(_("sídlo"), max_length=300, blank=True)
    provider_ref = models.CharField(_("poskytovatel v registru"), max_length=40, blank=True,
                                    help_text=_("identifikátor poskytovatele v registru, je-li znám"))
    contact_name = models.CharField(_("kontaktní osoba"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktní e-mail"), blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=40, blank=True)

    project_title = models.CharField(_("název projektu"), max_length=400)
    registration_number = models.CharField(_("registrační číslo projektu"), max_length=60, blank=True)
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("výzva"))
    area = models.ForeignKey(AreaOfSupport, on_delete=models.PROTECT, related_name="opinions",
                             verbose_name=_("oblast podpory"))
    service_types = models.ManyToManyField(ServiceType, blank=True, related_name="+", verbose_name=_("druhy služeb"))
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="+", verbose_name=_("cílové skupiny"))
    whole_region = models.BooleanField(_("celý kraj"), default=True)
    districts = models.JSONField(_("okresy"), default=list, blank=True)
    period_start = models.DateField(_("zahájení projektu"))
    period_end = models.DateField(_("ukončení projektu"))
    budget = models.DecimalField(_("rozpočet (Kč)"), max_digits=14, decimal_places=2)

    case_deadline = models.DateField(_("lhůta pro vydání"))
    draft_deadline = models.DateField(_("lhůta pro koncept"))
    too_late = models.BooleanField(_("podáno pozdě vůči uzávěrce výzvy"), default=False)

    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="opinions_drafted", verbose_name=_("zpracovatel"))
    s1_verdict = models.CharField(_("1. soulad se SPRSS"), max_length=10, choices=Compliance.choices, blank=True)
    s1_text = models.TextField(_("1. odůvodnění"), blank=True)
    s2_verdict = models.CharField(_("2. potřebnost v kraji"), max_length=10, choices=YesNo.choices, blank=True)
    s2_text = models.TextField(_("2. odůvodnění"), blank=True)
    s3_verdict = models.CharField(_("3. hodnocení předkladatele"), max_length=16, choices=Assessment.choices,
                                  blank=True)
    s3_text = models.TextField(_("3. odůvodnění"), blank=True)
    s3_facts = models.JSONField(_("3. citovaná fakta z registru"), default=list, blank=True)
    s4_verdict = models.CharField(_("4. financování z IP kraje"), max_length=16, choices=Funding.choices, blank=True)
    s4_text = models.TextField(_("4. odůvodnění"), blank=True)
    activities = models.ManyToManyField(PlanItem, through="OpinionActivity", blank=True, related_name="opinions",
                                        verbose_name=_("aktivity plánu"))

    submitted_at = models.DateTimeField(_("předloženo ke schválení"), null=True, blank=True)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="opinions_approved", verbose_name=_("schválil(a)"))
    approver_function = models.CharField(_("funkce schvalujícího"), max_length=120, blank=True)
    approved_at = models.DateTimeField(_("schváleno"), null=True, blank=True)
    snapshot = models.JSONField(_("podklady zmrazené při schválení"), null=True, blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("vydané vyjádření"))
    notified_at = models.DateTimeField(_("žadatel vyrozuměn"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vyjádření")
        verbose_name_plural = _("vyjádření")
        indexes = [models.Index(fields=["call", "status"], name="opinion_open_call",
                                condition=models.Q(status__in=["drafting", "waiting", "returned", "approved"]))]

    def __str__(self):
        return f"{self.case.file_mark} – {self.applicant_name}: {self.project_title}"

    @property
    def programme(self) -> Programme:
        return self.call.programme

    @property
    def territory_label(self) -> str:
        return "celý kraj" if self.whole_region else ", ".join(self.districts)

    @property
    def routes_to_roma_coordinator(self) -> bool:
        return self.area.drafter_role == AreaOfSupport.Drafter.ROMA_COORDINATOR


class OpinionActivity(models.Model):
    """A plan activity the drafter chose as the one the project fits (with the match reason)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="activity_links")
    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("důvod shody"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opinion", "item"], name="opinionactivity_unique")]


class IpWarning(models.Model):
    """Possible double funding: the request overlaps a service of a regional IP.

    The drafter answers with a structured reason (``reason`` and the data it needs), checked
    against the IP's and the project's dates and data (``selectors.ip_answer_problems``);
    ``answer`` is the drafter's own words added to it.
    """

    class Strength(models.TextChoices):
        STRONG = "strong", _("silné")
        WEAK = "weak", _("slabé")

    class Reason(models.TextChoices):
        PERIOD = "period", _("jiné období")
        TARGET_GROUP = "target_group", _("jiná cílová skupina")
        TERRITORY = "territory", _("jiné území")
        ACTIVITY = "activity", _("jiná činnost")
        COMPLEMENTARY = "complementary", _("doplňkové financování")
        FUNDED = "funded", _("souběh potvrzen – aktivity jsou (zčásti) hrazeny z IP")

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="ip_warnings")
    ip_service = models.ForeignKey(IndividualProjectService, on_delete=models.PROTECT, related_name="+")
    strength = models.CharField(_("síla"), max_length=8, choices=Strength.choices)
    message = models.CharField(_("upozornění"), max_length=500)
    reason = models.CharField(_("důvod, proč nejde o dvojí financování"), max_length=16, choices=Reason.choices,
                              blank=True)
    reason_from = models.DateField(_("služba v projektu od"), null=True, blank=True)
    reason_to = models.DateField(_("služba v projektu do"), null=True, blank=True)
    reason_groups = models.JSONField(_("cílové skupiny služby v projektu"), default=list, blank=True)
    reason_districts = models.JSONField(_("okresy služby v projektu"), default=list, blank=True)
    answer = models.TextField(_("odpověď zpracovatele"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opinion", "strength", "pk"]  # "strong" before "weak"
        verbose_name = _("upozornění na IP")
        verbose_name_plural = _("upozornění na IP")
        constraints = [models.UniqueConstraint(fields=["opinion", "ip_service"], name="ipwarning_unique")]

    def __str__(self):
        return self.message


class ReturnComment(models.Model):
    """The head's comments when returning an opinion to its drafter (kept for history)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="return_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(_("připomínky"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("připomínky k vrácení")
        verbose_name_plural = _("připomínky k vrácení")


class OpinionProcess(CaseProcess):
    """Process of the opinion flow (proxy: own permissions, same table)."""

    class Meta:
        proxy = True
        verbose_name = _("vyjádření – proces")
        verbose_name_plural = _("vyjádření – procesy")
        permissions = [
            ("can_start_opinionprocess", "Může zaevidovat žádost o vyjádření"),
            ("can_draft_opinionprocess", "Může zpracovat vyjádření (oblasti mimo 3.2)"),
            ("can_draft_roma_opinionprocess", "Může zpracovat vyjádření pro romské lokality (3.2)"),
            ("can_approve_opinionprocess", "Může schválit nebo vrátit vyjádření"),
        ]

    @property
    def opinion(self) -> Opinion:
        return self.case.opinion
