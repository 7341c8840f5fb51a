"""Views of the registration agenda: thin — parse a form, call a handler/service, render.

``TaskFormView`` and ``StartFormView`` serve the Viewflow nodes: the form's
``handler_kwargs()`` go to the flow's step handler named on the node (``handler``), which
calls the services. A ``ValidationError`` from a service shows on the form and nothing
is written (the handler runs in a savepoint).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import generic
from viewflow.workflow.flow.views import mixins as vf_mixins

from workflows import access_log
from workflows import preview
from workflows.exports import csv_safe
from workflows.models import Document
from workflows.permissions import ROLE_READER, has_role, may
from workflows.work_surface import landing_url, start_links

from . import documents, selectors, services
from .forms import NationalIdForm, ProviderIdentityForm, RemedyExtendForm
from .models import ChangeNotice, Proceeding, Provider, RegisteredService


def _apply_validation_error(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def run_handler(request, handler: str, form) -> bool:
    """Call the flow's step handler with the form data; a Czech ValidationError goes back to
    the form (nothing written), otherwise the task is completed."""
    activation = request.activation
    try:
        with transaction.atomic():
            getattr(activation.flow_class.instance, handler)(activation, user=request.user, **form.handler_kwargs())
    except ValidationError as exc:
        _apply_validation_error(form, exc)
        return False
    activation.execute()
    return True


def task_summary(case_id: int) -> dict:
    """What the officer sees beside a task form: the proceeding or notice, services, documents."""
    proceeding = Proceeding.objects.select_related("case", "provider").filter(case_id=case_id).first()
    summary: dict = {"proceeding": proceeding, "notice": None, "services": [], "missing": []}
    if proceeding is not None:
        summary["services"] = documents.service_rows(proceeding)
        if proceeding.phase in (Proceeding.Phase.CHECK, Proceeding.Phase.SUSPENDED):
            summary["missing"] = selectors.missing_items(proceeding)
    else:
        summary["notice"] = ChangeNotice.objects.select_related("provider", "service__service_type").filter(
            case_id=case_id).first()
    summary["documents"] = list(Document.objects.filter(case_id=case_id).order_by("-created_at")[:10])
    return summary


class TaskFormView(vf_mixins.TaskSuccessUrlMixin, vf_mixins.TaskViewTemplateNames, generic.FormView):
    """Execute a View node: form → flow handler → activation.execute()."""

    handler: str = ""
    template_filename = "task.html"
    success_message = _("Úkol byl dokončen.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["activation"] = self.request.activation
        return kwargs

    def get_template_names(self):
        return ["registrations/task.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = task_summary(self.request.activation.process.case_id)
        return context

    def get_success_url(self):
        """The user's next task on the case, else the case page (never Viewflow's pages)."""
        return landing_url(self.request.user, self.request.activation.process.case_id)

    def _step(self, form):
        activation = self.request.activation
        getattr(activation.flow_class.instance, self.handler)(activation, user=self.request.user, **form.handler_kwargs())
        activation.execute()
        return activation.process

    def form_valid(self, form):
        # preview → confirm: a step that issues an act shows it first (workflows/preview.py)
        try:
            shown = preview.preview_step(self.request, lambda: self._step(form))
        except ValidationError as exc:
            _apply_validation_error(form, exc)
            return self.form_invalid(form)
        if shown is not None:
            return self.render_to_response(self.get_context_data(
                form=form, preview=shown, confirm_field=preview.CONFIRM_FIELD,
                confirm_token=preview.confirm_token(self.request.POST)))
        if not run_handler(self.request, self.handler, form):
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class StartFormView(vf_mixins.ProcessViewTemplateNames, generic.FormView):
    """Execute a Start node: the intake form starts the process."""

    handler: str = ""
    template_filename = "start.html"

    @property
    def flow_class(self):
        return self.request.activation.flow_class

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["activation"] = self.request.activation
        return kwargs

    def get_initial(self):
        """Started from the provider's page: the provider (and its services) prefilled."""
        initial = super().get_initial()
        provider = Provider.objects.filter(pk=self.request.GET.get("poskytovatel") or 0).first() \
            if str(self.request.GET.get("poskytovatel", "")).isdigit() else None
        if provider is not None and hasattr(self.form_class, "initial_for_provider"):
            initial.update(self.form_class.initial_for_provider(provider))
        return initial

    def form_valid(self, form):
        if not run_handler(self.request, self.handler, form):
            return self.form_invalid(form)
        case = self.request.activation.process.case
        messages.success(self.request, _("Případ založen: {}").format(case.file_mark))
        return redirect(landing_url(self.request.user, case.pk))


# ------------------------------------------------------------------ registry pages


def _can_see_registry(user) -> bool:
    """The registry is public data: every agenda's staff and the reader (not the API client)."""
    from workflows.selectors import user_agendas

    return bool(user_agendas(user)) or has_role(user, ROLE_READER)


REGISTRY_PAGE = 50


@login_required
def registry(request):
    if not _can_see_registry(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    staff = selectors.is_registry_staff(request.user)
    from django.core.paginator import Paginator

    page = Paginator(selectors.provider_list(query=query, public=not staff), REGISTRY_PAGE).get_page(
        request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "registrations/registry.html", {"providers": page.object_list, "page": page,
                                                           "params": params.urlencode(),
                                                           "query": query, "active_nav": "registry",
                                                           "staff": staff})


@login_required
def provider_detail(request, pk: int):
    if not _can_see_registry(request.user):
        raise PermissionDenied
    staff = selectors.is_registry_staff(request.user)
    provider = get_object_or_404(Provider.objects.all() if staff else selectors.public_providers(), pk=pk)
    record = selectors.provider_record(provider, user=request.user, staff=staff)
    access_log.record(request, provider, view="provider_detail")
    can_edit = request.user.has_perm("registrations.change_provider")
    identity_form = ProviderIdentityForm(initial={f: getattr(provider, f) for f in ("ico", *IDENTITY_FIELDS)}) if can_edit else None
    return render(request, "registrations/provider_detail.html", {"record": record, "provider": provider, "active_nav": "registry",
                                                                  "staff": staff, "public_address": selectors.public_address(provider),
                                                                  "start_links": start_links(request.user, provider=provider),
                                                                  "id_form": NationalIdForm(), "identity_form": identity_form})


IDENTITY_FIELDS = ("name", "legal_form", "address", "statutory_body")


@login_required
def provider_identity(request, pk: int):
    """Save corrected identification of a provider (the form of the provider page, ARES pre-fill)."""
    if request.method != "POST" or not request.user.has_perm("registrations.change_provider"):
        raise PermissionDenied
    provider = get_object_or_404(Provider, pk=pk)
    form = ProviderIdentityForm(request.POST, initial={"ico": provider.ico})
    if form.is_valid():
        try:
            data = {f: form.cleaned_data[f] for f in IDENTITY_FIELDS}
            if services.provider_update_identity(provider=provider, actor=request.user, **data):
                messages.success(request, _("Identifikační údaje poskytovatele uloženy (zapsáno do historie rejstříku)."))
            else:
                messages.info(request, _("Údaje se nezměnily."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Údaje poskytovatele nebyly uloženy: ") + " ".join(
            str(e) for errors in form.errors.values() for e in errors))
    return redirect("registrations:provider", pk=provider.pk)


@login_required
def service_national_id(request, pk: int):
    if request.method != "POST" or not may(request.user, "registrations.change_registeredservice"):
        raise PermissionDenied  # the § 85 identifier is the officer's write; head and deputy only read it
    service = get_object_or_404(RegisteredService, pk=pk)
    form = NationalIdForm(request.POST)
    if form.is_valid():
        try:
            services.service_set_national_id(service=service, national_id=form.cleaned_data["national_id"], actor=request.user)
            messages.success(request, _("Identifikátor služby uložen."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("registrations:provider", pk=service.provider_id)


@login_required
def remedy_extend(request, pk: int):
    """§ 39 odst. 2: extend the remedy deadline of a suspended proceeding (officer)."""
    from workflows.models import Case

    if request.method != "POST" or not may(request.user, "registrations.change_proceeding"):
        raise PermissionDenied  # extending a deadline is the officer's act
    case = get_object_or_404(Case, pk=pk, proceeding__isnull=False)  # a registration proceeding, nothing else
    form = RemedyExtendForm(request.POST)
    if form.is_valid():
        try:
            services.remedy_extend(proceeding=case.proceeding, new_deadline=form.cleaned_data["new_deadline"],
                                   note=form.cleaned_data["note"], actor=request.user)
            messages.success(request, _("Lhůta k odstranění nedostatků prodloužena."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("registrations:provider", pk=case.proceeding.provider_id)


@login_required
def registry_export(request, fmt: str):
    if not _can_see_registry(request.user):
        raise PermissionDenied
    rows = selectors.registry_public_rows(include_closed=request.GET.get("vse") == "1")
    if fmt == "json":
        response = JsonResponse({"providers_services": rows}, json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = 'attachment; filename="registr-poskytovatelu.json"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registr-poskytovatelu.csv"'
    response.write("\ufeff")
    writer = csv.DictWriter(response, fieldnames=selectors.PUBLIC_COLUMNS, delimiter=";")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_safe(", ".join(v) if isinstance(v, list) else v) for k, v in row.items()})
    return response
