"""Permissions of the opinion agenda per role (merged by workflows.roles.ensure_groups)."""

_VIEW = ["opinions.view_opinionprocess", "opinions.view_opinion", "opinions.view_call", "opinions.view_plan",
         "opinions.view_individualproject"]

ROLE_PERMISSIONS = {
    "planner": _VIEW + ["opinions.can_start_opinionprocess", "opinions.can_draft_opinionprocess"],
    "roma_coordinator": _VIEW + ["opinions.can_start_opinionprocess", "opinions.can_draft_roma_opinionprocess"],
    "department_head": _VIEW + ["opinions.can_start_opinionprocess", "opinions.can_approve_opinionprocess",
                                "opinions.manage_opinionprocess"],
    "deputy_head": _VIEW + ["opinions.can_approve_opinionprocess"],
    # the portal works only through the API (own submissions); no Viewflow process screens
    "api_client": [],
    "admin": _VIEW + [
        "opinions.add_plan", "opinions.change_plan", "opinions.add_planimportupload", "opinions.view_planimportupload",
        "opinions.change_planitem", "opinions.view_planitem",
        "opinions.add_call", "opinions.change_call", "opinions.add_programme", "opinions.change_programme",
        "opinions.view_programme", "opinions.add_areaofsupport", "opinions.change_areaofsupport",
        "opinions.view_areaofsupport", "opinions.add_individualproject", "opinions.change_individualproject",
        "opinions.add_individualprojectservice", "opinions.change_individualprojectservice",
        "opinions.view_individualprojectservice",
    ],
}
