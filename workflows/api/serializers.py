from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.deadlines import working_days_between
from workflows.input_rules import validate_name, validate_not_future, validate_sane_date
from workflows.models import Case, Document


def change_kinds():
    from django.apps import apps

    return apps.get_model("registrations", "ChangeNoticeItem").Kind.choices


def column(label: str, field: str) -> int:
    """The max_length of a model column (``app.Model``): a serializer field never takes more."""
    from django.apps import apps

    return apps.get_model(label)._meta.get_field(field).max_length


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="Stažení souboru (jen vydané dokumenty pro portál).")

    class Meta:
        model = Document
        fields = ["id", "kind", "title", "version", "reference_number", "status", "sha256", "size", "created_at",
                  "download_url"]

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, obj) -> str:
        return reverse("cases:api:document-download", args=[obj.pk])


class CaseSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    working_days_left = serializers.SerializerMethodField(help_text="Zbývající pracovní dny do lhůty (záporné = po lhůtě).")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "file_mark", "kind", "kind_display", "title", "applicant_name", "ico", "received_on",
                  "deadline", "working_days_left", "overdue", "state", "state_display", "state_detail", "closed_at"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_working_days_left(self, obj):
        return working_days_between(timezone.localdate(), obj.deadline) if obj.deadline else None

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, obj) -> bool:
        return bool(obj.deadline and obj.deadline < timezone.localdate())


class CaseDetailSerializer(CaseSerializer):
    documents = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + ["documents"]

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, obj):
        docs = self.context.get("documents", [])
        return DocumentSerializer(docs, many=True).data


class ProviderServiceSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    service_type_paragraph = serializers.CharField()
    service_type = serializers.CharField()
    form = serializers.CharField()
    place = serializers.CharField()
    territory = serializers.CharField(allow_blank=True)
    target_groups = serializers.ListField(child=serializers.CharField())
    age_from = serializers.IntegerField(allow_null=True)
    age_to = serializers.IntegerField(allow_null=True)
    capacity = serializers.IntegerField()
    provided_from = serializers.DateField(allow_null=True)
    registered_on = serializers.DateField()
    state = serializers.CharField()
    closed_on = serializers.DateField(allow_null=True)


class ProviderSerializer(serializers.Serializer):
    ico = serializers.CharField(allow_null=True, help_text="IČO; null u fyzické osoby bez IČO.")
    name = serializers.CharField()
    address = serializers.CharField(allow_blank=True)
    legal_form = serializers.CharField(allow_blank=True)
    services = ProviderServiceSerializer(many=True)


class PaginatedProviderSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ProviderSerializer(many=True)


class RegistryVersionSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    summary = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    file_mark = serializers.CharField(allow_blank=True, allow_null=True)
    reference_number = serializers.CharField(allow_blank=True, allow_null=True)


class OpinionRequestSerializer(serializers.Serializer):
    applicant_ico = serializers.RegexField(r"^[0-9]{8}$", max_length=8,
                                           help_text="IČO žadatele: 8 číslic, poslední je kontrolní (modulo 11).")
    applicant_name = serializers.CharField(max_length=column("opinions.Opinion", "applicant_name"),
                                           validators=[validate_name])
    applicant_address = serializers.CharField(max_length=column("opinions.Opinion", "applicant_address"),
                                              required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=column("opinions.Opinion", "contact_name"),
                                         required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(max_length=column("opinions.Opinion", "contact_email"),
                                           required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=column("opinions.Opinion", "contact_phone"),
                                          required=False, allow_blank=True, default="")
    project_title = serializers.CharField(max_length=column("opinions.Opinion", "project_title"),
                                          validators=[validate_name])
    registration_number = serializers.CharField(max_length=column("opinions.Opinion", "registration_number"),
                                                required=False, allow_blank=True, default="",
                                                help_text="Registrační číslo projektu, např. CZ.1.04/3.1.00/45.00123.")
    call = serializers.CharField(help_text="Číslo výzvy z katalogu (např. 45).")
    area = serializers.CharField(required=False, allow_blank=True, default="", help_text="Kód oblasti podpory, např. 3.1.")
    service_types = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                          help_text="Paragrafy druhů služeb, např. [\"48\", \"§ 65\"].")
    target_groups = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                          help_text="Kódy cílových skupin, např. [\"S\", \"OZP\"].")
    whole_region = serializers.BooleanField(required=False, default=True)
    districts = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    period_start = serializers.DateField(validators=[validate_sane_date])
    period_end = serializers.DateField(validators=[validate_sane_date])
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)


class ChangeNoticeItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[], help_text="Druh změny z číselníku agendy registrací.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = change_kinds()
    description = serializers.CharField(max_length=column("registrations.ChangeNoticeItem", "description"))


class ChangeNoticeSerializer(serializers.Serializer):
    provider_ico = serializers.RegexField(r"^[0-9]{8}$", max_length=8,
                                          help_text="IČO poskytovatele zapsaného v registru (8 číslic, kontrolní číslice).")
    service_identifier = serializers.CharField(required=False, allow_blank=True, default="",
                                               help_text="Identifikátor služby (§ 85) nebo spisová značka registrace.")
    change_date = serializers.DateField(help_text="Den, kdy změna nastala (2000–2100).", validators=[validate_sane_date])
    received_on = serializers.DateField(required=False, help_text="Den doručení (výchozí: dnes; ne v budoucnosti).",
                                        validators=[validate_not_future])
    items = ChangeNoticeItemSerializer(many=True, allow_empty=False, max_length=50)
    acknowledge = serializers.BooleanField(required=False, default=False, help_text="Poskytovatel žádá potvrzení o přijetí.")


class SubmissionResultSerializer(serializers.Serializer):
    case = CaseSerializer()
    status_url = serializers.CharField()
