"""Forms of the registration agenda: thin parsing, the rules live in services.

Task forms expose ``handler_kwargs()``: the keyword arguments of the flow's step handler.
"""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows import ares, deadlines, forms_widgets
from workflows.formats import czech_date
from workflows.models import ServiceType, TargetGroup

from .models import (Appeal, ChangeNoticeItem, ChecklistItem, DeliveryChannel, Proceeding, Provider, RegisteredService,
                     ServiceForm)
from .selectors import checklist_for

def date_field(label, required=True, help_text="", received=False):
    """A date in the sane window (2000–2100); a day something was received is not in the future
    (the one Czech date input of ``workflows.forms_widgets``)."""
    return forms_widgets.date_field(label, required=required, help_text=help_text, received=received)


class TaskForm(forms.Form):
    def __init__(self, *args, activation=None, **kwargs):
        self.activation = activation
        super().__init__(*args, **kwargs)

    @property
    def proceeding(self) -> Proceeding | None:
        case = getattr(self.activation.process, "case", None) if self.activation else None
        return getattr(case, "proceeding", None)

    def handler_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class ChecklistMixin:
    stage = ChecklistItem.Stage.COMPLETENESS

    def add_checklist_fields(self):
        """One checkbox (+ note) per item the proceeding needs; a re-check starts from the last
        answers; "všechny doloženy" ticks every item in one click."""
        from .models import ChecklistAnswer

        self.items = checklist_for(self.proceeding, self.stage) if self.proceeding else []
        last = {a.item_id: a for a in ChecklistAnswer.objects.filter(proceeding=self.proceeding, item__in=self.items)} \
            if self.items else {}
        if self.items:
            self.fields["all_ok"] = forms.BooleanField(
                label=_("všechny položky seznamu jsou doloženy a v pořádku"), required=False,
                help_text=_("zaškrtnutí platí pro všechny položky níže; jednotlivé položky pak není třeba označovat"))
        for item in self.items:
            label = item.label + (f" ({item.legal_ground})" if item.legal_ground else "")
            previous = last.get(item.pk)
            self.fields[f"ok_{item.code}"] = forms.BooleanField(
                label=label, required=False, initial=bool(previous and previous.fulfilled))
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("poznámka k položce „{}“").format(item.label), required=False, max_length=500,
                initial=previous.note if previous else "",
                widget=forms.TextInput(attrs={"placeholder": _("poznámka (nepovinné)")}))
        # the checklist first, the rest of the form after it
        self.order_fields(["all_ok"] + [n for i in self.items for n in (f"ok_{i.code}", f"note_{i.code}")])

    def answers(self) -> dict:
        everything = bool(self.cleaned_data.get("all_ok"))
        return {i.code: (everything or self.cleaned_data.get(f"ok_{i.code}", False),
                         self.cleaned_data.get(f"note_{i.code}", "")) for i in self.items}


class CompletenessForm(ChecklistMixin, TaskForm):
    deficiency_note = forms.CharField(label=_("další nedostatky žádosti"), required=False, widget=forms.Textarea)
    remedy_days = forms.IntegerField(label=_("lhůta k odstranění nedostatků (dny)"), initial=30, min_value=1, max_value=180)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_checklist_fields()

    def handler_kwargs(self):
        return {"answers": self.answers(), "deficiency_note": self.cleaned_data["deficiency_note"],
                "remedy_days": self.cleaned_data["remedy_days"]}


class DeliveryForm(TaskForm):
    channel = forms.ChoiceField(label=_("způsob doručení"), choices=DeliveryChannel.choices)
    ready_on = date_field(_("dodáno do datové schránky / připraveno k vyzvednutí"))
    collected_on = date_field(_("převzato dne"), required=False,
                              help_text=_("nevyzvedne-li adresát písemnost do 10 dnů, je doručena fikcí desátým dnem"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from workflows.models import Document

        pk = (getattr(self.activation, "process", None) and self.activation.process.data or {}).get("pending_delivery")
        document = Document.objects.filter(pk=pk).first() if pk else None
        if document is not None:
            self.fields["channel"].help_text = _("Doručuje se: {title}, č. j. {ref}").format(
                title=document.title, ref=document.reference_number or "—")


class SupplementForm(TaskForm):
    received_on = date_field(_("doplnění doručeno dne"), received=True)
    note = forms.CharField(label=_("co bylo doplněno"), required=False, max_length=300)


class RemedyMissedForm(TaskForm):
    supplement_received_on = date_field(
        _("doplnění přece doručeno dne"), required=False,
        help_text=_("vyplňte, jen pokud bylo doplnění podáno (např. poštou) poslední den lhůty; jinak se řízení zastaví"),
    )
    note = forms.CharField(label=_("poznámka"), required=False, max_length=300)


class AssessmentForm(ChecklistMixin, TaskForm):
    stage = ChecklistItem.Stage.CONDITIONS
    proposal = forms.ChoiceField(label=_("návrh rozhodnutí"), choices=[
        (Proceeding.Outcome.GRANTED, _("vyhovět žádosti")), (Proceeding.Outcome.REFUSED, _("zamítnout žádost"))])
    reasoning = forms.CharField(label=_("odůvodnění"), required=False, widget=forms.Textarea)
    omit_reasoning = forms.BooleanField(label=_("plně vyhovující rozhodnutí bez odůvodnění (§ 68 odst. 4)"), required=False)
    extension_days = forms.IntegerField(
        label=_("prodloužit lhůtu k rozhodnutí o (dny)"), required=False, min_value=0, max_value=365,
        help_text=_("místní šetření, ústní jednání, předvolání, zvlášť složitý případ: celkem nejvýše 30 dní; "
                    "znalecký posudek: doba jeho zpracování (§ 71 odst. 3 písm. b) správního řádu)"))
    extension_ground = forms.ChoiceField(label=_("důvod prodloužení"), required=False,
                                         choices=[("", "—"), *deadlines.EXTENSION_GROUNDS])
    extension_note = forms.CharField(label=_("poznámka k prodloužení"), required=False, max_length=300)
    comments_days = forms.IntegerField(label=_("lhůta k vyjádření k podkladům (dny)"), initial=5, min_value=1, max_value=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.proceeding is None or self.proceeding.kind != Proceeding.Kind.CANCELLATION:
            self.add_checklist_fields()
        else:
            self.items = []
            if self.proceeding.ex_officio:
                self.fields["proposal"].choices = [
                    (Proceeding.Outcome.GRANTED, _("zrušit registraci")),
                    (Proceeding.Outcome.TERMINATED, _("důvod se nepotvrdil – řízení zastavit (§ 66 odst. 2 správního řádu)"))]
            else:
                self.fields["proposal"].choices = [(Proceeding.Outcome.GRANTED, _("zrušit registraci")),
                                                   (Proceeding.Outcome.REFUSED, _("žádost o zrušení zamítnout"))]

    def handler_kwargs(self):
        data = dict(self.cleaned_data)
        return {"answers": self.answers(), "proposal": data["proposal"], "reasoning": data["reasoning"],
                "omit_reasoning": data["omit_reasoning"], "extension_days": data.get("extension_days") or 0,
                "extension_ground": data.get("extension_ground") or "", "extension_note": data.get("extension_note") or "",
                "comments_days": data["comments_days"]}


class CommentsForm(TaskForm):
    comments = forms.CharField(label=_("vyjádření účastníka k podkladům (prázdné = nevyjádřil se)"), required=False,
                               widget=forms.Textarea)
    comments_answer = forms.CharField(label=_("jak se správní orgán s vyjádřením vypořádá (do odůvodnění)"),
                                      required=False, widget=forms.Textarea)


class AppealPeriodForm(TaskForm):
    """Finality is one date, prefilled: from the waiver of appeal recorded on the case page
    (``services.appeal_waiver_record``), or the day after the appeal period once it has run."""

    result = forms.ChoiceField(label=_("po uplynutí lhůty k odvolání"), choices=[
        ("final", _("odvolání nepodáno – potvrdit právní moc")), ("appeal", _("bylo podáno odvolání"))])
    final_on = date_field(_("právní moc dne"), required=False)
    appeal_received_on = date_field(_("odvolání doručeno dne"), required=False, received=True)
    instruction_defective = forms.BooleanField(
        label=_("poučení o odvolání chybělo nebo bylo nesprávné (lhůta až 90 dnů, § 83 odst. 2)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        proceeding = self.proceeding
        delivered = proceeding.decision_delivered_on if proceeding else None
        if delivered is None:
            return
        proposed = deadlines.finality_date(delivered, waived_on=proceeding.waived_on)
        if proceeding.waived_on:
            self.fields["final_on"].help_text = _(
                "Účastník se vzdal odvolání dne {waived_on} (zapsáno v historii): právní moc tímto dnem.").format(
                    waived_on=czech_date(proceeding.waived_on))
        else:
            self.fields["final_on"].help_text = _(
                "Vzdal-li se účastník odvolání, zapište to na kartě případu (Vzdání se odvolání); den se sem předvyplní.")
        if proposed <= timezone.localdate():
            self.fields["final_on"].initial = proposed

    def clean(self):
        data = super().clean()
        if data.get("result") == "final" and not data.get("final_on"):
            self.add_error("final_on", _("Zadejte den nabytí právní moci."))
        if data.get("result") == "appeal" and not data.get("appeal_received_on"):
            self.add_error("appeal_received_on", _("Zadejte den doručení odvolání."))
        return data

    def handler_kwargs(self):
        data = self.cleaned_data
        if data["result"] == "appeal":
            # a late appeal comes with the finality the officer confirms (no suspensive effect)
            return {"appeal_received_on": data["appeal_received_on"], "final_on": data.get("final_on"),
                    "instruction_defective": data.get("instruction_defective", False)}
        return {"final_on": data["final_on"], "waived_on": self.proceeding.waived_on if self.proceeding else None}


class AppealRouteForm(TaskForm):
    route = forms.ChoiceField(label=_("postup"), choices=[
        (Appeal.Outcome.AUTOREMEDY, _("vyhovět odvolání v plném rozsahu (§ 87)")),
        (Appeal.Outcome.FORWARDED, _("postoupit spis ministerstvu (§ 88)"))])
    forwarded_on = date_field(_("postoupeno / vyřízeno dne"), required=False)
    points = forms.CharField(label=_("námitky odvolatele (shrnutí do předkládací zprávy)"), required=False,
                             widget=forms.Textarea)
    note = forms.CharField(label=_("stanovisko správního orgánu / odůvodnění"), required=False, widget=forms.Textarea)


class MinistryOutcomeForm(TaskForm):
    """The ministry's decision on the appeal, typed from the document it sent (which is attached)."""

    outcome = forms.ChoiceField(label=_("rozhodnutí odvolacího orgánu"), widget=forms.RadioSelect, choices=[])
    ministry_reference = forms.CharField(label=_("č. j. rozhodnutí odvolacího orgánu"), max_length=64)
    outcome_on = date_field(_("rozhodnutí odvolacího orgánu ze dne"), received=True)
    notified_on = date_field(_("rozhodnutí odvolacího orgánu oznámeno (doručeno) dne"), received=True,
                             help_text=_("den doručení účastníkovi; od něj se odvozuje právní moc"))
    document = forms.FileField(label=_("rozhodnutí odvolacího orgánu (soubor PDF nebo DOCX)"),
                               widget=forms.FileInput(attrs={"accept": ".pdf,.docx,.doc,.odt,.zfo"}))
    binding_view = forms.CharField(
        label=_("závazný právní názor odvolacího orgánu"), required=False, widget=forms.Textarea,
        help_text=_("jen při zrušení a vrácení věci (§ 90 odst. 1 písm. b)): správní orgán je jím při novém "
                    "projednání vázán"))
    changed_to = forms.ChoiceField(label=_("změněné rozhodnutí zní"), required=False, choices=[],
                                   help_text=_("jen při změně rozhodnutí (§ 90 odst. 1 písm. c))"))
    final_on = date_field(_("právní moc dne"), required=False,
                          help_text=_("jen při zamítnutí podle § 92 odst. 1, má-li být jiná než den po uplynutí "
                                      "lhůty k odvolání; jinak ji systém odvodí sám"))
    note = forms.CharField(label=_("poznámka"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        from .selectors import ministry_outcome_records

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(r["code"], f"{r['title']} ({r['legal_basis']})")
                                          for r in ministry_outcome_records()]
        self.fields["changed_to"].choices = [("", "—"), *changed_outcome_choices(self.proceeding)]


def changed_outcome_choices(proceeding: Proceeding | None) -> list[tuple[str, str]]:
    """What a decision the ministry changed may say, by the kind of proceeding."""
    if proceeding is not None and proceeding.kind == Proceeding.Kind.CANCELLATION:
        if proceeding.ex_officio:
            return [(Proceeding.Outcome.GRANTED, _("registrace se ruší")),
                    (Proceeding.Outcome.TERMINATED, _("řízení se zastavuje"))]
        return [(Proceeding.Outcome.GRANTED, _("registrace se ruší")),
                (Proceeding.Outcome.REFUSED, _("žádost o zrušení se zamítá"))]
    return [(Proceeding.Outcome.GRANTED, _("žádosti se vyhovuje (registrace / změna registrace)")),
            (Proceeding.Outcome.REFUSED, _("žádost se zamítá"))]


class NoticeCheckForm(TaskForm):
    action = forms.ChoiceField(label=_("vyřízení"), choices=[
        ("record", _("zapsat změny do rejstříku")), ("convert", _("převést na žádost o změnu registrace"))])
    note = forms.CharField(label=_("poznámka ke kontrole"), required=False, widget=forms.Textarea)
    email = forms.EmailField(label=_("nový e-mail poskytovatele"), required=False)
    phone = forms.CharField(label=_("nový telefon"), required=False, max_length=40)
    statutory_body = forms.CharField(label=_("nový statutární orgán"), required=False, max_length=300)
    data_box = forms.CharField(label=_("nové ID datové schránky"), required=False, max_length=7)
    capacity = forms.IntegerField(label=_("nová kapacita (při převodu)"), required=False)
    place = forms.CharField(label=_("nové místo poskytování (při převodu)"), required=False, max_length=300)

    def handler_kwargs(self):
        data = dict(self.cleaned_data)
        updates = {k: data.pop(k) for k in ("email", "phone", "statutory_body", "data_box")}
        data["provider_updates"] = {k: v for k, v in updates.items() if v}
        return data


# ------------------------------------------------------------------ intake (start of a flow)


class ProviderForm(forms.Form):
    is_natural_person = forms.BooleanField(label=_("fyzická osoba"), required=False)
    birth_date = date_field(_("datum narození (fyzická osoba)"), required=False)
    residence_address = forms.CharField(label=_("adresa trvalého pobytu (fyzická osoba)"), required=False, max_length=300)
    business_address = forms.CharField(label=_("místo podnikání (podnikající fyzická osoba)"), required=False,
                                       max_length=300)
    ico = forms.CharField(label=_("IČO"), required=False, max_length=12)
    name = forms.CharField(label=_("název / jméno"), max_length=255)
    legal_form = forms.CharField(label=_("právní forma"), required=False, max_length=100)
    address = forms.CharField(label=_("sídlo / adresa"), max_length=300)
    statutory_body = forms.CharField(label=_("statutární orgán"), required=False, max_length=300)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("telefon"), required=False, max_length=40)
    data_box = forms.CharField(label=_("ID datové schránky"), required=False, max_length=7)


# "Načíst z ARES" fills these provider fields (workflows.ares.Company field → form field)
ARES_PROVIDER_FILL = {"name": "name", "legal_form": "legal_form", "address": "address", "statutory_body": "statutory_body"}


class ApplicationForm(ProviderForm):
    """Intake of an application for registration with one service (more via the API/services)."""

    received_on = date_field(_("žádost doručena dne"), received=True)
    service_type = forms.ModelChoiceField(label=_("druh služby"), queryset=ServiceType.objects.all(),
                                          to_field_name="paragraph")
    form = forms.ChoiceField(label=_("forma"), choices=ServiceForm.choices)
    target_groups = forms.ModelMultipleChoiceField(label=_("okruh osob"), queryset=TargetGroup.objects.all(),
                                                   required=False, to_field_name="code",
                                                   widget=forms_widgets.SearchableSelectMultiple)
    age_from = forms.IntegerField(label=_("věk od"), required=False, min_value=0)
    age_to = forms.IntegerField(label=_("věk do"), required=False, min_value=0)
    place = forms.CharField(label=_("místo poskytování"), max_length=300)
    territory = forms.CharField(label=_("územní působnost"), required=False, max_length=300)
    capacity = forms.IntegerField(label=_("kapacita"))
    start_on = date_field(_("poskytování od"), required=False)

    # an optional second service (more services: API / services.application_receive)
    s2_service_type = forms.ModelChoiceField(label=_("druhá služba: druh (nepovinné)"), queryset=ServiceType.objects.all(),
                                             to_field_name="paragraph", required=False)
    s2_form = forms.ChoiceField(label=_("druhá služba: forma"), choices=[("", "—"), *ServiceForm.choices], required=False)
    s2_target_groups = forms.ModelMultipleChoiceField(label=_("druhá služba: okruh osob"), queryset=TargetGroup.objects.all(),
                                                      required=False, to_field_name="code",
                                                   widget=forms_widgets.SearchableSelectMultiple)
    s2_age_from = forms.IntegerField(label=_("druhá služba: věk od"), required=False, min_value=0)
    s2_age_to = forms.IntegerField(label=_("druhá služba: věk do"), required=False, min_value=0)
    s2_place = forms.CharField(label=_("druhá služba: místo poskytování"), required=False, max_length=300)
    s2_territory = forms.CharField(label=_("druhá služba: územní působnost"), required=False, max_length=300)
    s2_capacity = forms.IntegerField(label=_("druhá služba: kapacita"), required=False)
    s2_start_on = date_field(_("druhá služba: poskytování od"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    PROVIDER_FIELDS = list(ProviderForm.base_fields)
    SERVICE_FIELDS = ["service_type", "form", "target_groups", "age_from", "age_to", "place", "territory", "capacity", "start_on"]

    def __init__(self, *args, activation=None, **kwargs):
        self.activation = activation
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4().hex
        self.fields["ico"].widget.attrs.update(ares.ico_widget_attrs(ARES_PROVIDER_FILL))

    @classmethod
    def initial_for_provider(cls, provider) -> dict:
        """From the provider's page (a further service): its identification as in the registry."""
        return {f: getattr(provider, f) for f in cls.PROVIDER_FIELDS if getattr(provider, f, None) not in (None, "")}

    def handler_kwargs(self):
        data = self.cleaned_data
        return {
            "provider": {f: data.get(f) for f in self.PROVIDER_FIELDS},
            "services": [{f: data.get(f) for f in self.SERVICE_FIELDS}]
            + ([{f: data.get(f"s2_{f}") for f in self.SERVICE_FIELDS}] if data.get("s2_service_type") else []),
            "received_on": data["received_on"],
            "submission_key": data.get("submission_key") or None,
        }


class ProviderFirstMixin:
    """Intake about a provider already in the registry: the provider is chosen first (the start
    page searches by IČO or name, or the provider's page links here with ``?poskytovatel=``),
    then only its active services are offered. ``service_fields`` name the service choices."""

    provider_first = True
    service_fields: tuple[str, ...] = ()

    def setup_provider(self, provider: Provider | None) -> None:
        self.provider = provider
        self.fields["poskytovatel"] = forms.ModelChoiceField(
            queryset=Provider.objects.all(), widget=forms.HiddenInput, required=False,
            initial=provider.pk if provider else None)
        if provider is not None:
            for name in self.service_fields:
                self.fields[name].queryset = self.fields[name].queryset.filter(provider=provider)
                self.fields[name].label_from_instance = lambda s: f"{s.service_type.name} (§ {s.service_type.paragraph})" \
                    f", {s.get_form_display()}, {s.place}" + (f", identifikátor {s.national_id}" if s.national_id else "")

    @staticmethod
    def active_services(provider: Provider):
        return list(provider.services.filter(state="active").select_related("service_type"))


class ChangeNoticeIntakeForm(ProviderFirstMixin, forms.Form):
    ico = forms.CharField(label=_("IČO poskytovatele"), max_length=12)
    service = forms.ModelChoiceField(label=_("služba"), queryset=RegisteredService.objects.filter(state="active"),
                                     required=False)
    change_date = date_field(_("datum změny"))
    received_on = date_field(_("oznámení doručeno dne"), received=True)
    kind = forms.ChoiceField(label=_("druh změny"), choices=[
        ("staff", _("pracovníci")), ("contact", _("kontaktní údaje")), ("hours", _("provozní doba")),
        ("description", _("popis realizace služby")), ("premises", _("nájemní smlouva / užívání prostor")),
        ("insurance", _("pojištění")), ("other", _("jiné"))])
    description = forms.CharField(label=_("popis změny"),
                                  max_length=ChangeNoticeItem._meta.get_field("description").max_length)
    file = forms.FileField(label=_("doložený dokument"), required=False)
    acknowledge = forms.BooleanField(label=_("zaslat potvrzení o přijetí"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    service_fields = ("service",)

    def __init__(self, *args, activation=None, provider=None, **kwargs):
        self.activation = activation
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4().hex
        self.setup_provider(provider)
        if provider is not None:  # chosen from the registry: its IČO is not typed again
            self.fields["ico"].widget = forms.HiddenInput()
            self.fields["ico"].required = False
            self.fields["ico"].initial = provider.ico
            self.fields["service"].help_text = _("jen služby poskytovatele {name}; prázdné = změna se týká "
                                                 "poskytovatele, ne jedné služby").format(name=provider.name)
        else:
            self.fields["ico"].widget.attrs.update(ares.ico_widget_attrs({}))  # ARES only confirms who it is

    def clean_ico(self):
        return self.provider.ico if self.provider is not None else self.cleaned_data["ico"]

    def handler_kwargs(self):
        data = self.cleaned_data
        return {"ico": data["ico"], "service": data.get("service"), "change_date": data["change_date"],
                "received_on": data["received_on"], "acknowledge": data["acknowledge"],
                "submission_key": data.get("submission_key") or None,
                "items": [{"kind": data["kind"], "description": data["description"], "file": data.get("file")}]}


class NationalIdForm(forms.Form):
    national_id = forms.CharField(label=_("identifikátor služby (§ 85)"), max_length=20)


class CancellationIntakeForm(ProviderFirstMixin, forms.Form):
    services = forms.ModelMultipleChoiceField(
        label=_("rušené registrované služby"), queryset=RegisteredService.objects.filter(state="active")
        .select_related("provider", "service_type"), widget=forms_widgets.SearchableSelectMultiple)
    ex_officio = forms.BooleanField(label=_("z moci úřední"), required=False)
    cancellation_ground = forms.ChoiceField(
        label=_("důvod zrušení z moci úřední (§ 82 odst. 3)"), required=False,
        choices=[("", "—"), *[c for c in Proceeding._meta.get_field("cancellation_ground").choices if c[0] != "request"]])
    grounds = forms.CharField(label=_("důvody / předmět řízení"), widget=forms.Textarea)
    received_on = date_field(_("žádost doručena / řízení zahájeno dne"), received=True)
    service_ends_on = date_field(_("na žádost: poskytování služby končí dne"), required=False)

    service_fields = ("services",)

    def __init__(self, *args, activation=None, provider=None, **kwargs):
        self.activation = activation
        super().__init__(*args, **kwargs)
        self.setup_provider(provider)

    @classmethod
    def initial_for_provider(cls, provider: Provider) -> dict:
        """From the provider's page: every active service ticked (untick what stays registered)."""
        return {"services": [s.pk for s in cls.active_services(provider)]}

    def clean_services(self):
        services = list(self.cleaned_data["services"])
        if len({s.provider_id for s in services}) > 1:
            raise forms.ValidationError(_("Vyberte služby jednoho poskytovatele."))
        return services

    def handler_kwargs(self):
        data = self.cleaned_data
        return {"provider": data["services"][0].provider, "services": data["services"], "ex_officio": data["ex_officio"],
                "grounds": data["grounds"], "received_on": data["received_on"],
                "ground": data.get("cancellation_ground") or "", "service_ends_on": data.get("service_ends_on")}


class ChangeApplicationIntakeForm(ProviderFirstMixin, forms.Form):
    """Application to change the registration of one service (data that are part of the decision)."""

    service = forms.ModelChoiceField(label=_("měněná registrovaná služba"), queryset=RegisteredService.objects.filter(
        state="active").select_related("provider", "service_type"))
    received_on = date_field(_("žádost doručena dne"), received=True)
    form = forms.ChoiceField(label=_("nová forma (prázdné = beze změny)"), choices=[("", "—"), *ServiceForm.choices],
                             required=False)
    place = forms.CharField(label=_("nové místo poskytování"), required=False, max_length=300)
    territory = forms.CharField(label=_("nová územní působnost"), required=False, max_length=300)
    capacity = forms.IntegerField(label=_("nová kapacita"), required=False)
    target_groups = forms.ModelMultipleChoiceField(label=_("nový okruh osob"), queryset=TargetGroup.objects.all(),
                                                   required=False, to_field_name="code",
                                                   widget=forms_widgets.SearchableSelectMultiple)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    service_fields = ("service",)

    def __init__(self, *args, activation=None, provider=None, **kwargs):
        self.activation = activation
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4().hex
        self.setup_provider(provider)

    @classmethod
    def initial_for_provider(cls, provider: Provider) -> dict:
        """From the provider's page: its only service is preselected (several: the officer picks one)."""
        services = cls.active_services(provider)
        return {"service": services[0].pk} if len(services) == 1 else {}

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("form", "place", "territory", "target_groups")) and data.get("capacity") is None:
            raise forms.ValidationError(_("Žádost o změnu registrace musí měnit aspoň jeden údaj: formu, místo "
                                          "poskytování, územní působnost, kapacitu nebo okruh osob."))
        return data

    def handler_kwargs(self):
        from .selectors import change_services_from_registered, provider_identity

        data = self.cleaned_data
        service = data["service"]
        changes = {k: data[k] for k in ("form", "place", "territory") if data.get(k)}
        if data.get("capacity") is not None:
            changes["capacity"] = data["capacity"]
        if data.get("target_groups"):
            changes["target_groups"] = list(data["target_groups"])
        provider = service.provider
        return {
            "provider": provider_identity(provider),
            "services": [change_services_from_registered(service, **changes)],
            "received_on": data["received_on"], "submission_key": data.get("submission_key") or None,
        }


class RemedyExtendForm(forms.Form):
    new_deadline = date_field(_("nová lhůta k odstranění nedostatků"))
    note = forms.CharField(label=_("žádost ze dne / důvod"), required=False, max_length=200)


class RepairForm(TaskForm):
    note = forms.CharField(label=_("co bylo opraveno (např. nahrána opravená šablona)"), required=False, max_length=300)


class ProviderIdentityForm(forms.Form):
    """The provider's identification on the provider page, refreshable from ARES."""

    ico = forms.CharField(label=_("IČO"), required=False, max_length=12, disabled=True)
    name = forms.CharField(label=_("název / jméno"), max_length=255)
    legal_form = forms.CharField(label=_("právní forma"), required=False, max_length=100)
    address = forms.CharField(label=_("sídlo / adresa"), max_length=300)
    statutory_body = forms.CharField(label=_("statutární orgán"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ico"].widget.attrs.update(ares.ico_widget_attrs(ARES_PROVIDER_FILL))


# ------------------------------------------------------------------ case page: acts outside the flow


class StopProceedingForm(forms.Form):
    """Stop a proceeding from the case page (the grounds the law gives this proceeding)."""

    ground = forms.ChoiceField(label=_("důvod zastavení"), widget=forms.RadioSelect)
    withdrawn_on = date_field(_("zpětvzetí žádosti doručeno dne"), required=False, received=True)
    reason = forms.CharField(label=_("odůvodnění (zapíše se do usnesení a do historie)"), widget=forms.Textarea,
                             max_length=2000)

    def __init__(self, *args, grounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = list(grounds)
        if len(grounds) == 1:
            self.fields["ground"].initial = grounds[0][0]

    def clean(self):
        from .selectors import WITHDRAWN

        data = super().clean()
        if data.get("ground") == WITHDRAWN and not data.get("withdrawn_on"):
            self.add_error("withdrawn_on", _("Zadejte den, kdy bylo zpětvzetí žádosti doručeno."))
        return data


class CorrectActForm(forms.Form):
    """§ 70: correct an obvious error in an issued act by an opravné usnesení."""

    document = forms.ModelChoiceField(label=_("opravovaný akt"), queryset=None, empty_label="—")
    correction = forms.CharField(label=_("znění opravy (co se opravuje a jak)"), widget=forms.Textarea, max_length=2000,
                                 help_text=_("např. „v označení účastníka se slova „Sluneční 21“ nahrazují slovy "
                                             "„Sluneční 12“"))
    reason = forms.CharField(label=_("v čem je zřejmá nesprávnost"), widget=forms.Textarea, max_length=2000,
                             help_text=_("jen zřejmé nesprávnosti (překlep, počet, jméno); věcnou vadu nelze opravit "
                                         "opravným usnesením"))

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = lambda d: f"{d.title}, č. j. {d.reference_number}"


class AppealWaiverForm(forms.Form):
    waived_on = date_field(_("vzdání se odvolání doručeno dne"), received=True,
                           help_text=_("den, kdy správnímu orgánu došlo prohlášení účastníka, že se odvolání vzdává"))
