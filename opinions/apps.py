from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = _("Vyjádření k projektům")

    def ready(self):
        """Register the agenda with the engine (flows imported here: see registrations.apps)."""
        from workflows import agendas
        from workflows.permissions import ROLE_ADMIN, ROLE_DEPUTY, ROLE_HEAD, ROLE_PLANNER, ROLE_ROMA_COORDINATOR

        from . import demo, document_specs, menu, roles, selectors
        from .api import register_routes
        from .flows import OpinionFlow
        from .models import OpinionCaseKind, OpinionEvent

        agendas.register(agendas.Agenda(
            name=self.label,
            label=str(self.verbose_name),
            roles=frozenset({ROLE_PLANNER, ROLE_ROMA_COORDINATOR, ROLE_HEAD, ROLE_DEPUTY, ROLE_ADMIN}),
            case_kinds=tuple(OpinionCaseKind.choices),
            event_actions=tuple(OpinionEvent.choices),
            flows=(agendas.FlowEntry(OpinionFlow, "rate_review"),),
            role_permissions=roles.ROLE_PERMISSIONS,
            task_filters=selectors.task_list_filters,
            dashboard=selectors.dashboard_context,
            document_specs=document_specs.TEMPLATES,
            demo_seed=demo.seed,
            api_routes=register_routes,
            start_links=menu.start_links,
            nav_links=menu.nav_links,
        ))
