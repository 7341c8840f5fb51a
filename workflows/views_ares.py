"""JSON endpoint behind the "Načíst z ARES" button (static/osv/ares.js)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from . import ares
from .selectors import user_agendas


@login_required
@require_GET
def ares_lookup(request):
    """Staff of an agenda (who take in applications and requests) may look a company up."""
    if not user_agendas(request.user):
        return JsonResponse({"ok": False, "error": "K vyhledávání v registru ARES nemáte oprávnění."}, status=403)
    try:
        company = ares.lookup(request.GET.get("ico", ""))
    except ares.AresError as exc:
        return JsonResponse({"ok": False, "error": exc.message}, status=exc.status)
    return JsonResponse({"ok": True, "company": company.as_dict()}, json_dumps_params={"ensure_ascii": False})
