"""The OpenAPI schema says what the API really answers: besides each operation's success
response, the error answers every operation can give — 400 (field errors in Czech, or a
``detail``), 401 (no or bad credentials, ``WWW-Authenticate: Token``), 403 (the role may not),
404 (no such object, or not yours), 414 (request line too long) — and what paths take."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Popis chyby česky.")


class FieldErrorsSerializer(serializers.Serializer):
    """``{"pole": ["chyba", …], …}`` or ``{"detail": "…"}``: Czech messages by field."""

    detail = serializers.CharField(required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


ERRORS = {
    "400": OpenApiResponse(FieldErrorsSerializer, description="Neplatný vstup (chyby po polích, česky)."),
    "401": OpenApiResponse(ErrorSerializer, description="Chybí nebo neplatí přihlašovací údaje (token)."),
    "403": OpenApiResponse(ErrorSerializer, description="Vaše role k této operaci nemá oprávnění."),
    "404": OpenApiResponse(ErrorSerializer, description="Záznam neexistuje nebo k němu nemáte přístup."),
    "414": OpenApiResponse(description="Příliš dlouhá adresa požadavku."),
}


class OsvAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in ERRORS.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
