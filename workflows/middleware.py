"""Request/response guards every page and API call goes through.

* ``NoStoreMiddleware``: responses to a signed-in user or an API client (case pages, lists,
  document downloads — all of them carry personal data) are never stored by a browser or
  a shared proxy: ``Cache-Control: no-store, private``.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext


def _carries_personal_data(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or request.path.startswith(("/api/", "/documents/"))


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _carries_personal_data(request):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


# ------------------------------------------------------------------ control characters

def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


class ControlCharactersMiddleware:
    """A NUL byte or another control character in the path, a query parameter or a submitted
    field gets a clear Czech 400 — before any view (PostgreSQL cannot store NUL, and such
    text is never what a person typed). Line breaks and tabs are fine in submitted text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .input_rules import CONTROL_MESSAGE, has_control_characters

        bad = has_control_characters(request.path, multiline=False) or any(
            has_control_characters(s, multiline=False) for key, values in request.GET.lists() for s in [key, *values])
        if not bad and request.method in ("POST", "PUT", "PATCH"):
            content_type = request.META.get("CONTENT_TYPE", "")
            if content_type.startswith("application/json"):
                import json

                try:
                    body = json.loads(request.body or b"null")
                except (ValueError, UnicodeDecodeError):
                    body = None  # malformed JSON is the parser's business (400 from DRF)
                bad = any(has_control_characters(s) for s in _strings(body))
            elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                bad = any(has_control_characters(s) for key, values in request.POST.lists() for s in [key, *values])
        if bad:
            return self.refuse(request, CONTROL_MESSAGE)
        return self.get_response(request)

    @staticmethod
    def refuse(request, message):
        from django.http import HttpResponse, JsonResponse

        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
        from django.utils.html import escape

        return HttpResponse(f'<!DOCTYPE html><html lang="cs"><head><meta charset="utf-8"><title>Neplatný požadavek'
                            f'</title></head><body><h1>Neplatný požadavek</h1><p>{escape(message)}</p>'
                            f'<p><a href="/">Zpět na úvod</a></p></body></html>', status=400)


# ------------------------------------------------------------------ Viewflow task URLs

class TaskBelongsToProcessMiddleware:
    """A Viewflow task URL (``…/<process_pk>/<node>/<task_pk>/…``) answers 404 unless the task
    is a task of that process and of that node. Viewflow checks only that the task belongs to
    the URL's flow, so any process's number in the URL would do — and the page and the
    history would name the wrong process."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        process_pk, task_pk = view_kwargs.get("process_pk"), view_kwargs.get("task_pk")
        if process_pk is None or task_pk is None or not request.user.is_authenticated:
            return None  # an anonymous visitor is sent to the login page by the view
        from django.http import Http404
        from viewflow.workflow.models import Task

        row = Task.objects.filter(pk=task_pk).values_list("process_id", "flow_task").first()
        if row is None or row[0] != int(process_pk):
            raise Http404(gettext("Úkol k tomuto procesu nepatří."))
        flow_task = row[1]
        node = getattr(flow_task, "name", None) or str(flow_task).rsplit(".", 1)[-1]
        import re

        # …/<process_pk>/<node>/<task_pk>/… — the node name right before the task number
        match = re.search(rf"/{int(process_pk)}/([^/]+)/{int(task_pk)}(/|$)", request.path_info)
        if match is None or match.group(1) != node:
            raise Http404(gettext("Úkol k tomuto kroku procesu nepatří."))
        return None


# ------------------------------------------------------------------ Viewflow's task actions

class ViewflowActionGuardMiddleware:
    """What Viewflow's manage permission (or a superuser's blanket rights) would open to every
    flow manager, limited to what the process design gives — on Viewflow's own URLs:

    * ``undo`` / ``revive`` of a worker job: nobody — a job issued an act (a number, a
      document); undoing or reviving it would issue a second act. A failed job is retried
      by its flow's repair step or the sweep.
    * ``undo`` / ``revive`` of a human task, ``cancel`` of a task, cancelling a whole process:
      only the head and the deputy standing in — and never once a job of that process has
      issued an act after the task (undoing would lead to a second act).
    * ``assign`` (taking a task from the queue, one or in bulk): whoever holds the node's
      permission through a role (``may``: officers of the step), not the admin's blanket rights.
    * ``unassign`` / ``reassign`` of somebody else's task (one or in bulk): only the head and
      the deputy standing in (``workflows.selectors.can_reassign``); one's own task anyone
      may release.
    """

    TASK_ACTIONS = ("undo", "revive", "cancel", "assign", "unassign", "reassign")
    BULK_ACTIONS = {"tasks_assign": "assign", "tasks_unassign": "unassign"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or "viewflow" not in (match.namespaces or []) and not match.route.startswith("app/"):
            return None
        from django.core.exceptions import PermissionDenied

        from .selectors import can_reassign

        name = match.url_name
        if name == "process_cancel" and view_kwargs.get("process_pk") is not None:
            if _stopped_by_act(view_kwargs["process_pk"]):
                raise PermissionDenied(gettext("Správní řízení se nezastavuje zrušením procesu: zastavte je na kartě "
                                               "případu usnesením („Zastavit řízení“), které se zapíše do spisu."))
            if not can_reassign(request.user):
                raise PermissionDenied(gettext("Řízení může zrušit jen vedoucí odboru nebo jeho zástupce."))
            return None
        if name in self.BULK_ACTIONS and request.method == "POST":
            from viewflow.workflow.models import Task

            if request.POST.get("select_all") and not can_reassign(request.user):
                raise PermissionDenied(gettext("Hromadně může úkoly přidělovat jen vedoucí odboru nebo jeho zástupce."))
            for task in Task.objects.filter(pk__in=[pk for pk in request.POST.getlist("pk") if pk.isdigit()]):
                self.check(request.user, self.BULK_ACTIONS[name], task)
            return None
        task_pk = view_kwargs.get("task_pk")
        if task_pk is None or name not in self.TASK_ACTIONS:
            return None
        from viewflow.workflow.models import Task

        task = Task.objects.filter(pk=task_pk).first()
        if task is not None:
            self.check(request.user, name, task)
        return None

    @staticmethod
    def check(user, action, task) -> None:
        """Raise PermissionDenied unless the process design gives ``action`` on ``task`` to ``user``."""
        from django.core.exceptions import PermissionDenied

        from .permissions import may
        from .selectors import can_reassign

        if action in ("undo", "revive") and task.flow_task_type == "JOB":
            raise PermissionDenied(gettext("Úlohu, která vydala akt, nelze vrátit ani obnovit: vydal by se druhý akt."))
        if action == "cancel" and getattr(getattr(task.flow_task, "flow_class", None), "stopped_by_act", False):
            raise PermissionDenied(gettext("Krok správního řízení se neruší: řízení zastavte na kartě případu "
                                           "usnesením („Zastavit řízení“)."))
        if action in ("undo", "revive", "cancel"):
            if not can_reassign(user):
                raise PermissionDenied(gettext("Krok může vrátit, obnovit nebo zrušit jen vedoucí odboru nebo jeho zástupce."))
            if action != "cancel" and _act_issued_after(task):
                raise PermissionDenied(gettext("Po tomto kroku už byl vydán akt: vrácením by se vydal druhý."))
            return
        if action == "assign":
            if task.owner_permission and not may(user, task.owner_permission):
                raise PermissionDenied(gettext("Tento úkol si může převzít jen referent, kterému krok přísluší."))
            return
        if action in ("unassign", "reassign") and task.owner_id not in (None, user.pk) and not can_reassign(user):
            raise PermissionDenied(gettext("Úkol kolegy může vrátit do fronty jen vedoucí odboru nebo jeho zástupce."))


def _stopped_by_act(process_pk) -> bool:
    """Is the process a proceeding that ends only by an act (its flow says ``stopped_by_act``)?"""
    from viewflow.workflow.models import Process

    process = Process.objects.filter(pk=process_pk).first()
    return bool(process is not None and getattr(process.flow_class, "stopped_by_act", False))


def _act_issued_after(task) -> bool:
    """Has a worker job of the task's process (numbering, rendering, dispatch) finished after it?"""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    return Task.objects.filter(process_id=task.process_id, flow_task_type="JOB", status=STATUS.DONE,
                               created__gte=task.created).exclude(pk=task.pk).exists()


class ActingUserMiddleware:
    """Remembers who acts in this request, so a task a flow assigns to that same person
    (the next step of their own case) does not notify them (``workflows.notify``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .notify.services import acting_user

        with acting_user(getattr(request, "user", None)):
            return self.get_response(request)
