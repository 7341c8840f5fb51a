"""REST API of the registration agenda: the provider registry and notices of changes (§ 82 odst. 1).

Registered with the engine's API (``/api/``) through the agenda registry (``apps.py``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.api.serializers import SubmissionResultSerializer
from workflows.input_rules import validate_not_future, validate_sane_date
from workflows.api.views import submitted, validation_response
from workflows.permissions import ROLE_API_CLIENT, ROLE_HEAD, ROLE_REGISTRATION_OFFICER, has_role, user_roles

from . import selectors
from .flows.change_notice import ChangeNoticeFlow
from .models import ChangeNoticeItem

ICO_PATH = OpenApiParameter("ico", str, OpenApiParameter.PATH, required=True, pattern=r"^[0-9]{8}$",
                            description="IČO poskytovatele (8 číslic).")


class RegistryReader(BasePermission):
    """The provider registry is readable by every role (staff, reader, portal)."""

    message = "K registru poskytovatelů nemáte přístup."

    def has_permission(self, request, view):
        return bool(user_roles(request.user))


class ChangeNoticeSubmitter(BasePermission):
    message = "Oznámení změn může podat portál, referent registrací nebo vedoucí."

    def has_permission(self, request, view):
        return has_role(request.user, ROLE_API_CLIENT, ROLE_REGISTRATION_OFFICER, ROLE_HEAD)


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


class ChangeNoticeItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChangeNoticeItem.Kind.choices, help_text="Druh změny z číselníku agendy registrací.")
    description = serializers.CharField(max_length=ChangeNoticeItem._meta.get_field("description").max_length)


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


class ProviderList(APIView):
    permission_classes = [RegistryReader]
    pagination_class = generics.GenericAPIView.pagination_class

    @extend_schema(
        summary="Registr poskytovatelů",
        operation_id="providers_list",
        parameters=[OpenApiParameter("q", str, description="Část názvu nebo začátek IČO.")],
        responses=PaginatedProviderSerializer,
        tags=["registr"],
    )
    def get(self, request):
        qs = selectors.provider_list(query=request.query_params.get("q", "").strip()[:100])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ProviderSerializer([selectors.provider_payload(p) for p in page], many=True).data
        return paginator.get_paginated_response(data)


class ProviderDetail(APIView):
    permission_classes = [RegistryReader]

    @extend_schema(summary="Poskytovatel podle IČO", responses=ProviderSerializer, tags=["registr"],
                   parameters=[ICO_PATH])
    def get(self, request, ico: str):
        provider = selectors.provider_by_ico(ico)
        if provider is None:
            raise NotFound(f"Poskytovatel s IČO {ico} není v registru.")
        return Response(ProviderSerializer(selectors.provider_payload(provider)).data)


class ProviderHistory(APIView):
    permission_classes = [RegistryReader]

    @extend_schema(summary="Historie zápisů poskytovatele v registru", responses=RegistryVersionSerializer(many=True),
                   tags=["registr"], parameters=[ICO_PATH])
    def get(self, request, ico: str):
        provider = selectors.provider_by_ico(ico)
        if provider is None:
            raise NotFound(f"Poskytovatel s IČO {ico} není v registru.")
        versions = provider.versions.select_related("case", "document").order_by("at", "pk")
        data = [{
            "at": v.at, "action": v.action, "summary": v.summary, "before": v.before, "after": v.after,
            "file_mark": v.case.file_mark if v.case_id else None,
            "reference_number": v.document.reference_number if v.document_id else None,
        } for v in versions]
        return Response(RegistryVersionSerializer(data, many=True).data)



class ChangeNoticeCreate(APIView):
    permission_classes = [ChangeNoticeSubmitter]

    @extend_schema(summary="Podání oznámení změn (§ 82 odst. 1)", request=ChangeNoticeSerializer,
                   responses={201: SubmissionResultSerializer, 400: OpenApiResponse(description="Chyby po polích (česky)")},
                   tags=["podání"])
    def post(self, request):
        payload = ChangeNoticeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        service = None
        identifier = data.pop("service_identifier", "")
        if identifier:
            service = selectors.registered_service_by_identifier(data["provider_ico"], identifier)
            if service is None:
                return Response({"service_identifier": [f"Služba „{identifier}“ poskytovatele není v registru."]},
                                status=status.HTTP_400_BAD_REQUEST)
        kwargs = {
            "ico": data["provider_ico"], "change_date": data["change_date"], "items": [dict(i) for i in data["items"]],
            "service": service, "acknowledge": data.get("acknowledge", False),
        }
        if data.get("received_on"):
            kwargs["received_on"] = data["received_on"]
        try:
            with transaction.atomic():
                process = ChangeNoticeFlow.receive.run(user=request.user, **kwargs)
        except DjangoValidationError as exc:
            return validation_response(exc)
        return submitted(process.case, request)


def register_routes() -> list:
    return [
        path("providers/", ProviderList.as_view(), name="provider-list"),
        path("providers/<str:ico>/", ProviderDetail.as_view(), name="provider-detail"),
        path("providers/<str:ico>/history/", ProviderHistory.as_view(), name="provider-history"),
        path("change-notices/", ChangeNoticeCreate.as_view(), name="change-notice-create"),
    ]
