"""Forms of the opinion agenda: thin, the rules are in ``opinions.services``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from workflows.input_rules import validate_name, validate_sane_date
from workflows import ares
from workflows.forms_widgets import CzechDateField, SearchableSelectMultiple
from workflows.models import ServiceType, TargetGroup
from workflows.region import get_region

from .models import AreaOfSupport, Call, IpWarning, Opinion
from .selectors import IpAnswer


class OpinionRequestForm(forms.Form):
    applicant_ico = forms.CharField(label=gettext_lazy("IČO žadatele"), max_length=12)
    applicant_name = forms.CharField(label=gettext_lazy("Žadatel"), max_length=Opinion._meta.get_field("applicant_name").max_length,
                                     validators=[validate_name])
    applicant_address = forms.CharField(label=gettext_lazy("Sídlo"), max_length=Opinion._meta.get_field("applicant_address").max_length,
                                        error_messages={"required": "Vyplňte sídlo žadatele (uvádí se ve vyjádření)."},
                                        help_text=gettext_lazy("Adresa sídla žadatele, jak ji uvede vyjádření."))
    project_title = forms.CharField(label=gettext_lazy("Název projektu"), max_length=Opinion._meta.get_field("project_title").max_length,
                                    validators=[validate_name])
    registration_number = forms.CharField(label=gettext_lazy("Registrační číslo projektu"), max_length=60, required=False,
                                          help_text=gettext_lazy("např. CZ.1.04/3.1.00/45.00123, je-li známo"))
    call = forms.ModelChoiceField(label=gettext_lazy("Výzva"), queryset=Call.objects.select_related("programme", "area"))
    area = forms.ModelChoiceField(label="Oblast podpory", queryset=AreaOfSupport.objects.select_related("programme"),
                                  required=False, help_text=gettext_lazy("Nevyberete-li, převezme se oblast podpory výzvy."))
    service_types = forms.ModelMultipleChoiceField(label=gettext_lazy("Druhy sociálních služeb (§)"), queryset=ServiceType.objects.all(),
                                                   required=False, widget=SearchableSelectMultiple)
    target_groups = forms.ModelMultipleChoiceField(label=gettext_lazy("Cílové skupiny"), queryset=TargetGroup.objects.all(),
                                                   required=False, widget=SearchableSelectMultiple)
    whole_region = forms.BooleanField(label=gettext_lazy("Celý kraj"), required=False, initial=True)
    districts = forms.MultipleChoiceField(label="Okresy", required=False, widget=SearchableSelectMultiple,
                                          help_text=gettext_lazy("Jen pokud projekt nepokrývá celý kraj: zrušte „Celý kraj“ "
                                                    "a vyberte okresy."))
    period_start = CzechDateField(label=gettext_lazy("Zahájení projektu"), help_text=gettext_lazy("např. 1. 7. 2011"), validators=[validate_sane_date])
    period_end = CzechDateField(label=gettext_lazy("Ukončení projektu"), help_text=gettext_lazy("např. 30. 6. 2012"), validators=[validate_sane_date])
    budget = forms.DecimalField(label=gettext_lazy("Rozpočet (Kč)"), max_digits=14, decimal_places=2)
    contact_name = forms.CharField(label=gettext_lazy("Kontaktní osoba"), max_length=200, required=False)
    contact_email = forms.EmailField(label=gettext_lazy("Kontaktní e-mail"), required=False)
    contact_phone = forms.CharField(label="Telefon", max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].choices = [(d, d) for d in get_region().districts]
        self.fields["applicant_ico"].widget.attrs.update(
            ares.ico_widget_attrs({"name": "applicant_name", "address": "applicant_address"}))

    def apply_errors(self, exc: ValidationError) -> None:
        """Show a service's Czech ValidationError on the form."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class DraftForm(forms.Form):
    """The drafter's form. The template renders it in sections (statement by statement, each with
    what it rests on); field names are the contract of the view, the tests and the browser tests."""

    s1_verdict = forms.ChoiceField(label=gettext_lazy("Závěr výroku 1"), required=False,
                                   choices=[("", "— vyberte —")] + list(Opinion.Compliance.choices),
                                   help_text=gettext_lazy("Je projekt v souladu se střednědobým plánem rozvoje sociálních služeb kraje?"))
    s1_text = forms.CharField(label=gettext_lazy("Odůvodnění výroku 1"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              help_text=gettext_lazy("Na které priority a aktivity plánu projekt navazuje a proč."))
    activities = forms.MultipleChoiceField(label=gettext_lazy("Aktivity plánu, na které projekt navazuje"), required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=gettext_lazy("Návrhy jsou seřazeny podle shody druhů služeb (§), cílových skupin "
                                                     "a slov názvu; zaškrtněte ty, na které projekt skutečně navazuje."))
    s2_verdict = forms.ChoiceField(label=gettext_lazy("Závěr výroku 2"), required=False,
                                   choices=[("", "— vyberte —")] + list(Opinion.YesNo.choices),
                                   help_text=gettext_lazy("Je realizace projektu v kraji potřebná?"))
    s2_text = forms.CharField(label=gettext_lazy("Odůvodnění výroku 2"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              help_text=gettext_lazy("Doložte potřebnost, např. analýzou potřeb, dostupností služby v okrese."))
    s3_verdict = forms.ChoiceField(label=gettext_lazy("Závěr výroku 3"), required=False,
                                   choices=[("", "— vyberte —")] + list(Opinion.Assessment.choices),
                                   help_text=gettext_lazy("Jak kraj hodnotí dosavadní činnost předkladatele?"))
    s3_text = forms.CharField(label=gettext_lazy("Odůvodnění výroku 3"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              help_text=gettext_lazy("Opřete hodnocení o fakta z registru poskytovatelů a dřívějších vyjádření."))
    s3_facts = forms.MultipleChoiceField(label=gettext_lazy("Citovaná fakta z registru a dřívějších vyjádření"), required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=gettext_lazy("Zaškrtnutá fakta se citují ve výroku 3 vydaného vyjádření."))
    s4_verdict = forms.ChoiceField(label=gettext_lazy("Závěr výroku 4"), required=False,
                                   choices=[("", "— vyberte —")] + list(Opinion.Funding.choices),
                                   help_text=gettext_lazy("Jsou aktivity projektu financovány z individuálního projektu (IP) kraje?"))
    s4_text = forms.CharField(label=gettext_lazy("Odůvodnění výroku 4"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              help_text=gettext_lazy("Odpovědi na upozornění na IP níže se do výroku 4 převezmou samy."))

    STATEMENTS = (
        (1, "Soulad se střednědobým plánem", "s1_verdict", "s1_text"),
        (2, "Potřebnost realizace projektu v kraji", "s2_verdict", "s2_text"),
        (3, "Hodnocení dosavadní činnosti předkladatele", "s3_verdict", "s3_text"),
        (4, "Financování z individuálního projektu kraje", "s4_verdict", "s4_text"),
    )

    def __init__(self, *args, activity_choices=(), fact_choices=(), warnings=(), group_choices=(),
                 district_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = list(activity_choices)
        self.fields["s3_facts"].choices = [(f, f) for f in fact_choices]
        self.warning_fields = []
        for w in warnings:
            name = f"ip_{w.pk}"
            # required before submission (the service checks it against the IP's and the project's
            # data), not for saving a draft
            self.fields[f"{name}_reason"] = forms.ChoiceField(
                label=gettext("Důvod, proč nejde o dvojí financování"), required=False, initial=w.reason,
                choices=[("", "— vyberte důvod —")] + list(IpWarning.Reason.choices),
                widget=forms.Select(attrs={"aria-required": "true"}),
                help_text=gettext("Povinné před předložením ke schválení. Důvod se ověří proti době, cílovým skupinám "
                          "a území individuálního projektu i projektu žadatele."),
            )
            self.fields[f"{name}_from"] = CzechDateField(
                label=gettext("Služba v projektu od"), required=False, initial=w.reason_from,
                help_text=gettext("Jen u důvodu „jiné období“: kdy projekt službu hradí, např. 1. 3. 2015."))
            self.fields[f"{name}_to"] = CzechDateField(
                label=gettext("Služba v projektu do"), required=False, initial=w.reason_to,
                help_text=gettext("Jen u důvodu „jiné období“, např. 31. 12. 2015."))
            self.fields[f"{name}_groups"] = forms.MultipleChoiceField(
                label=gettext("Cílové skupiny služby v projektu"), required=False, choices=list(group_choices),
                widget=forms.CheckboxSelectMultiple, initial=list(w.reason_groups or []),
                help_text=gettext("Jen u důvodu „jiná cílová skupina“; nic nezaškrtnuto = všechny cílové skupiny projektu."))
            self.fields[f"{name}_districts"] = forms.MultipleChoiceField(
                label=gettext("Okresy služby v projektu"), required=False, choices=list(district_choices),
                widget=forms.CheckboxSelectMultiple, initial=list(w.reason_districts or []),
                help_text=gettext("Jen u důvodu „jiné území“; nic nezaškrtnuto = celé území projektu."))
            self.fields[name] = forms.CharField(
                label=gettext("Vysvětlení zpracovatele"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                initial=w.answer,
                help_text=gettext("U jiné činnosti a doplňkového financování povinné: co projekt hradí a čím se liší od IP. "
                          "Odpověď uvidí schvalující a převezme se do výroku 4."),
            )
            self.warning_fields.append((w, name))

    def apply_errors(self, exc: ValidationError) -> None:
        """Show a service's Czech ValidationError at the field it concerns (an IP answer: at its reason)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            if f"{key}_reason" in self.fields:
                key = f"{key}_reason"
            self.add_error(key if key in self.fields else None, errors)

    def statement_rows(self) -> list[dict]:
        """The four statements for the template: number, title, verdict and text bound fields."""
        return [{"number": n, "title": title, "verdict": self[v], "text": self[t]} for n, title, v, t in self.STATEMENTS]

    def warning_rows(self) -> list[dict]:
        return [{"warning": w, "reason": self[f"{name}_reason"], "period_from": self[f"{name}_from"],
                 "period_to": self[f"{name}_to"], "groups": self[f"{name}_groups"],
                 "districts": self[f"{name}_districts"], "text": self[name]} for w, name in self.warning_fields]

    def statements(self) -> dict:
        return {k: self.cleaned_data.get(k, "") for k in
                ("s1_verdict", "s1_text", "s2_verdict", "s2_text", "s3_verdict", "s3_text", "s4_verdict", "s4_text")}

    def ip_answers(self) -> dict:
        data = self.cleaned_data
        return {
            w.pk: IpAnswer(reason=data.get(f"{name}_reason") or "", text=data.get(name) or "",
                           period_from=data.get(f"{name}_from"), period_to=data.get(f"{name}_to"),
                           groups=list(data.get(f"{name}_groups") or []),
                           districts=list(data.get(f"{name}_districts") or []))
            for w, name in self.warning_fields
        }


class ApprovalForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Rozhodnutí"), choices=[("approve", "Schválit"), ("return", "Vrátit k přepracování")],
                                 widget=forms.RadioSelect, initial="approve",
                                 help_text=gettext_lazy("Schválením se vyjádření zmrazí a vyhotoví s číslem jednacím."))
    comment = forms.CharField(label=gettext_lazy("Připomínky pro zpracovatele"), widget=forms.Textarea(attrs={"rows": 4}),
                              required=False,
                              help_text=gettext_lazy("Povinné při vrácení: co má zpracovatel doplnit nebo opravit. "
                                        "Úkol se vrátí stejnému zpracovateli."))
