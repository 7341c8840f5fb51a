from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Případy a procesy")

    def ready(self):
        """The engine's own flow (the letter) and templates; agendas register in their ready()."""
        from . import agendas, document_specs, flow_roles
        from .flows.letter import LetterFlow

        agendas.register_engine_flow(LetterFlow, "mail")
        agendas.register_engine_specs(document_specs.TEMPLATES)
        agendas.register_engine_permissions(flow_roles.ROLE_PERMISSIONS)
