"""Notifications (the bell's page, mark read, e-mail choices) and saved views of the lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors as sel
from .notify import selectors as notify_sel
from .notify import services
from .notify.models import SavedView
from .permissions import ROLE_READER, has_role


@login_required
@require_GET
def notification_list(request):
    page = Paginator(notify_sel.notifications_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "osv/notifications.html", {
        "title": "Upozornění", "active_nav": "notifications", "page": page,
    })


@login_required
@require_GET
def notification_open(request, pk: int):
    """Opening a notification marks it read and goes to its task or case."""
    note = services.mark_read(user=request.user, pk=pk)
    if note is None:
        raise Http404(gettext("Upozornění nenalezeno."))
    target = note.url if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}) \
        else reverse("cases:notifications")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def notification_read(request, pk: int):
    if services.mark_read(user=request.user, pk=pk) is None:
        raise Http404(gettext("Upozornění nenalezeno."))
    return HttpResponseRedirect(reverse("cases:notifications"))


@login_required
@require_POST
def notifications_read_all(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, gettext("Označeno jako přečtené: {count}.").format(count=count))
    return HttpResponseRedirect(reverse("cases:notifications"))


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    if request.method == "POST":
        services.set_email_kinds(user=request.user, kinds=request.POST.getlist("email"))
        messages.success(request, gettext("Nastavení upozornění uloženo."))
        return HttpResponseRedirect(reverse("cases:notification_settings"))
    return render(request, "osv/notification_settings.html", {
        "title": "Nastavení upozornění", "active_nav": "notifications",
        "choices": notify_sel.email_choices(request.user), "has_email": bool(request.user.email),
    })


# ------------------------------------------------------------------ saved views


def may_use_scope(user, scope: str) -> bool:
    """Saved views of a list only for those who may open the list."""
    works = bool(sel.user_agendas(user))
    if scope in (SavedView.Scope.INBOX, SavedView.Scope.QUEUE):
        return works
    if scope == SavedView.Scope.TEAM:
        return works and sel.can_see_team(user)
    if scope == SavedView.Scope.SEARCH:
        return works or has_role(user, ROLE_READER)
    return False


def _back_to(view_scope: str, query: str = "") -> HttpResponseRedirect:
    base = reverse(notify_sel.SCOPE_URLS[view_scope])
    return HttpResponseRedirect(f"{base}?{query}" if query else base)


@login_required
@require_POST
def saved_view_create(request):
    scope = request.POST.get("scope", "")
    if scope not in SavedView.Scope.values or not may_use_scope(request.user, scope):
        raise PermissionDenied(gettext("Pro tento seznam si pohledy ukládat nemůžete."))
    query = request.POST.get("query", "")
    try:
        view = services.saved_view_create(owner=request.user, scope=scope, name=request.POST.get("name", ""),
                                          query=query, shared=bool(request.POST.get("shared")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back_to(scope, services.clean_query(query))
    messages.success(request, gettext("Pohled „{name}“ uložen{shared}.").format(
        name=view.name, shared=gettext(" a sdílen s týmem") if view.shared else ""))
    return _back_to(scope, view.query)


@login_required
@require_POST
def saved_view_delete(request, pk: int):
    view = SavedView.objects.filter(pk=pk, owner=request.user).first()
    if view is None:
        raise PermissionDenied(gettext("Smazat pohled může jen ten, kdo si jej uložil."))
    services.saved_view_delete(owner=request.user, pk=pk)
    messages.success(request, gettext("Pohled „{name}“ smazán.").format(name=view.name))
    return _back_to(view.scope)


@login_required
@require_POST
def saved_view_copy(request, pk: int):
    view = notify_sel.visible_shared_view(request.user, pk)
    if view is None or not may_use_scope(request.user, view.scope):
        raise PermissionDenied(gettext("Tento pohled s vámi nikdo nesdílí."))
    copy = services.saved_view_copy(user=request.user, view=view)
    messages.success(request, gettext("Pohled „{name}“ zkopírován mezi vaše pohledy.").format(name=copy.name))
    return _back_to(copy.scope, copy.query)
