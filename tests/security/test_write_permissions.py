"""Finding 2: every write is checked by the permission of the action, not by the agenda.

The sweep walks Django's URL resolver — our pages, every Viewflow node URL, the REST API, the
admin site — and classifies each URL name in ``WRITE_MAP`` (who may write) or ``READ_ONLY``
(pages that write nothing). A URL in neither fails the test, and so does a "read-only" URL whose
POST writes to a domain table: a new write URL cannot go unmapped.

Every write URL is then posted to as every demo identity (and an anonymous visitor), on real
objects of the demo data (both agendas' ``seed``) and the factories (letters, a stopped
dispatch): the Viewflow actions (execute, assign, unassign, undo, revive, cancel, cancelling a
process, the bulk assign / unassign) on one task of every (flow, node, state) that the data
reaches, every flow's start form, our own task and registry actions, and every API endpoint
with POST, PUT, PATCH and DELETE. Bodies are valid — an allowed identity's post must succeed
(so a missing check would have let the others succeed too): execute and start forms are filled
from the form the allowed user gets. Each post runs in a savepoint that is rolled back, so every
identity meets the same state. Who is allowed is written here from the process design (the
permission a role holds, ``workflows.permissions.may``; the task's owner; the head and the
deputy), not read from the views. The others get 403 / 404 (anonymous: the login page, 401 in
the API), no INSERT / UPDATE / DELETE on a domain table and unchanged counts of cases, history
entries, documents and tasks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import lxml.html
import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient
from viewflow.workflow import flow as vf_flow
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from tests.workflows.factories import days

pytestmark = pytest.mark.django_db

USERS = ["referent", "referent2", "planovac", "koordinator", "vedouci", "zastupce", "portal", "spravce", "ctenar"]
IDENTITIES = USERS + ["anonymous"]
OFFICERS = {"referent", "referent2"}
HEADS = {"vedouci", "zastupce"}


# ---------------------------------------------------------------------------- the permission map

def _may(user, perm) -> bool:
    from workflows.permissions import may

    return user is not None and may(user, perm)


def _heads(user) -> bool:
    return user is not None and user.username in HEADS


def _works_on(user, case) -> bool:
    from workflows.permissions import can_view_case

    return user is not None and case is not None and can_view_case(user, case)


def vf_execute(user, task):
    """A form step: only its owner, while it is assigned (Viewflow's ``can_execute``)."""
    return (user is not None and task.flow_task_type == "HUMAN" and task.status in (STATUS.ASSIGNED, STATUS.STARTED)
            and task.owner_id == user.pk)


def vf_assign(user, task):
    """Taking a task from the queue: who holds the step's permission through a role (the
    superuser's blanket rights do not count) and whom the node admits (four eyes)."""
    return (user is not None and task.flow_task_type == "HUMAN" and task.status == STATUS.NEW
            and task.owner_id is None and bool(task.owner_permission) and _may(user, task.owner_permission)
            and task.flow_task.can_assign(user, task))


def vf_unassign(user, task):
    """Back to the queue on Viewflow's URL: the owner; a colleague's task the head or the deputy,
    where Viewflow also grants them the flow's manage permission (our "Vrátit do fronty" asks
    only the agenda, ``cases:release``)."""
    if user is None or task.flow_task_type != "HUMAN" or task.status != STATUS.ASSIGNED:
        return False
    return task.owner_id == user.pk or (_heads(user) and task.flow_task.flow_class.instance.has_manage_permission(user))


def nobody(user, obj):
    """Undo / revive / cancel on Viewflow's URLs: the guard gives them to the head and the deputy
    only (never a job, never after an issued act), and Viewflow's own screens are for
    administrators — no demo identity is both, so nobody."""
    return False


def claim(user, task):
    return vf_assign(user, task)


def release(user, task):
    if user is None or task.flow_task_type != "HUMAN" or task.status != STATUS.ASSIGNED:
        return False
    return task.owner_id == user.pk or (_heads(user) and _works_on(user, case_of(task)))


def reassign(user, task):
    return _heads(user) and task.status in (STATUS.NEW, STATUS.ASSIGNED) and _works_on(user, case_of(task))


def dispatch_action(user, dispatch):
    return _may(user, "workflows.change_dispatch") and _works_on(user, dispatch.case)


def start_perm(flow_class):
    return lambda user, _obj: _may(user, flow_class.start._owner_permission)


def api_submitter(flow_class):
    """The portal (submits for applicants) and who starts the flow on the web."""
    from workflows.permissions import ROLE_API_CLIENT, has_role

    return lambda user, _obj: user is not None and (has_role(user, ROLE_API_CLIENT)
                                                    or _may(user, flow_class.start._owner_permission))


def perm(permission):
    return lambda user, _obj: _may(user, permission)


def decides(user, proceeding):
    """Stopping a proceeding, a waiver, correcting its act: the flow's decide permission."""
    from registrations.selectors import DECIDE_PERMISSION

    return _may(user, DECIDE_PERMISSION[proceeding.kind])


def signed_in(user, _obj):
    """One's own notifications, e-mail choices and saved views (scoped to the user by the view)."""
    return user is not None


def _write_map():
    from opinions.flows import OpinionFlow
    from registrations.flows.change_notice import ChangeNoticeFlow

    return {
        # Viewflow node URLs, by the action (the last part of the URL name)
        "viewflow:execute": ("the task's owner", vf_execute),
        "viewflow:start": ("the start permission of the flow, held through a role", None),  # per flow, below
        "viewflow:assign": ("the step's permission, held through a role", vf_assign),
        "viewflow:unassign": ("the owner; the head / deputy with the flow's manage permission", vf_unassign),
        "viewflow:undo": ("nobody on Viewflow's URLs (head / deputy administrators only)", nobody),
        "viewflow:revive": ("nobody on Viewflow's URLs (head / deputy administrators only)", nobody),
        "viewflow:cancel": ("nobody on Viewflow's URLs (head / deputy administrators only)", nobody),
        "viewflow:process_cancel": ("nobody on Viewflow's URLs (head / deputy administrators only)", nobody),
        "viewflow:tasks_assign": ("bulk: administrators holding the step's permission — nobody of the demo", nobody),
        "viewflow:tasks_unassign": ("bulk: administrators, own tasks or as head — nobody of the demo", nobody),
        # our own pages
        "cases:claim": ("the step's permission, held through a role", claim),
        "cases:release": ("the owner; the head / deputy in their agenda", release),
        "cases:reassign": ("the head / deputy in their agenda", reassign),
        "cases:dispatch_retry": ("workflows.change_dispatch + the case's agenda", dispatch_action),
        "cases:dispatch_to_paper": ("workflows.change_dispatch + the case's agenda", dispatch_action),
        "registrations:service_national_id": ("registrations.change_registeredservice",
                                              perm("registrations.change_registeredservice")),
        "registrations:remedy_extend": ("registrations.change_proceeding", perm("registrations.change_proceeding")),
        "registrations:provider_identity": ("registrations.change_provider", perm("registrations.change_provider")),
        "registrations:national_registry_run": ("registrations.run_national_import",
                                                perm("registrations.run_national_import")),
        "registrations:proceeding_stop": ("the flow's decide permission", decides),
        "registrations:appeal_waiver": ("the flow's decide permission", decides),
        "registrations:act_correct": ("the flow's decide permission", decides),
        # one's own rows (tests/workflows/test_notifications.py, test_saved_views.py)
        "cases:notification_settings": ("signed-in user, own choices", signed_in),
        "cases:notifications_read_all": ("signed-in user, own notifications", signed_in),
        "cases:notification_open": ("signed-in user, own notification (marks it read)", signed_in),
        "cases:notification_read": ("signed-in user, own notification", signed_in),
        "cases:saved_view_create": ("who may open the list (workflows.views_notify.may_use_scope)", signed_in),
        "cases:saved_view_delete": ("the view's owner", signed_in),
        "cases:saved_view_copy": ("a colleague of the agenda the view is shared with", signed_in),
        "opinions:withdraw": ("who registers requests (opinions.can_start_opinionprocess)",
                              start_perm(OpinionFlow)),
        # the API: the write endpoints; every other endpoint × write method is refused
        "cases:api:change-notice-create": ("portal + registrations.can_check_changenoticeprocess",
                                           api_submitter(ChangeNoticeFlow)),
        "cases:api:opinion-request-create": ("portal + opinions.can_start_opinionprocess",
                                             api_submitter(OpinionFlow)),
    }


# sign-in pages write the session, the password and the axes rows: theirs are the auth tests
AUTH = {"login", "logout", "password_change", "password_change_done", "password_reset", "password_reset_done",
        "password_reset_confirm", "password_reset_complete"}
# GET pages of ours: a POST writes nothing (checked below)
READ_ONLY = {
    "cases:home", "cases:dashboard", "cases:inbox", "cases:queue", "cases:team", "cases:case_detail",
    "cases:case_print", "cases:search", "cases:document_download", "cases:ares_lookup", "cases:stock_inbox",
    "cases:stock_queue", "cases:api:schema", "cases:api:docs", "cases:api:case-list", "cases:api:case-detail",
    "cases:api:document-download", "cases:api:provider-list", "cases:api:provider-detail",
    "cases:api:provider-history",
    "registrations:registry", "registrations:provider", "registrations:export", "registrations:national_registry",
    "registrations:national_registry_export", "registrations:national_format_export",
    "opinions:list", "opinions:detail", "opinions:call_due", "cases:notifications",
    "index",
}
VIEWFLOW_READ_ONLY = {"index", "detail", "process_detail", "process_list", "task_list", "chart", "process_chart",
                      "inbox", "queue", "archive"}
VIEWFLOW_WRITES = {"execute", "assign", "unassign", "undo", "revive", "cancel", "process_cancel", "tasks_assign",
                   "tasks_unassign"}


def all_urls():
    """(full name, route) of every named URL of the resolver."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                found.append((f"{namespace}:{p.name}" if namespace else p.name, prefix + str(p.pattern)))

    walk(get_resolver().url_patterns)
    return found


def classify(name: str, route: str) -> str | None:
    """'admin', 'auth', 'read', a WRITE_MAP key — or None: unclassified."""
    if name.startswith("admin:"):
        return "admin"
    if name in AUTH:
        return "auth"
    if name in READ_ONLY:
        return "read"
    if name.startswith("workflow:") or route.startswith("app/"):
        last = name.rsplit(":", 1)[-1]
        if last == "execute" and "<int:task_pk>" not in route:
            return "viewflow:start"
        if last in VIEWFLOW_WRITES:
            return f"viewflow:{last}"
        if last in VIEWFLOW_READ_ONLY:
            return "read"
        return None
    return name if name in _write_map() else None


# ---------------------------------------------------------------------------- one post, rolled back

WRITE_SQL = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.I)
BOOKKEEPING = ('"django_session"', '"axes_', '"auth_user"', "SAVEPOINT", '"workflows_accesslogentry"',
               '"authtoken_token"')


@dataclass
class Attempt:
    who: str
    status: int
    location: str = ""
    writes: list = field(default_factory=list)
    changed: bool = False
    probe: object = None
    errors: dict = field(default_factory=dict)
    friendly: tuple = ()  # who is told "already done" (a redirect that writes nothing) instead of a 403

    def refused(self) -> bool:
        if self.writes or self.changed:
            return False
        if self.who == "anonymous":
            return self.status in (401, 403) or (self.status == 302 and "/login/" in self.location)
        # 405: the endpoint has no such method (the API's read endpoints asked to PUT, PATCH, DELETE)
        return self.status in (403, 404, 405) or (self.status == 302 and self.who in self.friendly)

    def succeeded(self) -> bool:
        return self.status in (200, 201, 302) and (bool(self.writes) or self.changed) and self.probe is not False


def fingerprint():
    from workflows.models import Case, CaseEvent, Document

    return (Case.objects.count(), CaseEvent.objects.count(), Document.objects.count(), Task.objects.count(),
            tuple(Task.objects.order_by("pk").values_list("status", "owner_id")),
            tuple(Process.objects.order_by("pk").values_list("status", flat=True)))


def attempt(users, who, url, *, method="post", data=None, api=False, probe=None, confirm=False) -> Attempt:
    """One request (``confirm``: a page that answers with a preview form — "Náhled před
    vydáním" — is confirmed as shown, as the person would) inside a savepoint rolled back."""
    client = APIClient() if api else Client()
    if who != "anonymous":
        client.force_login(users[who])  # the API's HTML docs are a page of the signed-in user
        if api:
            client.force_authenticate(users[who])
    with transaction.atomic():
        before = fingerprint()
        with CaptureQueriesContext(connection) as queries:
            if api:
                response = getattr(client, method)(url, data or {}, format="json")
            else:
                response = getattr(client, method)(url, data or {})
                for _ in range(2 if confirm else 0):
                    if response.status_code != 200 or b"<form" not in response.content:
                        break
                    response = client.post(url, form_body(response.content.decode()))
        writes = [q["sql"][:140] for q in queries.captured_queries
                  if WRITE_SQL.match(q["sql"]) and not any(t in q["sql"] for t in BOOKKEEPING)]
        result = Attempt(who, response.status_code, response.get("Location", ""), writes, fingerprint() != before,
                         probe() if probe else None)
        form = (getattr(response, "context", None) or {}).get("form") if response.status_code == 200 else None
        result.errors = dict(form.errors) if form is not None and hasattr(form, "errors") else {}
        if api and response.status_code == 400:
            result.errors = response.json()
        transaction.set_rollback(True)
    return result


class Sweep:
    """Posts as every identity; collects what went wrong and counts."""

    def __init__(self, users):
        self.users = users
        self.problems: list[str] = []
        self.posts = 0
        self.urls: set[str] = set()

    def check(self, label, url, allowed, *, method="post", data=None, api=False, probe=None, obj=None,
              must_succeed=True, friendly=()):
        self.urls.add(f"{method.upper()} {url}")
        for who in IDENTITIES:
            user = self.users.get(who)
            may_do = bool(allowed(user, obj)) if who != "anonymous" else False
            a = attempt(self.users, who, url, method=method, data=data, api=api, probe=probe, confirm=may_do)
            a.friendly = friendly
            self.posts += 1
            if may_do:
                if must_succeed and not a.succeeded():
                    self.problems.append(f"{label} {method.upper()} {url}: {who} may, but got {a.status} "
                                         f"(zápisy: {len(a.writes)}, kontrola: {a.probe}, chyby: {a.errors}, tělo: {data})")
            elif not a.refused():
                self.problems.append(f"{label} {method.upper()} {url}: {who} may not, got {a.status} {a.location} "
                                     f"{a.writes[:1]}")
        return self


# ---------------------------------------------------------------------------- valid bodies

def form_body(html: str, *, today=None) -> dict:
    """The values a person would submit: what the form shows, required blanks filled by type."""
    today = today or timezone.localdate()
    doc = lxml.html.fromstring(html)
    forms = [f for f in doc.forms if (f.method or "").lower() == "post" and f.xpath(".//input|.//select|.//textarea")]
    assert forms, "no form on the page"
    form = max(forms, key=lambda f: len(f.xpath(".//input|.//select|.//textarea")))
    body: dict[str, list] = {}
    radios_seen = set()
    for el in form.xpath(".//input|.//select|.//textarea"):
        name = el.get("name")
        if not name or el.get("disabled") is not None:
            continue
        tag, kind = el.tag, (el.get("type") or "text").lower()
        required = el.get("required") is not None
        if tag == "input" and kind == "submit":
            continue
        if tag == "select":
            options = el.xpath(".//option")
            chosen = [o.get("value", o.text_content()) for o in options if o.get("selected") is not None]
            chosen = [c for c in chosen if c]
            if not chosen:  # a person picks the first real choice of a list they must answer
                values = [o.get("value", o.text_content()) for o in options if o.get("value", o.text_content())]
                chosen = values[:1] if (required or el.get("multiple") is None) and values else []
            body.setdefault(name, []).extend(chosen)
        elif tag == "textarea":
            text = el.text_content()
            text = text[1:] if text.startswith("\n") else text  # as a browser: the newline after <textarea> is not content
            body.setdefault(name, []).append(text or ("Doplněno při kontrole oprávnění." if required else ""))
        elif kind in ("button", "image", "reset", "file"):
            continue
        elif kind == "checkbox":  # a checklist filled by someone who found every condition met
            body.setdefault(name, []).append(el.get("value", "on"))
        elif kind == "radio":
            if el.get("checked") is not None:
                body[name] = [el.get("value", "on")]
                radios_seen.add(name)
            elif name not in radios_seen and name not in body:
                body[name] = [el.get("value", "on")]  # the first option unless one is checked
        else:
            value = el.get("value", "")
            if not value and required and el.get("data-osv-date") is not None:  # the one Czech date input
                value = f"{today.day}. {today.month}. {today.year}"
            elif not value and required:
                value = {"date": today.isoformat(), "number": "1", "email": "kontrola@example.invalid"}.get(
                    kind, "Doplněno")
            body.setdefault(name, []).append(value)
    buttons = [b for b in form.xpath(".//button[@name]|.//input[@type='submit'][@name]")]
    if buttons:  # the main action is the last button ("Předložit ke schválení" after "Uložit koncept")
        body[buttons[-1].get("name")] = [buttons[-1].get("value", "1")]
    return {k: v if len(v) != 1 else v[0] for k, v in body.items()}


def body_from_page(users, who, url, overrides=None) -> dict:
    client = Client()
    client.force_login(users[who])
    response = client.get(url)
    assert response.status_code == 200, (url, who, response.status_code)
    body = form_body(response.content.decode())
    body.update(overrides or {})
    return body


# ---------------------------------------------------------------------------- the world

def case_of(task):
    from workflows.models import CaseProcess

    cp = CaseProcess.objects.filter(pk=task.process_id).select_related("case").first()
    return cp.case if cp else None


@pytest.fixture
def world(demo_users, no_dispatch):
    """Both agendas' demo data, letters (a failed render waiting for repair, in the queue and
    assigned; a rendered one) and a stopped data-box dispatch."""
    from registrations.catalogues import ensure_default_checklist
    from tests.flowkit import letter_with_failed_render, run_jobs
    from tests.reliability.conftest import new_letter_case
    from workflows.demo import seed_agendas
    from workflows.dispatch.models import Dispatch
    from workflows.flows.letter import letter_send

    get_resolver().url_patterns
    ensure_default_checklist()
    seed_agendas()
    officer = demo_users["referent"]
    letter_with_failed_render(new_letter_case(officer), officer)
    _, assigned = letter_with_failed_render(new_letter_case(officer), officer)
    Task.objects.filter(pk=assigned.pk).update(owner=officer, status=STATUS.ASSIGNED)
    run_jobs(letter_send(case=new_letter_case(officer), subject="Sdělení", body="Vážení,\nsdělujeme.", actor=officer))
    from workflows.models import Document

    decision = Document.objects.filter(case__proceeding__provider__ico="44312211",
                                       status=Document.Status.ISSUED).order_by("pk").first()
    Dispatch.objects.create(case=decision.case, document=decision, channel=Dispatch.Channel.DATA_BOX,
                            data_box_id="sl9u2ne", addressee_name="Domov Slunečnice, o. p. s.",
                            stage=Dispatch.Stage.FAILED, error="Datová schránka nedostupná (test)")
    return demo_users


def representatives():
    """One task of every (flow, node, state, owned or not) the data reaches."""
    seen = {}
    for task in Task.objects.order_by("pk"):
        node = task.flow_task
        if node is None:
            continue
        key = (node.flow_class.__name__, node.name, task.status, task.owner_id is not None)
        seen.setdefault(key, task)
    return seen


# ---------------------------------------------------------------------------- the tests

def test_every_url_is_classified_and_read_only_urls_write_nothing(world):
    """(c): a URL that is neither in the permission map nor a known read fails; a "read" URL
    whose POST writes to a domain table fails too (posted as every identity)."""
    from workflows.models import Case, Document

    case = Case.objects.order_by("pk").first()
    document = Document.objects.order_by("pk").first()
    unclassified, wrote = [], []
    posts = 0
    for name, route in all_urls():
        kind = classify(name, route)
        if kind is None:
            unclassified.append(f"{name} ({route})")
            continue
        if kind != "read" or route.startswith("app/workflow/flows/"):
            continue  # Viewflow's read pages: the frame middleware and the matrix test
        pk = document.pk if "document" in name else case.pk
        url = "/" + re.sub(r"<(?:int:)?\w*pk>", str(pk), route)
        url = re.sub(r"<str:fmt>", "csv", url).replace("<str:ico>", "44312211")
        url = re.sub(r"<[^>]+>", "x", url)
        for who in IDENTITIES:
            a = attempt(world, who, url, data={"q": "Domov", "national_id": "9999999", "reason": "x"})
            posts += 1
            assert a.status < 500, (name, url, who, a.status)
            if a.writes or a.changed:
                wrote.append(f"{name} ({url}) zapsal po POST od {who}: {a.writes[:1]}")
    assert unclassified == [], "URL bez zařazení do mapy oprávnění:\n" + "\n".join(unclassified)
    assert wrote == [], "\n".join(wrote)
    assert posts >= 25 * len(IDENTITIES)


def test_viewflow_node_actions_on_every_reached_task_as_every_identity(world):
    """(a)–(d) for Viewflow: execute / assign / unassign / undo / revive / cancel of one task of
    every (flow, node, state) in the data, cancelling each process, the bulk actions."""
    rules = _write_map()
    sweep = Sweep(world)
    covered_nodes = set()
    executes = 0
    for key, task in representatives().items():
        node = task.flow_task
        for action in ("execute", "assign", "unassign", "undo", "revive", "cancel"):
            try:
                url = node.reverse(action, args=[task.process_id, task.pk])
            except NoReverseMatch:
                continue
            covered_nodes.add((node.flow_class.__name__, node.name, action))
            data, probe, friendly = {}, None, ()
            if action == "execute" and task.status in (STATUS.DONE, STATUS.CANCELED) and task.owner_id:
                friendly = (task.owner.username,)  # the owner posting again: "already done", nothing written
            if action == "execute" and vf_execute(task.owner, task):
                data = body_from_page(world, task.owner.username, url, EXECUTE_OVERRIDES.get(key[:2]))
                probe = (lambda pk=task.pk: Task.objects.get(pk=pk).status == STATUS.DONE)
                executes += 1
            elif action == "assign":
                probe = (lambda pk=task.pk: Task.objects.get(pk=pk).owner_id is not None)
            elif action == "unassign":
                probe = (lambda pk=task.pk: Task.objects.get(pk=pk).owner_id is None)
            sweep.check(f"{key}", url, rules[f"viewflow:{action}"][1], data=data, probe=probe, obj=task,
                        friendly=friendly)
    for process in Process.objects.filter(status="NEW").order_by("pk"):
        flow = process.flow_class.instance
        sweep.check("process_cancel", flow.reverse("process_cancel", args=[process.pk]), nobody, obj=process)
    new = Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW).order_by("pk").first()
    mine = Task.objects.filter(flow_task_type="HUMAN", status=STATUS.ASSIGNED).order_by("pk").first()
    sweep.check("bulk", "/app/workflow/queue/assign/", nobody, data={"pk": [new.pk]})
    sweep.check("bulk", "/app/workflow/inbox/unassign/", nobody, data={"pk": [mine.pk]})
    assert sweep.problems == [], "\n".join(sweep.problems)
    assert executes >= 5 and len(covered_nodes) >= 120, (executes, len(covered_nodes))
    print(f"\nViewflow: {len(sweep.urls)} URLs × {len(IDENTITIES)} identit = {sweep.posts} požadavků "
          f"({len(covered_nodes)} dvojic uzel × akce, {executes} vyplněných formulářů kroků)")


# (flow, node) → fields a filled-in form cannot guess (a day in the right window, a choice)
EXECUTE_OVERRIDES: dict = {
    # an appeal received today (the demo decision's appeal period is still running: finality
    # cannot be confirmed yet, and a waiver is recorded on the case page)
    ("RegistrationFlow", "appeal_period"): {"result": "appeal", "instruction_defective": "", "final_on": "",
                                            "appeal_received_on": timezone.localdate().strftime("%d. %m. %Y")},
}


def test_every_flow_start_as_every_identity(world):
    from workflows import agendas

    sweep = Sweep(world)
    started = 0
    for flow_class in agendas.flow_classes():
        node = getattr(flow_class, "start", None)
        if not isinstance(node, vf_flow.Start):  # a start form (StartHandle: started from code, no URL)
            continue
        url = node.reverse("execute")
        form_class = getattr(node._start_view, "view_initkwargs", {}).get("form_class")
        if getattr(form_class, "provider_first", False):  # the provider is chosen first (its page links so)
            url += f"?poskytovatel={_service_of('44312211').provider_id}"
        allowed = start_perm(flow_class)
        holder = next(u for u in USERS if allowed(world[u], None))
        overrides = START_BODIES.get(flow_class.__name__, {})
        data = body_from_page(world, holder, url, overrides() if callable(overrides) else overrides)
        before = flow_class.process_class.objects.count()
        sweep.check(f"start {flow_class.__name__}", url, allowed, data=data,
                    probe=lambda fc=flow_class, n=before: fc.process_class.objects.count() == n + 1)
        started += 1
    assert sweep.problems == [], "\n".join(sweep.problems)
    assert started >= 5


# what a person types into a start form that a filled-in default cannot guess
START_BODIES: dict = {
    "RegistrationFlow": {"is_natural_person": "", "ico": "25596641", "name": "Spolek Kontrola, z. s.",
                         "legal_form": "spolek", "address": "Husova 1, 356 01 Sokolov", "place": "Husova 1, Sokolov",
                         "s2_service_type": "", "s2_form": "", "s2_target_groups": []},
    "ChangeNoticeFlow": lambda: {"ico": "44312211", "service": str(_service_of("44312211").pk), "kind": "hours",
                                 "description": "Nová provozní doba Po–Pá 7–17 h"},
    "ChangeApplicationFlow": {"capacity": "30"},
    "CancellationFlow": lambda: {"services": str(_service_of("44312211").pk)},  # one with no cancellation open
    "OpinionFlow": {"applicant_ico": "25596641", "applicant_name": "Spolek Kontrola, z. s.",
                    "applicant_address": "Husova 1, 356 01 Sokolov", "project_title": "Kontrolní projekt",
                    "period_start": "2027-01-01", "period_end": "2027-12-31", "budget": "100000"},
}


def _service_of(ico):
    from registrations.models import RegisteredService

    return RegisteredService.objects.filter(provider__ico=ico).order_by("pk").first()


def test_our_own_write_urls_as_every_identity(world):
    from opinions.models import Opinion
    from registrations.models import Proceeding, Provider, RegisteredService
    from workflows.dispatch.models import Dispatch

    rules = _write_map()
    sweep = Sweep(world)
    reps = representatives()
    for key, task in reps.items():
        if task.flow_task_type != "HUMAN":
            continue
        if task.status == STATUS.NEW:
            sweep.check(f"claim {key}", f"/ukoly/{task.pk}/prevzit/", rules["cases:claim"][1], obj=task,
                        probe=lambda pk=task.pk: Task.objects.get(pk=pk).owner_id is not None)
        if task.status == STATUS.ASSIGNED:
            sweep.check(f"release {key}", f"/ukoly/{task.pk}/uvolnit/", rules["cases:release"][1], obj=task,
                        probe=lambda pk=task.pk: Task.objects.get(pk=pk).owner_id is None)
        if task.status == STATUS.NEW:
            target = next((world[u] for u in USERS if vf_assign(world[u], task)), None)
            if target is not None:
                sweep.check(f"reassign {key}", f"/ukoly/{task.pk}/predat/", rules["cases:reassign"][1], obj=task,
                            data={"user": target.pk},
                            probe=lambda pk=task.pk, t=target.pk: Task.objects.get(pk=pk).owner_id == t)
    dispatch = Dispatch.objects.filter(stage=Dispatch.Stage.FAILED).select_related("case").first()
    assert dispatch is not None
    for name, path in (("cases:dispatch_retry", "znovu"), ("cases:dispatch_to_paper", "listinne")):
        sweep.check(name, f"/odeslani/{dispatch.pk}/{path}/", rules[name][1], obj=dispatch)
    service = RegisteredService.objects.exclude(national_id="").order_by("pk").first()
    sweep.check("national id", f"/registry/sluzba/{service.pk}/identifikator/",
                rules["registrations:service_national_id"][1], data={"national_id": "9999999"})
    proceeding = Proceeding.objects.filter(remedy_deadline__isnull=False).select_related("case").first()
    sweep.check("remedy", f"/registry/pripad/{proceeding.case_id}/prodlouzit-lhutu/",
                rules["registrations:remedy_extend"][1],
                data={"new_deadline": (proceeding.remedy_deadline + timedelta(days=20)).isoformat(), "note": "žádost"})
    provider = Provider.objects.get(ico="44312211")
    sweep.check("identity", f"/registry/poskytovatel/{provider.pk}/udaje/", rules["registrations:provider_identity"][1],
                data={"ico": provider.ico, "name": provider.name + " (opraveno)", "legal_form": provider.legal_form,
                      "address": provider.address, "statutory_body": provider.statutory_body})
    sweep.check("national run", "/registry/celostatni-registr/spustit/",
                rules["registrations:national_registry_run"][1], must_succeed=False)
    _proceeding_acts(sweep, rules)
    opinion = Opinion.objects.filter(status__in=_withdrawable()).order_by("pk").first()
    sweep.check("withdraw", f"/opinions/{opinion.pk}/withdraw/", rules["opinions:withdraw"][1],
                data={"reason": "Žadatel projekt nepodá."},
                probe=lambda pk=opinion.pk: Opinion.objects.get(pk=pk).status == Opinion.Status.WITHDRAWN)
    assert sweep.problems == [], "\n".join(sweep.problems)
    print(f"\nnaše stránky: {len(sweep.urls)} URL × {len(IDENTITIES)} identit = {sweep.posts} požadavků")


def _proceeding_acts(sweep, rules):
    """The acts the case page issues outside the flow, with the body the officer's form gives."""
    from workflows.formats import czech_date
    from registrations import selectors as rsel
    from registrations.models import CORRECTABLE_KINDS, Proceeding
    from workflows.models import Case, Document

    open_ones = Proceeding.objects.select_related("case").order_by("pk")
    stoppable = next(p for p in open_ones if rsel.stop_grounds(p) and p.case.state != Case.State.CLOSED)
    url = f"/registry/pripad/{stoppable.case_id}/zastavit/"
    sweep.check("stop", url, rules["registrations:proceeding_stop"][1], obj=stoppable,
                data=body_from_page(sweep.users, "referent", url, {"reason": "Žadatel vzal žádost zpět.",
                                                                    "withdrawn_on": czech_date(timezone.localdate())}),
                probe=lambda pk=stoppable.case_id: Case.objects.get(pk=pk).state == Case.State.CLOSED)
    corrected = Document.objects.filter(kind__in=CORRECTABLE_KINDS, corrected_by__isnull=True,
                                        status=Document.Status.ISSUED).exclude(reference_number="")
    doc = corrected.select_related("case").order_by("pk").first()
    proceeding = Proceeding.objects.get(case=doc.case)
    url = f"/registry/pripad/{doc.case_id}/opravit-akt/"
    sweep.check("correct", url, rules["registrations:act_correct"][1], obj=proceeding,
                data=body_from_page(sweep.users, "referent", url,
                                    {"correction": "Oprava data.", "reason": "Zřejmá nesprávnost v datu."}),
                probe=lambda pk=doc.pk: Document.objects.get(pk=pk).corrected_by_id is not None)
    waivable = next((p for p in open_ones if rsel.waiver_possible(p)), None)
    assert waivable is not None, "no proceeding in the appeal period in the demo data"
    url = f"/registry/pripad/{waivable.case_id}/vzdani-se-odvolani/"
    sweep.check("waiver", url, rules["registrations:appeal_waiver"][1], obj=waivable,
                data=body_from_page(sweep.users, "referent", url),
                probe=lambda pk=waivable.pk: Proceeding.objects.get(pk=pk).waived_on is not None)


def _withdrawable():
    from opinions import services

    return services.WITHDRAWABLE


def test_every_api_endpoint_and_write_method_as_every_identity(world):
    from opinions.models import Call
    from workflows.models import Case, Document

    rules = _write_map()
    sweep = Sweep(world)
    case = Case.objects.order_by("pk").first()
    document = Document.objects.order_by("pk").first()
    call = Call.objects.order_by("pk").first()
    bodies = {
        "cases:api:change-notice-create": {
            "provider_ico": "44312211", "change_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
            "items": [{"kind": "hours", "description": "Nová provozní doba Po–Pá 7–17 h"}]},
        "cases:api:opinion-request-create": {
            "applicant_ico": "25596641", "applicant_name": "Spolek Kontrola, z. s.", "project_title": "Kontrolní projekt",
            "applicant_address": "Husova 1, 356 01 Sokolov",
            "call": str(call.number if hasattr(call, "number") else call), "period_start": "2027-01-01",
            "period_end": "2027-12-31", "budget": "100000.00", "service_types": ["48"], "target_groups": ["S"]},
    }
    endpoints = 0
    for name, route in all_urls():
        if not name.startswith("cases:api:"):
            continue
        endpoints += 1
        url = "/" + re.sub(r"<str:ico>", "44312211", re.sub(r"<int:pk>", str(document.pk if "document" in name else case.pk), route))
        for method in ("post", "put", "patch", "delete"):
            if name in rules and method == "post":
                sweep.check(name, url, rules[name][1], method=method, data=bodies[name], api=True,
                            probe=lambda n=Case.objects.count(): Case.objects.count() == n + 1)
            else:
                sweep.check(name, url, lambda u, o: False, method=method, data=bodies.get(name, {"q": "x"}), api=True)
    assert sweep.problems == [], "\n".join(sweep.problems)
    assert endpoints >= 10
    print(f"\nAPI: {endpoints} koncových bodů × 4 metody × {len(IDENTITIES)} identit = {sweep.posts} požadavků")


def test_only_the_officer_changes_the_national_id_and_extends_a_remedy_deadline(world):
    """The probe's two findings, as the targeted test (before: the deputy, the head and the admin did)."""
    from registrations.models import Proceeding, RegisteredService

    service = RegisteredService.objects.exclude(national_id="").first()
    proceeding = Proceeding.objects.filter(remedy_deadline__isnull=False).select_related("case").first()
    before_id = service.national_id
    deadline_before, remedy_before = proceeding.case.deadline, proceeding.remedy_deadline
    for username in sorted(USERS, key=lambda u: u in OFFICERS):  # the officers last: they do change it
        client = Client()
        client.force_login(world[username])
        r1 = client.post(f"/registry/sluzba/{service.pk}/identifikator/", {"national_id": "9999999"})
        r2 = client.post(f"/registry/pripad/{proceeding.case_id}/prodlouzit-lhutu/",
                         {"new_deadline": days(60).isoformat(), "note": "žádost"})
        if username in OFFICERS:
            assert r1.status_code == 302 and r2.status_code == 302, username
        else:
            assert r1.status_code == 403 and r2.status_code == 403, (username, r1.status_code, r2.status_code)
            service.refresh_from_db()
            assert service.national_id == before_id, username
            proceeding.refresh_from_db()
            proceeding.case.refresh_from_db()
            assert proceeding.case.deadline == deadline_before and proceeding.remedy_deadline == remedy_before, username


#: the admin's own sign-in pages and helpers (a login form is open to everyone by design)
ADMIN_OPEN = {"admin:login", "admin:logout", "admin:password_change", "admin:password_change_done", "admin:jsi18n",
              "admin:view_on_site", "admin:autocomplete"}


def test_the_admin_site_refuses_every_post_of_everyone_but_the_administrator(world):
    """The admin site is Django's (staff status + model permissions; only the administrator has
    staff status): everyone else posting to any admin URL ends on the admin login, nothing written."""
    from workflows.models import Case

    pk = str(Case.objects.order_by("pk").first().pk)
    sweep = Sweep(world)
    names = 0
    for name, route in all_urls():
        if classify(name, route) != "admin" or name in ADMIN_OPEN:
            continue
        names += 1
        url = "/" + re.sub(r"<[^>]+>", pk, route.replace("^", "").replace("$", "")).replace("(?P", "")
        for who in IDENTITIES:
            if who == "spravce":
                continue
            a = attempt(world, who, url, data={"x": "1"})
            sweep.posts += 1
            refused = (a.status == 302 and "/admin/login/" in a.location) or a.status in (403, 404)
            if not refused or a.writes or a.changed:
                sweep.problems.append(f"{name} {url}: {who} got {a.status} {a.location} {a.writes[:1]}")
    assert sweep.problems == [], "\n".join(sweep.problems)
    assert names > 50
    print(f"\nadmin: {names} URL × {len(IDENTITIES) - 1} identit = {sweep.posts} požadavků")
