"""Every URL name × every demo role (and an anonymous visitor): allowed or forbidden.

The matrix walks Django's resolver, so a new URL that nobody classified makes this test fail
until it is added below (``CASES_GET``) or falls under a rule (Viewflow flow URLs: Viewflow's
view permission; agenda URLs: outsiders never get a page). Document downloads are checked for
both agendas: issued, draft and personal-data documents.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from viewflow.workflow.status import STATUS

from tests.conftest import url_names
from tests.workflows.factories import CaseFactory, TaskFactory, days
from workflows import selectors as sel
from workflows.models import Document

pytestmark = pytest.mark.django_db

USERS = ["referent", "referent2", "planovac", "koordinator", "vedouci", "zastupce", "portal", "spravce", "ctenar"]
ROLES = USERS + ["anonymous"]
REG_STAFF = {"referent", "referent2", "vedouci", "zastupce", "spravce"}
OP_STAFF = {"planovac", "koordinator", "vedouci", "zastupce", "spravce"}
WORKERS = REG_STAFF | OP_STAFF
EVERYONE = set(USERS)

# expected GET outcome of our own pages: the users who get the page (everyone else: 403,
# anonymous: redirect to the login page). "*redirect" = a redirect for every logged-in user.
CASES_GET = {
    "cases:home": "*redirect",
    "cases:dashboard": WORKERS,
    "cases:inbox": WORKERS,
    "cases:queue": WORKERS,
    "cases:team": {"vedouci", "spravce"},
    "cases:reassign": {"vedouci", "zastupce"},
    "cases:claim": "*post-only",
    "cases:release": "*post-only",
    "cases:dispatch_retry": "*post-only",
    "cases:dispatch_to_paper": "*post-only",
    "cases:case_detail": "by-object",
    "cases:case_print": "by-object",
    "cases:search": EVERYONE - {"portal"},
    "cases:document_download": "by-object",
    "cases:stock_inbox": "*redirect",
    "cases:stock_queue": "*redirect",
    "cases:ares_lookup": "*ares",  # agenda staff; without an IČO the lookup answers 400 (Czech error)
    # everyone's own notifications (the bell shows for agenda staff; the page is harmless for all)
    "cases:notifications": EVERYONE,
    "cases:notification_settings": EVERYONE,
    "cases:notifications_read_all": "*post-only",
    "cases:notification_read": "*post-only",
    "cases:notification_open": "by-object",  # the referent's own notification: only she opens it
    # saved views: POST only; who may save, delete and copy is tested in tests/workflows/test_saved_views.py
    "cases:saved_view_create": "*post-only",
    "cases:saved_view_delete": "*post-only",
    "cases:saved_view_copy": "*post-only",
}
PUBLIC = {"login", "logout", "password_reset", "password_reset_done", "password_reset_confirm",
          "password_reset_complete"}
LOGGED_IN_ONLY = {"password_change", "password_change_done"}
# case / document objects and who may open them
OBJECT_ACCESS = {
    "reg_case": REG_STAFF,
    "op_case": OP_STAFF,
    "reg_issued": REG_STAFF | {"ctenar"},
    "reg_draft": REG_STAFF,
    "reg_personal": REG_STAFF,
    "op_issued": OP_STAFF | {"ctenar"},
    "op_draft": OP_STAFF,
    "op_personal": OP_STAFF,
}


def _doc(case, kind, *, status=Document.Status.ISSUED, personal=False):
    d = Document(case=case, kind=kind, title=f"{kind}", version=1, status=status, personal_data=personal,
                 reference_number=f"KK/{kind}/SV/2026", sha256=Document.hash_bytes(b"x"), size=1)
    d.file.save(f"{kind}.docx", ContentFile(b"x"), save=False)
    d.save()
    return d


@pytest.fixture
def world(demo_users):
    reg_case = CaseFactory(title="Registrační věc TAJNÉ-R", applicant_name="Registrovaný žadatel", deadline=days(3))
    op_case = CaseFactory(title="Vyjádření TAJNÉ-O", applicant_name="Žadatel o vyjádření", opinion=True,
                        deadline=days(3))
    task = TaskFactory(case=reg_case, owner=demo_users["referent"])
    return {
        "reg_case": reg_case,
        "op_case": op_case,
        "task": task,
        "reg_issued": _doc(reg_case, "reg_issued"),
        "reg_draft": _doc(reg_case, "reg_draft", status=Document.Status.DRAFT),
        "reg_personal": _doc(reg_case, "reg_personal", personal=True),
        "op_issued": _doc(op_case, "op_issued"),
        "op_draft": _doc(op_case, "op_draft", status=Document.Status.DRAFT),
        "op_personal": _doc(op_case, "op_personal", personal=True),
    }


def _login(client, demo_users, role):
    client.logout()
    if role != "anonymous":
        client.force_login(demo_users[role])


def _outcome(response) -> str:
    if response.status_code == 302:
        location = response["Location"]
        return "login" if ("/login/" in location) else "redirect"
    if response.status_code == 200:
        return "ok"
    if response.status_code in (403, 404):
        return "forbidden"
    if response.status_code == 405:
        return "method"
    return f"status {response.status_code}"


def api_expectation(name: str, role: str) -> str:
    """GET outcome of each API endpoint (404 = the object is not among the user's visible ones)."""
    short = name.split(":")[-1]
    if short in ("schema", "docs"):
        return "ok"
    if short == "provider-list":
        return "ok"  # the registry is readable by every role
    if short.startswith("provider-"):
        return "forbidden"  # our test IČO "x" is not in the registry (or the registry is not there yet): 404
    if short == "case-list":
        return "ok" if role in WORKERS | {"portal"} else "forbidden"
    if short == "case-detail":
        return "ok" if role in OBJECT_ACCESS["reg_case"] else "forbidden"
    if short == "document-download":  # pk of the registration case = some document; checked in tests/api
        return {"ok", "forbidden"}
    if short == "opinion-request-create":
        return "method" if role in {"portal", "planovac", "koordinator", "vedouci"} else "forbidden"
    if short == "change-notice-create":
        # the portal and who receives notices on the web (the officers; the head only reads, issue 13)
        return "method" if role in {"portal", "referent", "referent2"} else "forbidden"
    return "unclassified"


def _flow_for(name):
    for flow in sel.registered_flows():
        label = flow.instance.flow_label.split("/")[-1]
        if f":flows:{label}:" in name or name.endswith(f":flows:{label}:index"):
            return flow
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_url_name_for_role(client, demo_users, world, role):
    _login(client, demo_users, role)
    user = demo_users.get(role)
    problems = []
    checked = 0
    for name, kwargs in url_names():
        if name.startswith("admin:"):
            continue  # covered by test_admin_only_for_admin
        if name in PUBLIC or name in LOGGED_IN_ONLY:
            if name in PUBLIC or role != "anonymous":
                continue
        args = {}
        for k in kwargs:
            if k == "task_pk":
                args[k] = world["task"].pk
            elif k == "process_pk":
                args[k] = world["task"].process_id
            elif k == "pk":
                args[k] = world["reg_case"].pk
            else:
                args[k] = "x"
        try:
            url = reverse(name, kwargs=args)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{name}: cannot reverse ({exc})")
            continue
        checked += 1

        if name == "cases:case_detail" or name == "cases:case_print":
            for key in ("reg_case", "op_case"):
                u = reverse(name, kwargs={"pk": world[key].pk})
                got = _outcome(client.get(u))
                want = "login" if role == "anonymous" else ("ok" if role in OBJECT_ACCESS[key] else "forbidden")
                if got != want:
                    problems.append(f"{name} {key}: {got}, expected {want}")
            continue
        if name == "cases:document_download":
            for key in ("reg_issued", "reg_draft", "reg_personal", "op_issued", "op_draft", "op_personal"):
                u = reverse(name, kwargs={"pk": world[key].pk})
                got = _outcome(client.get(u))
                want = "login" if role == "anonymous" else ("ok" if role in OBJECT_ACCESS[key] else "forbidden")
                if got != want:
                    problems.append(f"{name} {key}: {got}, expected {want}")
            continue

        if name == "cases:notification_open":
            from workflows.notify.models import Notification

            note = Notification.objects.create(user=demo_users["referent"], kind="assigned", message="m", url="/ukoly/")
            got = _outcome(client.get(reverse(name, kwargs={"pk": note.pk})))
            want = "login" if role == "anonymous" else ("redirect" if role == "referent" else "forbidden")
            if got != want:
                problems.append(f"{name}: {got}, expected {want}")
            continue

        response = client.get(url)
        got = _outcome(response)
        if got.startswith("status 5"):
            problems.append(f"{name}: server error {response.status_code}")
            continue
        if role == "anonymous":
            # every page but the public auth pages ends on the login page (possibly via redirects)
            final = client.get(url, follow=True)
            path = final.request["PATH_INFO"]
            api_401 = final.status_code == 401 and final.headers.get("WWW-Authenticate") == "Token"
            if not (path.startswith(("/login/", "/admin/login/")) or final.status_code in (403, 405) or api_401):
                problems.append(f"{name}: anonymous ended on {path} ({final.status_code})")
            continue

        if name.startswith("cases:api:"):
            want = api_expectation(name, role)
            if (got not in want) if isinstance(want, set) else (got != want):
                problems.append(f"{name}: {got} ({response.status_code}), expected {want}")
            continue

        rule = CASES_GET.get(name)
        if name.startswith("cases:"):
            if rule is None:
                problems.append(f"{name}: not classified in CASES_GET")
                continue
            if rule == "*redirect":
                want = "redirect"
            elif rule == "*post-only":
                want = "method"
            elif rule == "*ares":
                want = "status 400" if role in WORKERS else "forbidden"
            else:
                want = "ok" if role in rule else "forbidden"
            if got != want:
                problems.append(f"{name}: {got}, expected {want}")
            continue

        if name.startswith("workflow:") or name == "index":
            flow = _flow_for(name)
            if flow is None:
                # site/app level pages (lists filtered by permission) – never an error
                if got not in ("ok", "redirect", "forbidden"):
                    problems.append(f"{name}: {got}")
                continue
            may_view = flow.instance.has_view_permission(user)
            if not may_view and got == "ok":
                problems.append(f"{name}: {role} without view permission on {flow.__name__} got a page")
            continue

        agenda = name.split(":", 1)[0]
        if agenda in ("registrations", "opinions"):
            insiders = REG_STAFF if agenda == "registrations" else OP_STAFF
            public_registry = agenda == "registrations" and any(w in name for w in ("registry", "registr", "provider"))
            if role not in insiders and not public_registry and got == "ok" and role != "portal":
                body = response.content.decode(errors="ignore")
                if "TAJNÉ" in body:
                    problems.append(f"{name}: {role} outside the agenda sees case data")
            if role in ("ctenar", "portal") and not public_registry and got == "ok":
                body = response.content.decode(errors="ignore")
                if "TAJNÉ" in body:
                    problems.append(f"{name}: {role} sees case data")
            continue
        if name.startswith("api:") or name.startswith("api-") or name.startswith("schema"):
            continue  # the API has its own matrix in tests/api
        if name in LOGGED_IN_ONLY:
            continue
        problems.append(f"{name}: not classified")
    assert checked > 20
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_task_actions_by_role(client, demo_users, world, role):
    """claim (queue task), release (referent's task), reassign – POST, fresh tasks per role."""
    _login(client, demo_users, role)
    queued = TaskFactory(case=world["reg_case"])
    assigned = TaskFactory(case=world["reg_case"], owner=demo_users["referent"])
    may_claim = {"referent", "referent2"}  # the letter's task permission through a role (not the admin's blanket rights)
    may_release = {"referent", "vedouci", "zastupce"}  # the owner, or the head / the deputy standing in (issue 13)
    may_reassign = {"vedouci", "zastupce"}

    r = client.post(reverse("cases:claim", args=[queued.pk]))
    queued.refresh_from_db()
    if role == "anonymous":
        assert _outcome(r) == "login"
    elif role in may_claim:
        assert r.status_code == 302 and queued.owner == demo_users[role]
    else:
        assert r.status_code == 403 and queued.owner is None

    r = client.post(reverse("cases:release", args=[assigned.pk]))
    assigned.refresh_from_db()
    if role == "anonymous":
        assert _outcome(r) == "login"
    elif role in may_release:
        assert r.status_code == 302 and assigned.status == STATUS.NEW
    else:
        assert r.status_code == 403 and assigned.owner == demo_users["referent"]

    fresh = TaskFactory(case=world["reg_case"], owner=demo_users["referent"])
    r = client.post(reverse("cases:reassign", args=[fresh.pk]), {"user": demo_users["referent2"].pk})
    fresh.refresh_from_db()
    if role == "anonymous":
        assert _outcome(r) == "login"
    elif role in may_reassign:
        assert fresh.owner == demo_users["referent2"]
    else:
        assert r.status_code == 403 and fresh.owner == demo_users["referent"]


@pytest.mark.parametrize("role", ROLES)
def test_no_case_data_on_pages_of_roles_that_must_not_see_it(client, demo_users, world, role):
    _login(client, demo_users, role)
    pages = ["/", "/prehled/", "/ukoly/", "/fronta/", "/tym/", "/hledat/?q=TAJNÉ", "/hledat/?q=KK",
             f"/pripady/{world['reg_case'].pk}/", f"/pripady/{world['op_case'].pk}/",
             "/hledat/?q=TAJNÉ&export=csv"]
    seen = {}
    for page in pages:
        body = client.get(page, follow=True).content.decode(errors="ignore")
        seen[page] = ("TAJNÉ-R" in body, "TAJNÉ-O" in body)
    for page, (reg, op) in seen.items():
        if reg:
            assert role in REG_STAFF, f"{role} sees registration case data on {page}"
        if op:
            assert role in OP_STAFF, f"{role} sees opinion case data on {page}"


def test_admin_only_for_admin(client, demo_users):
    names = [n for n, kw in url_names() if n.startswith("admin:") and (n == "admin:index" or n.endswith("_changelist"))]
    assert names
    for role in ROLES:
        _login(client, demo_users, role)
        for name in names:
            response = client.get(reverse(name))
            if role == "spravce":
                assert response.status_code == 200, name
            else:
                assert response.status_code == 302 and "/admin/login/" in response["Location"], (role, name)


# acts issued from the case page outside a flow step (issue 12): only who decides in the proceeding
# (the flow's "decide" permission); the correction page redirects when there is nothing to correct
CASE_PAGE_ACTS = {
    "registrations:proceeding_stop": {"referent": "ok", "referent2": "ok"},
    "registrations:act_correct": {"referent": "redirect", "referent2": "redirect"},
    "registrations:appeal_waiver": {"referent": "redirect", "referent2": "redirect"},  # not in the appeal period
}


@pytest.mark.parametrize("role", ROLES)
def test_case_page_acts_by_role(client, demo_users, role):
    from registrations import services as svc
    from registrations.models import Proceeding
    from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory

    proceeding = svc.application_receive(kind=Proceeding.Kind.REGISTRATION, provider=ProviderDataFactory(),
                                         services=[ServiceDataFactory()], received_on=days(-10))
    _login(client, demo_users, role)
    for name, allowed in CASE_PAGE_ACTS.items():
        got = _outcome(client.get(reverse(name, kwargs={"pk": proceeding.case_id})))
        want = "login" if role == "anonymous" else allowed.get(role, "forbidden")
        assert got == want, f"{name} as {role}: {got}, expected {want}"
