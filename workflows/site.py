"""The Viewflow site: one workflow app with every process (one inbox/queue/archive)."""

from django.utils.translation import gettext_lazy as _
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Site
from viewflow.workflow.flow import FlowViewset, WorkflowAppViewset

from workflows.flows.letter import LetterFlow
from workflows.flows.opinion import OpinionFlow
from workflows.flows.cancellation import CancellationFlow
from workflows.flows.change_application import ChangeApplicationFlow
from workflows.flows.change_notice import ChangeNoticeFlow
from workflows.flows.registration import RegistrationFlow

# Each agenda adds its flows here (registrations, opinions).
FLOW_VIEWSETS = [
    FlowViewset(LetterFlow, icon="mail"),
    FlowViewset(OpinionFlow, icon="rate_review"),
    FlowViewset(RegistrationFlow, icon="how_to_reg"),
    FlowViewset(ChangeNoticeFlow, icon="edit_note"),
    FlowViewset(ChangeApplicationFlow, icon="published_with_changes"),
    FlowViewset(CancellationFlow, icon="block"),
]

site = Site(
    title=_("Agenda sociálních věcí"),
    viewsets=[
        WorkflowAppViewset(
            title=_("Procesy"),
            icon="assignment",
            app_name="workflow",
            flow_viewsets=FLOW_VIEWSETS,
        ),
    ],
)
auth_viewset = AuthViewset(with_profile_view=False)
