"""Role checks of the REST API (the same roles as the web, workflows.permissions)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from workflows.permissions import (
    ROLE_API_CLIENT, ROLE_HEAD, ROLE_PLANNER, ROLE_READER, ROLE_REGISTRATION_OFFICER, ROLE_ROMA_COORDINATOR,
    has_role, user_roles,
)
from workflows.selectors import user_agendas


class RegistryReader(BasePermission):
    """The provider registry is readable by every role (staff, reader, portal)."""

    message = "K registru poskytovatelů nemáte přístup."

    def has_permission(self, request, view):
        return bool(user_roles(request.user))


class CaseStatusReader(BasePermission):
    """Staff of an agenda (their agenda's cases) and the portal (cases it submitted)."""

    message = "Stav případů mohou číst jen pracovníci agend a portál (jen svá podání)."

    def has_permission(self, request, view):
        return bool(user_agendas(request.user)) or has_role(request.user, ROLE_API_CLIENT)


class OpinionRequestSubmitter(BasePermission):
    message = "Žádost o vyjádření může podat portál, pracovník pro komunitní plánování, koordinátor nebo vedoucí."

    def has_permission(self, request, view):
        return has_role(request.user, ROLE_API_CLIENT, ROLE_PLANNER, ROLE_ROMA_COORDINATOR, ROLE_HEAD)


class ChangeNoticeSubmitter(BasePermission):
    message = "Oznámení změn může podat portál, referent registrací nebo vedoucí."

    def has_permission(self, request, view):
        return has_role(request.user, ROLE_API_CLIENT, ROLE_REGISTRATION_OFFICER, ROLE_HEAD)


class DocumentReader(BasePermission):
    message = "K dokumentům nemáte přístup."

    def has_permission(self, request, view):
        return bool(user_agendas(request.user)) or has_role(request.user, ROLE_API_CLIENT, ROLE_READER)
