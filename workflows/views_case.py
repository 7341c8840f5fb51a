"""Case page (data, parties, agenda detail, documents, history, process diagram), search, exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django.utils import timezone
from django.utils.translation import gettext
from viewflow.workflow import chart
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import access_log
from . import agendas
from . import substring
from . import selectors as sel
from .dispatch import actions as dispatch_actions
from .dispatch import services as dispatch_services
from .exports import export_response
from .models import Case, CaseProcess, Document
from .notify.selectors import saved_views
from .permissions import ROLE_API_CLIENT, ROLE_READER, can_view_case, can_view_document, has_role, may


EDGE_LABELS = {"yes": "ano", "no": "ne"}
#: titles of nodes Viewflow names itself (in English, from the node's name)
NODE_TYPE_TITLES = {"ErrorBoundary": "Chyba při vyhotovení dokumentu", "Start": "Začátek", "End": "Konec"}
OPEN_STATES = {STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED}


def _node_title(node) -> str:
    """The node's Czech title (its ``Annotation``), sentence case as written."""
    kind = type(node).__name__
    if kind == "ErrorBoundary" or not node.task_title:
        return NODE_TYPE_TITLES.get(kind, kind)
    return str(node.task_title)


def _diagram(process: CaseProcess) -> dict:
    """The flow drawn from Viewflow's layout with our own SVG: Czech sentence-case labels
    (Viewflow's template title-cases them), every label visible (not only as a tooltip),
    "ano"/"ne" on the branches, the current step marked. ``{"svg", "current", "width"}``."""
    from textwrap import wrap

    from django.template.loader import render_to_string

    flow_class = process.flow_class
    if flow_class is None:
        return {}
    try:
        grid = chart.calc_layout_data(flow_class)
        # the latest task of each node decides its colour, so a step that is open again
        # (e.g. approval after a return) shows as current, not as done
        tasks = flow_class.task_class._default_manager.filter(process_id=process.pk).order_by("created", "pk")
        nodes = set(grid.nodes)
        status: dict = {}
        for task in tasks:
            if task.flow_task in nodes:
                status[task.flow_task] = task.status
        cells, current = [], []
        for cell in grid.cells:
            node, shape = cell.node, cell.shape
            title = _node_title(node)
            inside = bool(shape.text)  # tasks: the label inside the box; events, gateways: below
            if inside:
                segments = wrap(title, 19) or [""]
                top = shape.height / 2 - (len(segments) - 1) * 8.5
                lines = [{"text": t, "x": shape.width // 2, "y": round(top + n * 17)} for n, t in enumerate(segments)]
            else:
                segments = wrap(title, 26)[:3]
                lines = [{"text": t, "x": shape.width // 2, "y": shape.height + 16 + n * 15} for n, t in enumerate(segments)]
            state = status.get(node)
            is_current = state in OPEN_STATES
            if is_current:
                current.append(title)
            cells.append({
                "name": node.name, "x": shape.x, "y": shape.y, "svg": shape.svg, "title": title, "lines": lines,
                "text_class": "node-label" if inside else "below", "current": is_current, "now_x": shape.width // 2,
                "classes": str(state).lower() if state else "",
            })
        edges = []
        for edge in grid.edges:
            d = " ".join(f"{'M' if n == 0 else 'L'}{x},{y}" for n, (x, y) in enumerate(edge.segments))
            label = EDGE_LABELS.get(edge.label, edge.label) if edge.label and edge.label_pos else ""
            edges.append({"d": d, "label": label, "x": edge.label_pos[0] if label else 0,
                          "y": edge.label_pos[1] if label else 0})
        label = gettext("Diagram procesu {title}").format(title=sel.flow_label(flow_class))
        if current:
            label += " – " + gettext("aktuální krok: {steps}").format(steps=", ".join(current))
        svg = render_to_string("osv/_diagram.svg", {
            "dom_id": f"flow-{process.pk}", "width": grid.width, "height": grid.height + 10,
            "cells": cells, "edges": edges, "label": label})
    except Exception:  # a diagram must never break the case page
        import logging
        logging.getLogger(__name__).exception("diagram of process %s", process.pk)
        return {}
    return {"svg": mark_safe(svg), "current": current, "width": grid.width}


def _case_context(request, case: Case, *, printable: bool) -> dict:
    user = request.user
    documents = [d for d in case.documents.order_by("kind", "-version", "-pk") if can_view_document(user, d)]
    for d in documents:
        d.case = case  # avoid a query per document in can_view_document / templates
    latest_by_kind: dict[str, Document] = {}
    older: dict[str, list[Document]] = {}
    for d in documents:
        if d.kind not in latest_by_kind:
            latest_by_kind[d.kind] = d
        else:
            older.setdefault(d.kind, []).append(d)
    document_groups = [{"latest": d, "older": older.get(kind, [])} for kind, d in latest_by_kind.items()]

    processes = list(case.processes.order_by("created"))
    open_tasks = list(
        Task.objects.filter(process__in=[p.pk for p in processes], flow_task_type="HUMAN",
                            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED])
        .select_related("process", "process__caseprocess", "process__caseprocess__case", "owner")
        .order_by("created")
    )
    diagrams = []
    if not printable:
        for p in processes:
            diagrams.append({
                "process": p,
                "title": sel.flow_label(p.flow_class) if p.flow_class else "",
                **_diagram(p),
                "status": p.get_status_display() if hasattr(p, "get_status_display") else p.status,
            })

    # the agenda's own detail: a template snippet and its context, both optional
    agenda = case.agenda
    agenda_template = None
    agenda_context: dict = {}
    try:
        agenda_template = select_template([f"{agenda}/case_detail_{case.kind}.html", f"{agenda}/case_detail.html"]).template.name
    except TemplateDoesNotExist:
        agenda_template = None
    registered = agendas.get(agenda)
    if registered is not None and registered.case_detail is not None:
        agenda_context = registered.case_detail(case, user) or {}
    # what the agenda says became of a document (e.g. a decision replaced or cancelled on appeal)
    notes = agenda_context.get("document_notes") or {}
    for d in documents:
        d.agenda_note = notes.get(d.pk)

    return {
        "case": case,
        "title": f"{case.file_mark or 'Případ'} – {case.title}",
        "parties": list(case.parties.all()),
        "document_groups": document_groups,
        "events": list(case.events.select_related("actor", "document").order_by("at", "pk")),
        "suspensions": list(case.suspensions.all()),
        "extensions": list(case.extensions.all()),
        "processes": processes,
        "task_rows": sel.to_rows(open_tasks),
        "claimable": {t.pk for t in open_tasks if t.status == "NEW" and t.flow_task is not None
                      and t.flow_task.can_assign(user, t)},
        "diagrams": diagrams,
        "agenda_template": agenda_template,
        "agenda": agenda_context,
        "printable": printable,
        "deadline_days": _days_left(case),
        "dispatches": dispatch_services.for_case(case),
        "can_manage_dispatch": not printable and may(user, dispatch_actions.PERMISSION),
    }


def _days_left(case: Case):
    from .deadlines import working_days_between

    if not case.deadline:
        return None
    return working_days_between(timezone.localdate(), case.deadline)


def _get_case(request, pk: int) -> Case:
    case = get_object_or_404(Case.objects.select_related("created_by"), pk=pk)
    if not can_view_case(request.user, case):
        raise PermissionDenied(gettext("K tomuto případu nemáte přístup."))
    return case


@login_required
@require_GET
def case_detail(request, pk: int):
    case = _get_case(request, pk)
    access_log.record(request, case, view="case_detail")
    return render(request, "osv/case_detail.html", _case_context(request, case, printable=False))


@login_required
@require_GET
def case_print(request, pk: int):
    case = _get_case(request, pk)
    access_log.record(request, case, view="case_print")
    return render(request, "osv/case_print.html", _case_context(request, case, printable=True))


# ----------------------------------------------------------------------------- search

SEARCH_LIMIT = 200


def _case_search_q(term: str) -> Q:
    q = (
        Q(file_mark__icontains=term) | Q(title__icontains=term) | Q(applicant_name__icontains=term)
        | Q(ico__startswith=term) | Q(documents__reference_number__icontains=term)
        | Q(parties__name__icontains=term) | Q(parties__ico__startswith=term)
    )
    for agenda in agendas.agendas():
        if agenda.case_search_q is not None:
            q |= agenda.case_search_q(term)
    return q


def _or_branches(q: Q) -> list[Q]:
    """The alternatives of an ``OR`` (nested ``OR`` flattened), each a ``Q`` of its own."""
    if q.connector != Q.OR or q.negated:
        return [q]
    out: list[Q] = []
    for child in q.children:
        out.extend(_or_branches(child) if isinstance(child, Q) else [Q(child)])
    return out


def _matching_case_ids(term: str):
    """The ids of the cases matching ``term``: one subquery per searched column, joined by
    ``UNION``. An ``OR`` over the joined tables would be one scan of every case; each branch
    alone reads its own index (trigram GIN indexes on PostgreSQL, migration workflows 0009 and
    the agendas' own), and the union is a few hundred ids at most. A term with a number in it (a
    file mark, a č. j.) is looked up in the index by the number and checked whole on the few
    candidates (:func:`workflows.substring.narrow`, same rows)."""
    subqueries = [Case.objects.filter(substring.narrow(b, term)).values("pk").order_by()
                  for b in _or_branches(_case_search_q(term))]
    return subqueries[0].union(*subqueries[1:]) if len(subqueries) > 1 else subqueries[0]


def search_cases(user, term: str, *, state: str = "", kind: str = ""):
    kinds = agendas.kinds_of(sel.user_agendas(user))
    if not kinds:
        return Case.objects.none()
    qs = Case.objects.filter(kind__in=kinds)
    if term:
        qs = qs.filter(pk__in=_matching_case_ids(term))
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-received_on", "-pk")


def search_registry(user, term: str) -> list[dict]:
    """Registry hits contributed by the agendas that keep a registry."""
    if not term:
        return []
    rows: list[dict] = []
    for agenda in agendas.agendas():
        if agenda.registry_search is not None:
            rows.extend(agenda.registry_search(term, limit=SEARCH_LIMIT))
    return rows[:SEARCH_LIMIT]


def search_issued_documents(user, term: str):
    """Issued documents without personal data (what a reader may see), by č. j. or title."""
    if not term:
        return Document.objects.none()
    return (
        Document.objects.filter(status=Document.Status.ISSUED, personal_data=False)
        .filter(Q(reference_number__icontains=term) | Q(title__icontains=term) | Q(case__applicant_name__icontains=term)
                | Q(case__ico__startswith=term))
        .select_related("case")
        .order_by("-created_at")[:SEARCH_LIMIT]
    )


@login_required
@require_GET
def search(request):
    user = request.user
    works = bool(sel.user_agendas(user))
    if not works and not has_role(user, ROLE_READER):
        raise PermissionDenied(gettext("Vyhledávání je pro pracovníky agend a čtenáře."))
    term = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state", "")
    kind = request.GET.get("kind", "")
    cases = search_cases(user, term, state=state, kind=kind) if works else Case.objects.none()
    registry = search_registry(user, term)
    documents = [] if works else list(search_issued_documents(user, term))
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        if works:
            header = ["Spisová značka", "Druh", "Věc", "Žadatel / poskytovatel", "IČO", "Doručeno", "Lhůta", "Stav"]
            data = [[c.file_mark, c.get_kind_display(), c.title, c.applicant_name, c.ico, c.received_on, c.deadline,
                     c.get_state_display()] for c in cases[:5000]]
        else:
            header = ["Č. j.", "Dokument", "Žadatel / poskytovatel", "IČO", "Vydáno"]
            data = [[d.reference_number, d.title, d.case.applicant_name, d.case.ico, timezone.localdate(d.created_at)] for d in documents]
        access_log.record_list(request, object_type="workflows.case" if works else "workflows.document",
                               view="search_export", count=len(data), query=term)
        return export_response(export, "vysledky-hledani", header, data)
    from django.core.paginator import Paginator

    total = cases.order_by()[:sel.COUNT_CAP + 1].count()  # capped: a million cases match no term
    if term:  # who searched for whom (one entry per search, not per hit)
        access_log.record_list(request, object_type="workflows.case" if works else "workflows.document",
                               view="search", count=min(total, sel.COUNT_CAP) + len(registry) + len(documents),
                               query=term)
    page = Paginator(sel.Counted(cases, total), 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return render(request, "osv/search.html", {
        "title": "Hledat",
        "active_nav": "search",
        "term": term,
        "works": works,
        "page": page,
        "registry": registry,
        "documents": documents,
        "state": state,
        "kind": kind,
        "state_choices": Case.State.choices,
        "kind_choices": [(k, label) for k, label in agendas.case_kind_choices() if k in agendas.kinds_of(sel.user_agendas(user))],
        "query": params.urlencode(),
        "saved": saved_views(user, "search", current_query=params.urlencode()),
        "api_client_only": has_role(user, ROLE_API_CLIENT) and not works,
        "count_capped": total > sel.COUNT_CAP, "count_cap": sel.COUNT_CAP,
    })
