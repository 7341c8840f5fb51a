"""Roles as declared in code: the portal never sees process screens; removals take effect."""

import pytest
from django.contrib.auth.models import Group, Permission

from workflows.roles import ensure_groups


@pytest.mark.django_db
def test_portal_has_no_process_permissions(demo_users, client):
    portal = demo_users["portal"]
    perms = portal.get_all_permissions()
    assert not [p for p in perms if p.endswith("process") and p.split(".")[1].startswith(("view_", "can_", "manage_"))
                and not p.endswith("_caseprocess")], perms
    client.force_login(portal)
    response = client.get("/app/workflow/flows/opinion/")
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_permission_removed_from_a_role_is_taken_away(roles):
    group = Group.objects.get(name="reader")
    extra = Permission.objects.get(codename="change_case")
    group.permissions.add(extra)
    ensure_groups()
    assert not group.permissions.filter(pk=extra.pk).exists()
