"""What the registration agenda puts into the "Nový případ" menu (``Agenda.start_links``).

On the provider's page the links carry the provider (``?poskytovatel=<pk>``), which the start
forms read as their initial data (``initial_from_query`` of the intake forms)."""

from __future__ import annotations

from workflows.work_surface import start_url

from .flows.cancellation import CancellationFlow
from .flows.change_application import ChangeApplicationFlow
from .flows.change_notice import ChangeNoticeFlow
from .flows.registration import RegistrationFlow

LINKS = [
    (RegistrationFlow, "Nová žádost o registraci"),
    (ChangeNoticeFlow, "Oznámení změn"),
    (ChangeApplicationFlow, "Žádost o změnu registrace"),
    (CancellationFlow, "Zrušení registrace"),
]


def start_links(user, provider=None) -> list[dict]:
    query = f"poskytovatel={provider.pk}" if provider is not None else ""
    links = []
    for flow_class, label in LINKS:
        url = start_url(flow_class, user, query)
        if url:
            links.append({"label": label, "url": url})
    return links
