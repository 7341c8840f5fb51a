"""REST API of the opinion agenda: a portal submits requests for an opinion (Vyjádření).

Registered with the engine's API (``/api/``) through the agenda registry (``apps.py``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from workflows.api.serializers import SubmissionResultSerializer
from workflows.api.views import submitted, validation_response
from workflows.permissions import ROLE_API_CLIENT, has_role, may

from workflows.input_rules import validate_name, validate_sane_date

from .flows import opinion_request_start
from .models import Opinion


class OpinionRequestSubmitter(BasePermission):
    message = gettext_lazy("Žádost o vyjádření může podat portál, pracovník pro komunitní plánování, koordinátor nebo vedoucí.")

    def has_permission(self, request, view):
        """The portal, and who registers a request on the web (the start permission of the flow)."""
        from .flows import OpinionFlow

        return has_role(request.user, ROLE_API_CLIENT) or may(request.user, OpinionFlow.start._owner_permission)


def _column(field: str) -> int:
    return Opinion._meta.get_field(field).max_length


class OpinionRequestSerializer(serializers.Serializer):
    """Lengths from the Opinion columns; names with letters; dates in the sane window."""

    applicant_ico = serializers.RegexField(r"^[0-9]{8}$", max_length=8,
                                           help_text=gettext_lazy("IČO žadatele: 8 číslic, poslední je kontrolní (modulo 11)."))
    applicant_name = serializers.CharField(max_length=_column("applicant_name"), validators=[validate_name])
    applicant_address = serializers.CharField(max_length=_column("applicant_address"), required=False,
                                              allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=_column("contact_name"), required=False, allow_blank=True,
                                         default="")
    contact_email = serializers.EmailField(max_length=_column("contact_email"), required=False, allow_blank=True,
                                           default="")
    contact_phone = serializers.CharField(max_length=_column("contact_phone"), required=False, allow_blank=True,
                                          default="")
    project_title = serializers.CharField(max_length=_column("project_title"), validators=[validate_name])
    registration_number = serializers.CharField(max_length=_column("registration_number"), required=False,
                                                allow_blank=True, default="",
                                                help_text=gettext_lazy("Registrační číslo projektu, např. CZ.1.04/3.1.00/45.00123."))
    call = serializers.CharField(help_text=gettext_lazy("Číslo výzvy z katalogu (např. 45)."))
    area = serializers.CharField(required=False, allow_blank=True, default="", help_text=gettext_lazy("Kód oblasti podpory, např. 3.1."))
    service_types = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                          help_text=gettext_lazy("Paragrafy druhů služeb, např. [\"48\", \"§ 65\"]."))
    target_groups = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                          help_text=gettext_lazy("Kódy cílových skupin, např. [\"S\", \"OZP\"]."))
    whole_region = serializers.BooleanField(required=False, default=True)
    districts = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    period_start = serializers.DateField(validators=[validate_sane_date])
    period_end = serializers.DateField(validators=[validate_sane_date])
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)


class OpinionRequestCreate(APIView):
    permission_classes = [OpinionRequestSubmitter]

    @extend_schema(summary="Podání žádosti o vyjádření k projektu", request=OpinionRequestSerializer,
                   responses={201: SubmissionResultSerializer, 400: OpenApiResponse(description="Chyby po polích (česky)")},
                   tags=["podání"])
    def post(self, request):
        payload = OpinionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if not data.get("area"):
            data.pop("area", None)
        try:
            with transaction.atomic():
                process = opinion_request_start(actor=request.user, **data)
        except DjangoValidationError as exc:
            return validation_response(exc)
        return submitted(process.case, request)


def register_routes() -> list:
    return [path("opinion-requests/", OpinionRequestCreate.as_view(), name="opinion-request-create")]
