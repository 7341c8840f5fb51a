"""The registration flows moved from workflows/flows/ to registrations/flows/ (issue 9)."""

from django.db import migrations

from workflows.flow_refs import flow_refs_operation

MOVED = {
    f"workflows/flows.{module}.{flow}": f"registrations/flows.{module}.{flow}"
    for module, flow in [
        ("registration", "RegistrationFlow"),
        ("change_notice", "ChangeNoticeFlow"),
        ("change_application", "ChangeApplicationFlow"),
        ("cancellation", "CancellationFlow"),
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0005_proceeding_ordering_phase_index"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [flow_refs_operation(MOVED)]
