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
from workflows.formats import czech_date
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


def _previewed(view, form, preview_fn):
    """The page showing the rendered act to confirm (or the form with its error), or None when
    the step runs now: the rest of preview → confirm (workflows/preview.py) for steps and starts."""
    try:
        shown = preview_fn(view.request, lambda: view._step(form))
    except ValidationError as exc:
        _apply_validation_error(form, exc)
        return view.form_invalid(form)
    if shown is None:
        return None
    return view.render_to_response(view.get_context_data(
        form=form, preview=shown, confirm_field=preview.CONFIRM_FIELD,
        confirm_token=preview.confirm_token(view.request.POST)))


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
        if proceeding.phase in (Proceeding.Phase.CHECK, Proceeding.Phase.ASSESSMENT, Proceeding.Phase.COMMENTS,
                                Proceeding.Phase.DECISION):
            # after the ministry returned the case, the officer decides bound by its legal view
            summary["returned_appeal"] = selectors.returned_appeal(proceeding)
    else:
        summary["notice"] = ChangeNotice.objects.select_related("provider", "service__service_type").filter(
            case_id=case_id).first()
    summary["documents"] = list(Document.objects.filter(case_id=case_id).order_by("-created_at")[:10])
    return summary


class TaskFormView(vf_mixins.TaskSuccessUrlMixin, vf_mixins.TaskViewTemplateNames, generic.FormView):
    """Execute a View node: form → flow handler → activation.execute()."""

    previews_acts = True  # form_valid: preview → confirm (tests/workflows/test_preview_coverage.py)

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
        shown = _previewed(self, form, preview.preview_step)
        if shown is not None:
            return shown
        if not run_handler(self.request, self.handler, form):
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class StartFormView(vf_mixins.ProcessViewTemplateNames, generic.FormView):
    """Execute a Start node: the intake form starts the process."""

    previews_acts = True

    handler: str = ""
    template_filename = "start.html"

    @property
    def flow_class(self):
        return self.request.activation.flow_class

    PROVIDER_RESULTS = 20

    @property
    def provider_first(self) -> bool:
        return getattr(self.form_class, "provider_first", False)

    @property
    def provider(self) -> Provider | None:
        """The provider chosen first (``poskytovatel``: the search step, or the provider's page)."""
        if not hasattr(self, "_provider"):
            raw = str(self.request.POST.get("poskytovatel") or self.request.GET.get("poskytovatel") or "")
            self._provider = Provider.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        return self._provider

    def get(self, request, *args, **kwargs):
        if self.provider_first and self.provider is None:
            return self.choose_provider(request)
        return super().get(request, *args, **kwargs)

    def choose_provider(self, request):
        """Step one of a notice, change or cancellation: find the provider by IČO or name."""
        query = request.GET.get("q", "").strip()[:100]
        results = list(selectors.provider_list(query=query).filter(active_services__gt=0)[:self.PROVIDER_RESULTS]) \
            if query else []
        return render(request, "registrations/start_provider.html", {
            "query": query, "results": results, "more": len(results) == self.PROVIDER_RESULTS,
            "view": self})

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["activation"] = self.request.activation
        if self.provider_first:
            kwargs["provider"] = self.provider
        return kwargs

    def get_initial(self):
        """Started from the provider's page (or its search): the provider's services prefilled."""
        initial = super().get_initial()
        if self.provider is not None and hasattr(self.form_class, "initial_for_provider"):
            initial.update(self.form_class.initial_for_provider(self.provider))
        return initial

    def get_template_names(self):
        return ["registrations/start.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chosen_provider"] = self.provider if self.provider_first else None
        return context

    def _step(self, form):
        activation = self.request.activation
        getattr(activation.flow_class.instance, self.handler)(activation, user=self.request.user, **form.handler_kwargs())
        activation.execute()
        return activation.process

    def form_valid(self, form):
        # preview → confirm: a start that issues an act (the oznámení o zahájení řízení of an
        # ex officio cancellation) shows it first (workflows/preview.py)
        shown = _previewed(self, form, preview.preview_start)
        if shown is not None:
            return shown
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
    natural = [p.name for p in page.object_list if p.is_natural_person]
    if natural:  # a page naming natural persons: one entry for the page, naming them
        access_log.record_list(request, object_type="registrations.provider", view="registry",
                               count=len(page.object_list), query=query, names=natural)
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
    can_edit = may(request.user, "registrations.change_provider")
    identity_form = ProviderIdentityForm(initial={f: getattr(provider, f) for f in ("ico", *IDENTITY_FIELDS)}) if can_edit else None
    return render(request, "registrations/provider_detail.html", {"record": record, "provider": provider, "active_nav": "registry",
                                                                  "staff": staff, "public_address": selectors.public_address(provider),
                                                                  "start_links": start_links(request.user, provider=provider),
                                                                  "id_form": NationalIdForm(), "identity_form": identity_form})


IDENTITY_FIELDS = ("name", "legal_form", "address", "statutory_body")


@login_required
def provider_identity(request, pk: int):
    """Save corrected identification of a provider (the form of the provider page, ARES pre-fill)."""
    if request.method != "POST" or not may(request.user, "registrations.change_provider"):
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
    access_log.record_list(request, object_type="registrations.provider", view=f"registry_export_{fmt}", count=len(rows))
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


# ------------------------------------------------------------------ case page: stop, correct an act

def _proceeding_for(request, pk: int) -> Proceeding:
    proceeding = get_object_or_404(Proceeding.objects.select_related("case", "provider"), case_id=pk)
    if not selectors.may_decide(request.user, proceeding):
        raise PermissionDenied(_("Tento úkon může provést jen referent, který v řízení rozhoduje."))
    return proceeding


def _act_form_page(request, proceeding, form, *, title: str, intro: str, step, done_message: str, submit: str):
    """GET: the form; POST: preview of the act → confirmation → the act is issued (one transaction)."""
    context = {"form": form, "case": proceeding.case, "title": title, "intro": intro, "submit": submit,
               "active_nav": "inbox"}
    if request.method == "POST" and form.is_valid():
        try:
            shown = preview.preview_action(request, step)
            if shown is None:
                with transaction.atomic():
                    step()
                messages.success(request, done_message)
                return redirect("cases:case_detail", pk=proceeding.case_id)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            context |= {"preview": shown, "confirm_field": preview.CONFIRM_FIELD,
                        "confirm_token": preview.confirm_token(request.POST)}
    return render(request, "registrations/case_act.html", context)


@login_required
def proceeding_stop(request, pk: int):
    """Zastavit řízení: the usnesení the law wants (§ 66), noted in the file; the case closes."""
    proceeding = _proceeding_for(request, pk)
    grounds = services.stop_grounds(proceeding)
    if not grounds:
        messages.error(request, _("Řízení už bylo rozhodnuto nebo skončilo; zastavit ho nelze."))
        return redirect("cases:case_detail", pk=pk)
    from .forms import StopProceedingForm

    form = StopProceedingForm(request.POST or None, grounds=grounds)

    def step():
        data = form.cleaned_data
        services.proceeding_stop(proceeding=proceeding, ground=data["ground"], reason=data["reason"],
                                 withdrawn_on=data.get("withdrawn_on"), actor=request.user)

    return _act_form_page(request, proceeding, form, title=_("Zastavit řízení"), step=step,
                          intro=_("Řízení se zastaví usnesením podle § 66 správního řádu, které se poznamená do spisu; "
                                  "otevřené úkoly řízení se ukončí a případ se uzavře."),
                          done_message=_("Řízení zastaveno; usnesení je ve spisu."), submit=_("Zobrazit náhled usnesení"))


@login_required
def act_correct(request, pk: int):
    """Opravit vydaný akt: an opravné usnesení (§ 70); an issued act is never changed or removed."""
    proceeding = _proceeding_for(request, pk)
    documents = Document.objects.filter(pk__in=[d.pk for d in Document.objects.filter(case_id=pk)
                                                if services.correctable(d)]).order_by("-created_at")
    if not documents.exists():
        messages.error(request, _("V řízení není vydaný akt s výrokem, který by šlo opravit."))
        return redirect("cases:case_detail", pk=pk)
    from .forms import CorrectActForm

    form = CorrectActForm(request.POST or None, documents=documents,
                          initial={"document": request.GET.get("akt")} if request.GET.get("akt", "").isdigit() else None)

    def step():
        data = form.cleaned_data
        services.act_correct(document=data["document"], correction=data["correction"], reason=data["reason"],
                             actor=request.user)

    return _act_form_page(request, proceeding, form, title=_("Opravit vydaný akt (§ 70 správního řádu)"), step=step,
                          intro=_("Zřejmou nesprávnost v písemném vyhotovení aktu opraví opravné usnesení, které se "
                                  "doručí účastníkům; původní akt zůstává ve spisu označený jako opravený."),
                          done_message=_("Opravné usnesení vydáno; odesílá se účastníkům."),
                          submit=_("Zobrazit náhled opravného usnesení"))


@login_required
def appeal_waiver(request, pk: int):
    """Vzdání se odvolání (§ 81 odst. 2): one date in the history; the finality task prefills from it."""
    proceeding = _proceeding_for(request, pk)
    if not selectors.waiver_possible(proceeding):
        messages.error(request, _("Odvolání se lze vzdát jen v době od doručení rozhodnutí do jeho právní moci."))
        return redirect("cases:case_detail", pk=pk)
    from .forms import AppealWaiverForm

    form = AppealWaiverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposed = services.appeal_waiver_record(proceeding=proceeding, waived_on=form.cleaned_data["waived_on"],
                                                     actor=request.user)
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, _("Vzdání se odvolání zapsáno; právní moc ke dni {day} potvrďte v úkolu.")
                             .format(day=czech_date(proposed)))
            return redirect(landing_url(request.user, pk))
    return render(request, "registrations/case_act.html", {
        "form": form, "case": proceeding.case, "title": _("Vzdání se odvolání"), "submit": _("Zapsat"),
        "intro": _("Účastník se vzdal odvolání: zapište den, kdy prohlášení došlo. Zapíše se do historie a úkol "
                   "„Lhůta k odvolání“ předvyplní den právní moci."), "active_nav": "inbox"})
