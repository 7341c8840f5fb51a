"""Role checks of the REST API (the same roles as the web, workflows.permissions)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from workflows.permissions import ROLE_API_CLIENT, ROLE_READER, has_role
from workflows.selectors import user_agendas
from django.utils.translation import gettext_lazy


class CaseStatusReader(BasePermission):
    """Staff of an agenda (their agenda's cases) and the portal (cases it submitted)."""

    message = gettext_lazy("Stav případů mohou číst jen pracovníci agend a portál (jen svá podání).")

    def has_permission(self, request, view):
        return bool(user_agendas(request.user)) or has_role(request.user, ROLE_API_CLIENT)


class DocumentReader(BasePermission):
    message = gettext_lazy("K dokumentům nemáte přístup.")

    def has_permission(self, request, view):
        return bool(user_agendas(request.user)) or has_role(request.user, ROLE_API_CLIENT, ROLE_READER)
