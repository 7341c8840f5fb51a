from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Případy a procesy")

    def ready(self):
        """The engine's own flow (the letter) and templates; agendas register in their ready()."""
        from . import agendas, document_specs, flow_roles, substring
        from .flows.letter import LetterFlow

        substring.register()

        agendas.register_engine_flow(LetterFlow, "mail")
        agendas.register_engine_specs(document_specs.TEMPLATES)
        agendas.register_engine_permissions(flow_roles.ROLE_PERMISSIONS)
        from django.db.models.signals import post_migrate

        from .acts import on_post_migrate

        # the act catalogue is loaded after every migrate (deploy, a fresh or flushed test database)
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="workflows.load_acts")
        from django.db.models.signals import post_save
        from viewflow.workflow.models import Task

        from .notify.services import on_task_saved

        # a task a flow creates already assigned (``.Assign``) notifies its owner
        post_save.connect(on_task_saved, sender=Task, dispatch_uid="workflows.notify_assigned")
