"""The national registry's open data: reconciliation page for the registration officers, its
XLSX export, a run on demand, and our registry in the national format (§ 85)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from workflows.exports import export_response

from .national_registry import selectors
from .national_registry.export import registry_as_national
from .national_registry.services import configured_source


def _filtered(request):
    diffs = selectors.differences()
    kind = request.GET.get("druh", "")
    if kind in selectors.KINDS:
        diffs = [d for d in diffs if d.kind == kind]
    return diffs, kind if kind in selectors.KINDS else ""


@login_required
@permission_required("registrations.view_reconciliation", raise_exception=True)
def reconciliation(request):
    diffs, kind = _filtered(request)
    latest = selectors.latest_import()
    counts = dict(latest.summary) if latest else {}
    return render(request, "registrations/national_registry.html", {
        "active_nav": "registry", "latest": latest, "differences": diffs, "kind": kind,
        "kinds": [(k, label, counts.get(k, 0)) for k, label in selectors.KINDS.items()],
        "total": sum(counts.values()), "runs": selectors.recent_imports(),
        "source_configured": bool(configured_source()),
        "can_run": request.user.has_perm("registrations.run_national_import"),
        "can_export": request.user.has_perm("registrations.export_reconciliation"),
        "can_export_national": request.user.has_perm("registrations.export_national_format"),
    })


@login_required
@permission_required("registrations.export_reconciliation", raise_exception=True)
def reconciliation_export(request):
    diffs, kind = _filtered(request)
    stamp = timezone.localdate().isoformat()
    return export_response("xlsx", f"rozdily-celostatni-registr-{stamp}", selectors.EXPORT_HEADER, [d.row() for d in diffs])


@login_required
@require_POST
@permission_required("registrations.run_national_import", raise_exception=True)
def reconciliation_run(request):
    """Queue the import now (the same Celery task as the daily beat job)."""
    from celery import current_app  # by name: nothing imports worker

    if not configured_source():
        messages.error(request, "Zdroj celostátního registru není nastaven (OSV_NATIONAL_REGISTRY_SOURCE).")
    else:
        job = {"user_pk": request.user.pk, "source": configured_source()}
        transaction.on_commit(lambda: current_app.send_task("osv.import_national_registry", kwargs=job))
        messages.success(request, "Načtení celostátního registru bylo zařazeno; výsledek se objeví na této stránce.")
    return redirect("registrations:national_registry")


@login_required
@permission_required("registrations.export_national_format", raise_exception=True)
def national_format_export(request):
    data = registry_as_national(include_closed=request.GET.get("vse") == "1")
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rpss-nas-registr.json"'
    return response
