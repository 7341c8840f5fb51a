"""What the opinion agenda puts into the main navigation and the "Nový případ" menu."""

from __future__ import annotations

from django.urls import reverse

from workflows.permissions import can_work_on_agenda
from workflows.work_surface import start_url

from .flows import OpinionFlow


def start_links(user, **context) -> list[dict]:
    if context.get("provider") is not None:
        return []  # an opinion is requested by an applicant, not started from the registry
    url = start_url(OpinionFlow, user)
    return [{"label": "Zaevidovat žádost o vyjádření", "url": url}] if url else []


def nav_links(user) -> list[dict]:
    if not can_work_on_agenda(user, "opinions"):
        return []
    return [{"label": "Vyjádření", "url": reverse("opinions:list"), "key": "opinions"}]
