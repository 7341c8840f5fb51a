"""REST API of the registration agenda: the provider registry and notices of changes (§ 82 odst. 1).

Registered with the engine's API (``/api/``) through the agenda registry (``apps.py``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import path
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView
from workflows import access_log

from workflows.api.serializers import SubmissionResultSerializer
from workflows.input_rules import validate_not_future, validate_sane_date
from workflows.api.views import submitted, validation_response
from workflows.permissions import ROLE_API_CLIENT, has_role, may, user_roles

from . import selectors
from .flows.change_notice import ChangeNoticeFlow
from .models import ChangeNoticeItem

ICO_PATH = OpenApiParameter("ico", str, OpenApiParameter.PATH, required=True, pattern=r"^[0-9]{8}$",
                            description=gettext_lazy("IČO poskytovatele (8 číslic)."))


class RegistryReader(BasePermission):
    """The provider registry is readable by every role (staff, reader, portal)."""

    message = gettext_lazy("K registru poskytovatelů nemáte přístup.")

    def has_permission(self, request, view):
        return bool(user_roles(request.user))


class ChangeNoticeSubmitter(BasePermission):
    """The portal (for providers) and who receives a notice on the web: the start permission of
    the flow, as a role gives it — one rule for the form and the API (issue 13)."""

    message = gettext_lazy("Oznámení změn může podat portál nebo referent registrací.")

    def has_permission(self, request, view):
        return has_role(request.user, ROLE_API_CLIENT) or may(request.user, ChangeNoticeFlow.start._owner_permission)


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
    ico = serializers.CharField(allow_null=True, help_text=gettext_lazy("IČO; null u fyzické osoby bez IČO."))
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
    kind = serializers.ChoiceField(choices=ChangeNoticeItem.Kind.choices, help_text=gettext_lazy("Druh změny z číselníku agendy registrací."))
    description = serializers.CharField(max_length=ChangeNoticeItem._meta.get_field("description").max_length)


class ChangeNoticeSerializer(serializers.Serializer):
    provider_ico = serializers.RegexField(r"^[0-9]{8}$", max_length=8,
                                          help_text=gettext_lazy("IČO poskytovatele zapsaného v registru (8 číslic, kontrolní číslice)."))
    service_identifier = serializers.CharField(required=False, allow_blank=True, default="",
                                               help_text=gettext_lazy("Identifikátor služby (§ 85) nebo spisová značka registrace."))
    change_date = serializers.DateField(help_text=gettext_lazy("Den, kdy změna nastala (2000–2100)."), validators=[validate_sane_date])
    received_on = serializers.DateField(required=False, help_text=gettext_lazy("Den doručení (výchozí: dnes; ne v budoucnosti)."),
                                        validators=[validate_not_future])
    items = ChangeNoticeItemSerializer(many=True, allow_empty=False, max_length=50)
    acknowledge = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy("Poskytovatel žádá potvrzení o přijetí."))


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
        staff = selectors.is_registry_staff(request.user)
        qs = selectors.provider_list(query=request.query_params.get("q", "").strip()[:100], public=not staff)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        natural = [p.name for p in page if p.is_natural_person]
        if natural:  # one entry for the page, naming the natural persons in it
            access_log.record_list(request, object_type="registrations.provider", view="api_provider_list",
                                   count=len(page), query=request.query_params.get("q", "").strip()[:100], names=natural)
        data = ProviderSerializer([selectors.provider_payload(p, staff=staff) for p in page], many=True).data
        return paginator.get_paginated_response(data)


class ProviderDetail(APIView):
    permission_classes = [RegistryReader]

    @extend_schema(summary="Poskytovatel podle IČO", responses=ProviderSerializer, tags=["registr"],
                   parameters=[ICO_PATH])
    def get(self, request, ico: str):
        staff = selectors.is_registry_staff(request.user)
        provider = selectors.provider_by_ico(ico, public=not staff)
        if provider is None:
            raise NotFound(gettext('Poskytovatel s IČO {ico} není v registru.').format(ico=ico))
        return Response(ProviderSerializer(selectors.provider_payload(provider, staff=staff)).data)


class ProviderHistory(APIView):
    permission_classes = [RegistryReader]

    @extend_schema(summary="Historie zápisů poskytovatele v registru", responses=RegistryVersionSerializer(many=True),
                   tags=["registr"], parameters=[ICO_PATH])
    def get(self, request, ico: str):
        staff = selectors.is_registry_staff(request.user)
        provider = selectors.provider_by_ico(ico, public=not staff)
        if provider is None:
            raise NotFound(gettext('Poskytovatel s IČO {ico} není v registru.').format(ico=ico))
        access_log.record(request, provider, view="api_provider_history")
        versions = provider.versions.select_related("case", "document").order_by("at", "pk")

        def shown(data):
            return data if staff else selectors.public_version_data(data, natural_person=provider.is_natural_person)

        data = [{
            "at": v.at, "action": v.action, "summary": v.summary, "before": shown(v.before), "after": shown(v.after),
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
