"""Permissions for the engine's own flows (the letter)."""

ROLE_PERMISSIONS = {
    "registration_officer": ["workflows.view_letterprocess", "workflows.manage_letterprocess", "workflows.can_repair_letterprocess",
                             "workflows.change_dispatch"],  # retry / switch a stopped dispatch to paper
}
