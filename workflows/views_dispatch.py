"""The officer's actions on a stopped dispatch (POST from the case page): retry, switch to paper.

Permission by the action (``workflows.change_dispatch``, granted to registration officers) and
access to the case; the work is in ``workflows.dispatch.actions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from .dispatch import actions
from .dispatch.models import Dispatch
from .permissions import can_view_case, may


def _dispatch_for(request, pk: int) -> Dispatch:
    dispatch = get_object_or_404(Dispatch.objects.select_related("case"), pk=pk)
    if not can_view_case(request.user, dispatch.case) or not may(request.user, actions.PERMISSION):
        raise PermissionDenied(gettext("Odeslání písemností nemáte oprávnění řídit."))
    return dispatch


def _act(request, pk: int, action, done: str):
    dispatch = _dispatch_for(request, pk)
    try:
        action(dispatch.pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(reverse("cases:case_detail", args=[dispatch.case_id]) + "#h-dispatch")


@login_required
@require_POST
def dispatch_retry(request, pk: int):
    return _act(request, pk, actions.retry, gettext("Odeslání bylo znovu spuštěno; stav se zobrazí po zpracování."))


@login_required
@require_POST
def dispatch_to_paper(request, pk: int):
    return _act(request, pk, actions.to_paper,
                gettext("Odeslání bylo převedeno na listinné doručení. Písemnost vytiskněte a po doručení zapište doručenku."))
