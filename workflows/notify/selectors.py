"""Reads: the bell's count (one indexed query on every page), the list, the saved views."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from .models import Notification, NotificationPreference, SavedView

SCOPE_URLS = {
    SavedView.Scope.INBOX: "cases:inbox",
    SavedView.Scope.QUEUE: "cases:queue",
    SavedView.Scope.TEAM: "cases:team",
    SavedView.Scope.SEARCH: "cases:search",
}


def unread_count(user) -> int:
    """The bell: one COUNT over the (user, read_at) index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(user, "_osv_unread", None)  # one count per request, however often the frame asks
    if cached is None:
        cached = user._osv_unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
    return cached


def notifications_for(user):
    return Notification.objects.filter(user=user).select_related("case")


def email_choices(user) -> list[dict]:
    pref = NotificationPreference.objects.filter(user=user).values_list("email_kinds", flat=True).first()
    chosen = set(Notification.Kind.values) if pref is None else set(pref)
    return [{"value": value, "label": label, "checked": value in chosen} for value, label in Notification.Kind.choices]


def _url(view: SavedView) -> str:
    base = reverse(SCOPE_URLS[view.scope])
    return f"{base}?{view.query}" if view.query else base


def saved_views(user, scope: str, *, current_query: str = "") -> dict:
    """The user's own views of a list, and the views colleagues of the same agenda share (read-only)."""
    from ..selectors import user_agendas

    mine = user_agendas(user)
    rows = list(SavedView.objects.filter(Q(owner=user) | Q(shared=True), scope=scope).select_related("owner"))  # one query
    own = [v for v in rows if v.owner_id == user.pk]
    shared = [v for v in rows if v.owner_id != user.pk and mine & set(v.agendas)]
    for view in own + shared:
        view.url = _url(view)
        view.current = view.query == current_query
    return {"scope": scope, "own": own, "shared": shared, "query": current_query}


def visible_shared_view(user, pk: int) -> SavedView | None:
    from ..selectors import user_agendas

    view = SavedView.objects.filter(pk=pk, shared=True).exclude(owner=user).first()
    if view is None or not (user_agendas(user) & set(view.agendas)):
        return None
    return view
