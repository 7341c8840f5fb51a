"""Groups for the roles of domain.md and the permissions each one gets.

Agendas declare their permissions (``ROLE_PERMISSIONS = {role: ["app_label.codename", ...]}``
in ``<agenda>/roles.py``) when they register with ``workflows.agendas``; ``ensure_groups``
merges them, so running it again after a new flow node appears grants the new permission.
"""

from __future__ import annotations


from django.contrib.auth.models import Group, Permission
from django.db import transaction

from . import agendas
from .permissions import ROLES

BASE_PERMISSIONS = {role: ["workflows.view_caseprocess"] for role in ROLES}
BASE_PERMISSIONS["admin"] = BASE_PERMISSIONS["admin"] + [
    "workflows.view_case", "workflows.change_servicetype", "workflows.change_targetgroup",
    "workflows.add_documenttemplate", "workflows.change_documenttemplate", "workflows.view_documenttemplate",
]


def role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {role: set(perms) for role, perms in BASE_PERMISSIONS.items()}
    for role, perms in agendas.role_permissions().items():
        merged.setdefault(role, set()).update(perms)
    return merged


def _permission(full: str) -> Permission:
    app_label, codename = full.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_groups() -> dict[str, int]:
    """Create a group per role with exactly the permissions declared in code (idempotent;
    a permission removed from a role's list is taken away on the next run)."""
    counts = {}
    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([_permission(p) for p in sorted(perms)])
        counts[role] = group.permissions.count()
    return counts
