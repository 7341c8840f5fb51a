from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Případy a procesy"

    def ready(self):
        # Import every flow now: Viewflow adds flow permissions to the process models'
        # Meta when a flow class is built, and migrate's post_migrate must see them.
        from django.db.models.signals import post_migrate

        from . import site  # noqa: F401
        from .acts import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="workflows.load_acts")
