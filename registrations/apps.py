from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrace poskytovatelů")

    def ready(self):
        """Register the agenda with the engine. Importing the flows here also lets Viewflow add
        their permissions to the process models before ``post_migrate`` creates them."""
        from workflows import agendas
        from workflows.permissions import ROLE_ADMIN, ROLE_DEPUTY, ROLE_HEAD, ROLE_REGISTRATION_OFFICER

        from . import demo, document_specs, menu, roles, selectors
        from .api import register_routes
        from .flows.cancellation import CancellationFlow
        from .flows.change_application import ChangeApplicationFlow
        from .flows.change_notice import ChangeNoticeFlow
        from .flows.registration import RegistrationFlow
        from .models import RegistrationCaseKind, RegistrationEvent

        agendas.register(agendas.Agenda(
            name=self.label,
            label=str(self.verbose_name),
            roles=frozenset({ROLE_REGISTRATION_OFFICER, ROLE_HEAD, ROLE_DEPUTY, ROLE_ADMIN}),
            case_kinds=tuple(RegistrationCaseKind.choices),
            event_actions=tuple(RegistrationEvent.choices),
            flows=(
                agendas.FlowEntry(RegistrationFlow, "how_to_reg"),
                agendas.FlowEntry(ChangeNoticeFlow, "edit_note"),
                agendas.FlowEntry(ChangeApplicationFlow, "published_with_changes"),
                agendas.FlowEntry(CancellationFlow, "block"),
            ),
            role_permissions=roles.ROLE_PERMISSIONS,
            task_filters=selectors.task_list_filters,
            case_search_q=selectors.case_search_q,
            registry_search=selectors.registry_search,
            case_detail=selectors.case_detail_context,
            document_specs=document_specs.TEMPLATES,
            document_fields=document_specs.FIELDS,
            demo_seed=demo.seed,
            api_routes=register_routes,
            start_links=menu.start_links,
        ))

        from .dispatch import connect

        connect()  # delivery reported by the data box → the proceeding's delivery step
