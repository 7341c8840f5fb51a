"""The Viewflow site, assembled from the flows the engine and the agendas registered.

Viewflow's own screens (the "Procesy" app) are kept for administrators; people work in the
project's own pages. One workflow app holds every process (one inbox/queue/archive).
"""

from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Site
from viewflow.workflow.flow import FlowViewset, WorkflowAppViewset

from workflows import agendas


def build_site() -> Site:
    return Site(
        title=_("Agenda sociálních věcí"),
        viewsets=[
            WorkflowAppViewset(
                title=_("Procesy"),
                icon="assignment",
                app_name="workflow",
                flow_viewsets=[FlowViewset(entry.flow_class, icon=entry.icon) for entry in agendas.flows()],
            ),
        ],
    )


site = build_site()
auth_viewset = AuthViewset(with_profile_view=False)
