from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Případy a procesy"

    def ready(self):
        # Import every flow now: Viewflow adds flow permissions to the process models'
        # Meta when a flow class is built, and migrate's post_migrate must see them.
        from . import site  # noqa: F401
