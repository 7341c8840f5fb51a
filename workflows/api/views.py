"""REST API: registry, case status and deadlines, submissions from a portal, issued documents.

The engine's endpoints (cases, documents, schema); each agenda adds its own endpoints
(``<agenda>/api.py``) through the agenda registry. Thin: parse input, check the role, call a
selector or service, serialise.
"""

from __future__ import annotations


from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import agendas
from workflows.history import record_event
from workflows.models import Case, CaseEvent, Document
from workflows.permissions import ROLE_API_CLIENT, ROLE_READER, can_view_document, has_role
from workflows.selectors import user_agendas

from . import permissions as perms
from . import serializers as ser




def validation_response(exc: DjangoValidationError) -> Response:
    if hasattr(exc, "message_dict"):
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response({"non_field_errors": exc.messages}, status=status.HTTP_400_BAD_REQUEST)


# ------------------------------------------------------------------------------ cases


def visible_cases(user):
    """Staff: their agendas' cases. Portal: the cases it submitted. Nobody else."""
    names = user_agendas(user)
    if names:
        return Case.objects.filter(kind__in=agendas.kinds_of(names))
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
            raise NotFound(gettext("Případ neexistuje nebo k němu nemáte přístup."))
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
            raise PermissionDenied(gettext("K tomuto dokumentu nemáte přístup."))
        if document.personal_data:
            record_event(case=document.case, actor=user, action=CaseEvent.Action.DOCUMENT_VIEW,
                         summary=gettext('Zobrazen dokument s osobními údaji (API): {title}').format(title=document.title), document=document)
        filename = document.file.name.rsplit("/", 1)[-1]
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=filename)


# ------------------------------------------------------------------------------ submissions


def submitted(case: Case, request) -> Response:
    data = {"case": case, "status_url": reverse("cases:api:case-detail", args=[case.pk])}
    return Response(ser.SubmissionResultSerializer(data).data, status=status.HTTP_201_CREATED)


