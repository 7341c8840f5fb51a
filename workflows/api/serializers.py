from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.deadlines import working_days_between
from workflows.models import Case, Document


class DocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text=gettext_lazy("Stažení souboru (jen vydané dokumenty pro portál)."))

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
    working_days_left = serializers.SerializerMethodField(help_text=gettext_lazy("Zbývající pracovní dny do lhůty (záporné = po lhůtě)."))
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


class SubmissionResultSerializer(serializers.Serializer):
    case = CaseSerializer()
    status_url = serializers.CharField()
