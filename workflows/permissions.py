"""Roles (Django groups) and who may see which case and document."""

from __future__ import annotations

from . import agendas

ROLE_REGISTRATION_OFFICER = "registration_officer"
ROLE_PLANNER = "planner"
ROLE_ROMA_COORDINATOR = "roma_coordinator"
ROLE_HEAD = "department_head"
ROLE_DEPUTY = "deputy_head"
ROLE_API_CLIENT = "api_client"
ROLE_ADMIN = "admin"
ROLE_READER = "reader"

ROLES = {
    ROLE_REGISTRATION_OFFICER: "referent(ka) registrací",
    ROLE_PLANNER: "pracovník(ice) pro komunitní plánování",
    ROLE_ROMA_COORDINATOR: "krajský koordinátor pro romské záležitosti",
    ROLE_HEAD: "vedoucí odboru sociálních věcí",
    ROLE_DEPUTY: "zástupce vedoucího",
    ROLE_API_CLIENT: "portál / jiný systém",
    ROLE_ADMIN: "správce",
    ROLE_READER: "čtenář",
}



def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_osv_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ROLE_ADMIN)
        user._osv_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def may(user, permission: str) -> bool:
    """May the user take this action (``app.codename``)? Granted by a role (group) only: a
    superuser's blanket rights are for the admin site, not for acts of an agenda."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cache = getattr(user, "_osv_role_perms", None)
    if cache is None:
        if user.is_superuser:  # Django's group permissions of a superuser are all permissions
            from django.contrib.auth.models import Permission

            cache = {f"{app}.{code}" for app, code in Permission.objects.filter(group__user=user)
                     .values_list("content_type__app_label", "codename")}
        else:  # the same set, from Django's per-request cache that ``has_perm`` fills (no second query)
            from django.contrib.auth.backends import ModelBackend

            cache = set(ModelBackend().get_group_permissions(user))
        user._osv_role_perms = cache
    return permission in cache


def can_work_on_agenda(user, agenda: str) -> bool:
    """Which roles work on (see everything of) an agenda is what the agenda registered."""
    registered = agendas.get(agenda)
    return bool(registered and user_roles(user) & registered.roles)


def can_view_case(user, case) -> bool:
    return can_work_on_agenda(user, case.agenda)


def can_view_document(user, document) -> bool:
    """Staff of the agenda see all; a reader sees issued documents without personal data."""
    if can_work_on_agenda(user, document.case.agenda):
        return True
    if has_role(user, ROLE_READER):
        return document.status == document.Status.ISSUED and not document.personal_data
    return False
