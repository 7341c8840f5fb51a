"""Permissions of the registration agenda per role (merged by workflows.roles.ensure_groups)."""

_FLOWS = ["registrationprocess", "changeapplicationprocess", "cancellationprocess"]
_STEPS = ["check", "deliver", "assess", "decide"]

_OFFICER = [f"registrations.can_{step}_{model}" for model in _FLOWS for step in _STEPS]
_OFFICER += [f"registrations.{perm}_{model}" for model in _FLOWS + ["changenoticeprocess"] for perm in ("view", "manage")]
_OFFICER += ["registrations.can_check_changenoticeprocess"]
_OFFICER += [f"registrations.{perm}_{model}" for model in ("provider", "registeredservice", "changenotice", "proceeding")
             for perm in ("view", "change")]
_OFFICER += ["registrations.view_registryversion", "registrations.view_checklistitem"]

# the national registry's open data: reconciliation page and XLSX, a run on demand, our registry in its format
_NATIONAL = [f"registrations.{p}_reconciliation" for p in ("view", "export")]
_NATIONAL_ALL = _NATIONAL + ["registrations.run_national_import", "registrations.export_national_format"]
_OFFICER += _NATIONAL_ALL

_VIEW_PROCESSES = [f"registrations.view_{model}" for model in _FLOWS + ["changenoticeprocess"]]

ROLE_PERMISSIONS = {
    "registration_officer": _OFFICER,
    "department_head": _VIEW_PROCESSES + _NATIONAL + ["registrations.view_provider", "registrations.view_registeredservice"],
    "deputy_head": _VIEW_PROCESSES + _NATIONAL + ["registrations.view_provider", "registrations.view_registeredservice"],
    "admin": _VIEW_PROCESSES + _NATIONAL_ALL + [
        "registrations.add_checklistitem", "registrations.change_checklistitem", "registrations.view_checklistitem",
        "registrations.view_provider", "registrations.view_registeredservice",
    ],
    "reader": ["registrations.view_provider", "registrations.view_registeredservice"],
}
