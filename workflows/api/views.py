"""REST API: registry, case status and deadlines, submissions from a portal, issued documents.

Thin: parse input, check the role, call an agenda's selector or service (imported lazily, so the
engine does not depend on an agenda at import time), serialise.
"""

from __future__ import annotations


from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.history import record_event
from workflows.models import Case, Document
from workflows.permissions import ROLE_API_CLIENT, ROLE_READER, can_view_document, has_role
from workflows.selectors import user_agendas

from . import permissions as perms
from . import serializers as ser
from workflows.hooks import import_optional




def _registry():
    module = import_optional("registrations.selectors")
    if module is None or not hasattr(module, "provider_list"):
        raise NotFound("Registr poskytovatelů zatím není k dispozici.")
    return module


def _validation_response(exc: DjangoValidationError) -> Response:
    if hasattr(exc, "message_dict"):
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response({"non_field_errors": exc.messages}, status=status.HTTP_400_BAD_REQUEST)


# ------------------------------------------------------------------------------ registry


def _provider_dict(provider) -> dict:
    services = []
    for s in provider.services.select_related("service_type", "registration_case").prefetch_related("target_groups"):
        services.append({
            "identifier": s.identifier,
            "service_type_paragraph": s.service_type.paragraph,
            "service_type": s.service_type.name,
            "form": s.get_form_display(),
            "place": s.place,
            "territory": s.territory,
            "target_groups": [g.name for g in s.target_groups.all()],
            "age_from": s.age_from,
            "age_to": s.age_to,
            "capacity": s.capacity,
            "provided_from": s.provided_from,
            "registered_on": s.registered_on,
            "state": s.get_state_display(),
            "closed_on": s.closed_on,
        })
    return {"ico": provider.ico or None, "name": provider.name, "address": provider.address,
            "legal_form": provider.legal_form, "services": services}


ICO_PATH = OpenApiParameter("ico", str, OpenApiParameter.PATH, required=True, pattern=r"^[0-9]{8}$",
                            description="IČO poskytovatele (8 číslic).")


class ProviderList(APIView):
    permission_classes = [perms.RegistryReader]
    pagination_class = generics.GenericAPIView.pagination_class

    @extend_schema(
        summary="Registr poskytovatelů",
        parameters=[OpenApiParameter("q", str, description="Část názvu nebo začátek IČO.")],
        responses=ser.PaginatedProviderSerializer,
        tags=["registr"],
    )
    def get(self, request):
        registry = _registry()
        qs = registry.provider_list(query=request.query_params.get("q", "").strip()[:100])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ser.ProviderSerializer([_provider_dict(p) for p in page], many=True).data
        return paginator.get_paginated_response(data)


class ProviderDetail(APIView):
    permission_classes = [perms.RegistryReader]

    @extend_schema(summary="Poskytovatel podle IČO", responses=ser.ProviderSerializer, tags=["registr"],
                   parameters=[ICO_PATH])
    def get(self, request, ico: str):
        provider = _registry().provider_by_ico(ico)
        if provider is None:
            raise NotFound(f"Poskytovatel s IČO {ico} není v registru.")
        return Response(ser.ProviderSerializer(_provider_dict(provider)).data)


class ProviderHistory(APIView):
    permission_classes = [perms.RegistryReader]

    @extend_schema(summary="Historie zápisů poskytovatele v registru", responses=ser.RegistryVersionSerializer(many=True),
                   tags=["registr"], parameters=[ICO_PATH])
    def get(self, request, ico: str):
        provider = _registry().provider_by_ico(ico)
        if provider is None:
            raise NotFound(f"Poskytovatel s IČO {ico} není v registru.")
        versions = provider.versions.select_related("case", "document").order_by("at", "pk")
        data = [{
            "at": v.at, "action": v.action, "summary": v.summary, "before": v.before, "after": v.after,
            "file_mark": v.case.file_mark if v.case_id else None,
            "reference_number": v.document.reference_number if v.document_id else None,
        } for v in versions]
        return Response(ser.RegistryVersionSerializer(data, many=True).data)


# ------------------------------------------------------------------------------ cases


def visible_cases(user):
    """Staff: their agendas' cases. Portal: the cases it submitted. Nobody else."""
    agendas = user_agendas(user)
    if agendas:
        kinds = [k for k, a in Case.AGENDA_OF_KIND.items() if a in agendas]
        return Case.objects.filter(kind__in=kinds)
    if has_role(user, ROLE_API_CLIENT):
        return Case.objects.filter(created_by=user)
    return Case.objects.none()


def visible_documents(user, case):
    docs = case.documents.order_by("kind", "-version")
    if user_agendas(user):
        return [d for d in docs if can_view_document(user, d)]
    return [d for d in docs if d.status == Document.Status.ISSUED and not d.personal_data]


class CaseList(generics.ListAPIView):
    permission_classes = [perms.CaseStatusReader]
    serializer_class = ser.CaseSerializer

    @extend_schema(
        summary="Případy: stav a lhůty",
        parameters=[
            OpenApiParameter("state", str, description="Stav případu (open, suspended, waiting, decided, closed, canceled)."),
            OpenApiParameter("kind", str, description="Druh případu."),
            OpenApiParameter("ico", str, description="IČO účastníka."),
        ],
        tags=["případy"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = visible_cases(self.request.user)
        params = self.request.query_params
        for key in ("state", "kind", "ico"):
            if params.get(key):
                qs = qs.filter(**{key: params[key]})
        return qs.order_by("deadline", "pk")


class CaseDetail(APIView):
    permission_classes = [perms.CaseStatusReader]

    @extend_schema(summary="Stav a lhůta případu (podle id nebo spisové značky)", responses=ser.CaseDetailSerializer,
                   tags=["případy"])
    def get(self, request, pk: int):
        case = visible_cases(request.user).filter(pk=pk).first()
        if case is None:
            raise NotFound("Případ neexistuje nebo k němu nemáte přístup.")
        return Response(ser.CaseDetailSerializer(case, context={"documents": visible_documents(request.user, case)}).data)


class DocumentDownload(APIView):
    permission_classes = [perms.DocumentReader]

    @extend_schema(summary="Stažení vydaného dokumentu", tags=["dokumenty"],
                   responses={(200, "application/octet-stream"): OpenApiResponse(description="Soubor DOCX")})
    def get(self, request, pk: int):
        document = get_object_or_404(Document.objects.select_related("case"), pk=pk)
        user = request.user
        if user_agendas(user):
            allowed = can_view_document(user, document)
        elif has_role(user, ROLE_API_CLIENT):
            allowed = (document.status == Document.Status.ISSUED and not document.personal_data
                       and document.case.created_by_id == user.pk)
        elif has_role(user, ROLE_READER):
            allowed = document.status == Document.Status.ISSUED and not document.personal_data
        else:
            allowed = False
        if not allowed:
            raise PermissionDenied("K tomuto dokumentu nemáte přístup.")
        if document.personal_data:
            record_event(case=document.case, actor=user, action="document_view",
                         summary=f"Zobrazen dokument s osobními údaji (API): {document.title}", document=document)
        filename = document.file.name.rsplit("/", 1)[-1]
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=filename)


# ------------------------------------------------------------------------------ submissions


def _submitted(case: Case, request) -> Response:
    data = {"case": case, "status_url": reverse("cases:api:case-detail", args=[case.pk])}
    return Response(ser.SubmissionResultSerializer(data).data, status=status.HTTP_201_CREATED)


class OpinionRequestCreate(APIView):
    permission_classes = [perms.OpinionRequestSubmitter]

    @extend_schema(summary="Podání žádosti o vyjádření k projektu", request=ser.OpinionRequestSerializer,
                   responses={201: ser.SubmissionResultSerializer, 400: OpenApiResponse(description="Chyby po polích (česky)")},
                   tags=["podání"])
    def post(self, request):
        payload = ser.OpinionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        flow_module = import_optional("workflows.flows.opinion")
        if flow_module is None or not hasattr(flow_module, "opinion_request_start"):
            raise NotFound("Agenda vyjádření zatím nepřijímá podání.")
        data = dict(payload.validated_data)
        if not data.get("area"):
            data.pop("area", None)
        try:
            with transaction.atomic():
                process = flow_module.opinion_request_start(actor=request.user, **data)
        except DjangoValidationError as exc:
            return _validation_response(exc)
        return _submitted(process.case, request)


class ChangeNoticeCreate(APIView):
    permission_classes = [perms.ChangeNoticeSubmitter]

    @extend_schema(summary="Podání oznámení změn (§ 82 odst. 1)", request=ser.ChangeNoticeSerializer,
                   responses={201: ser.SubmissionResultSerializer, 400: OpenApiResponse(description="Chyby po polích (česky)")},
                   tags=["podání"])
    def post(self, request):
        payload = ser.ChangeNoticeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        flow_module = import_optional("workflows.flows.change_notice")
        if flow_module is None or not hasattr(flow_module, "ChangeNoticeFlow"):
            raise NotFound("Agenda registrací zatím nepřijímá oznámení změn.")
        data = dict(payload.validated_data)
        service = None
        identifier = data.pop("service_identifier", "")
        if identifier:
            from django.db.models import Q

            from registrations.models import RegisteredService

            service = RegisteredService.objects.filter(
                Q(national_id=identifier) | Q(registration_case__file_mark=identifier), provider__ico=data["provider_ico"]
            ).first()
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
                process = flow_module.ChangeNoticeFlow.receive.run(user=request.user, **kwargs)
        except DjangoValidationError as exc:
            return _validation_response(exc)
        return _submitted(process.case, request)
