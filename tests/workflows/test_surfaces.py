"""Work surfaces: the unified inbox, queue and team list; claim, release, reassign; Czech."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.status import STATUS

from tests.workflows.factories import CaseFactory, TaskFactory, days
from workflows import selectors as sel
from workflows.collation import czech_order, czech_sort_key
from workflows.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ Czech ordering and format

CZECH_SORTED = ["Adam", "Cibule", "Čáp", "Ďábel", "Dům", "Hora", "Chata", "Ivan", "Řeka", "Sova", "Šimon", "Zebra", "Žába"]


def test_czech_sort_key_puts_ch_after_h_and_hacky_after_base():
    shuffled = sorted(CZECH_SORTED, key=lambda s: s[::-1])
    assert sorted(shuffled, key=czech_sort_key) == CZECH_SORTED


def test_database_orders_names_the_czech_way(demo_users):
    for name in sorted(CZECH_SORTED, key=lambda s: s[::-1]):
        CaseFactory(applicant_name=name)
    names = list(Case.objects.order_by(czech_order("applicant_name")).values_list("applicant_name", flat=True))
    assert names == CZECH_SORTED
    assert list(Case.objects.order_by(czech_order("applicant_name", descending=True)).values_list(
        "applicant_name", flat=True)) == CZECH_SORTED[::-1]


def test_login_page_is_czech(client):
    response = client.get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Přihlášení" in html and "Uživatelské jméno" in html and "Heslo" in html and 'lang="cs"' in html
    response = client.post("/login/", {"username": "nikdo", "password": "špatně"})
    assert "Zadejte správn" in response.content.decode()  # Django's Czech error message


def test_root_redirects_by_role(client, demo_users):
    assert client.get("/")["Location"].startswith("/login/")
    client.force_login(demo_users["referent"])
    assert client.get("/")["Location"] == "/prehled/"
    client.force_login(demo_users["ctenar"])
    assert client.get("/")["Location"] == "/hledat/"
    client.force_login(demo_users["portal"])
    assert client.get("/")["Location"] == "/api/docs/"


# ------------------------------------------------------------------ inbox


def test_inbox_lists_own_tasks_by_deadline_with_working_days_and_overdue(client, demo_users):
    ref = demo_users["referent"]
    late = CaseFactory(title="Pozdní", deadline=days(-3))
    soon = CaseFactory(title="Brzká", deadline=days(10))
    none = CaseFactory(title="Bez lhůty")
    for case in (soon, none, late):
        TaskFactory(case=case, owner=ref)
    TaskFactory(case=CaseFactory(title="Cizí úkol", deadline=days(1)), owner=demo_users["referent2"])
    client.force_login(ref)
    response = client.get("/ukoly/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Pozdní") < html.index("Brzká") < html.index("Bez lhůty")
    assert "Cizí úkol" not in html
    d = late.deadline
    assert f"{d.day}. {d.month}. {d.year}" in html
    assert 'class="overdue"' in html and "po lhůtě" in html and "pracovní" in html
    assert "Moje úkoly" in html and "Vrátit do fronty" in html


def test_days_left_are_working_days(demo_users):
    from workflows.deadlines import working_days_between

    ref = demo_users["referent"]
    case = CaseFactory(deadline=days(14))
    task = TaskFactory(case=case, owner=ref)
    row = sel.to_rows([sel.tasks_for(ref, sel.SCOPE_INBOX).get(pk=task.pk)])[0]
    from django.utils import timezone

    assert row.days_left == working_days_between(timezone.localdate(), case.deadline)
    assert row.days_left < 14 and not row.overdue


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_inbox_and_queue_cost_a_fixed_number_of_queries(client, demo_users, django_assert_max_num_queries):
    ref = demo_users["referent"]
    for i in range(3):
        TaskFactory(case=CaseFactory(title=f"A{i}", deadline=days(i)), owner=ref)
        TaskFactory(case=CaseFactory(title=f"Q{i}", deadline=days(i)))
    client.force_login(ref)
    small = {url: _queries_for(client, url) for url in ("/ukoly/", "/fronta/", "/prehled/")}
    for i in range(30):
        TaskFactory(case=CaseFactory(title=f"B{i}", applicant_name=f"Poskytovatel {i}", deadline=days(i - 5)), owner=ref)
        TaskFactory(case=CaseFactory(title=f"R{i}", deadline=days(i - 5)))
    large = {url: _queries_for(client, url) for url in ("/ukoly/", "/fronta/", "/prehled/")}
    assert small == large
    with django_assert_max_num_queries(12):
        client.get("/ukoly/?sort=applicant&window=10&provider=Poskytovatel")
    with django_assert_max_num_queries(12):
        client.get("/fronta/?overdue=1&page=2")
    client.force_login(demo_users["vedouci"])
    head_small = _queries_for(client, "/prehled/"), _queries_for(client, "/tym/")
    for i in range(10):
        TaskFactory(case=CaseFactory(title=f"H{i}", deadline=days(i - 3)), owner=demo_users["referent2"])
    assert (_queries_for(client, "/prehled/"), _queries_for(client, "/tym/")) == head_small


def test_list_get_does_not_write_the_session(client, demo_users):
    TaskFactory(case=CaseFactory(deadline=days(2)), owner=demo_users["referent"])
    client.force_login(demo_users["referent"])
    for url in ("/ukoly/", "/fronta/", "/prehled/", "/hledat/?q=Domov"):
        response = client.get(url)
        assert "sessionid" not in response.cookies, url


def test_filters_process_window_overdue_provider_and_sort(client, demo_users):
    ref = demo_users["referent"]
    a = CaseFactory(title="Po lhůtě", applicant_name="Žirafa, z.s.", ico="11111111", overdue=True)
    b = CaseFactory(title="Za měsíc", applicant_name="Chata, o.p.s.", ico="22222222", deadline=days(40))
    c = CaseFactory(title="Hned", applicant_name="Hora, z.ú.", ico="33333333", deadline=days(1))
    for case in (a, b, c):
        TaskFactory(case=case, owner=ref)
    client.force_login(ref)

    def titles(query):
        return [r.case.title for r in client.get("/ukoly/" + query).context["rows"]]

    assert titles("") == ["Po lhůtě", "Hned", "Za měsíc"]
    assert titles("?overdue=1") == ["Po lhůtě"]
    assert titles("?window=overdue") == ["Po lhůtě"]
    assert titles("?window=5") == ["Po lhůtě", "Hned"]
    assert titles("?provider=2222") == ["Za měsíc"]
    assert titles("?provider=hora") == ["Hned"]
    assert titles("?sort=applicant") == ["Hned", "Za měsíc", "Po lhůtě"]  # Hora < Chata < Žirafa
    assert titles("?sort=-deadline") == ["Za měsíc", "Hned", "Po lhůtě"]
    key = sel.flow_key(sel.registered_flows()[0])
    assert len(titles(f"?process={key}")) == 3
    assert titles("?process=neexistuje") == []
    process_options = client.get("/ukoly/").context["process_choices"]
    # only the flows of the officer's agenda (and the engine's letter): no opinion process
    assert [label for _key, label in process_options] == [
        "Dopis", "Řízení o registraci", "Oznámení změn", "Řízení o změně registrace", "Řízení o zrušení registrace"]


def test_export_xlsx_and_csv(client, demo_users):
    import openpyxl

    TaskFactory(case=CaseFactory(title="Export", applicant_name="Čápův dvůr", deadline=days(3)), owner=demo_users["referent"])
    client.force_login(demo_users["referent"])
    response = client.get("/ukoly/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "Úkol" and ws["E2"].value == "Čápův dvůr"
    response = client.get("/ukoly/?export=csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffÚkol;") and "Čápův dvůr" in text


# ------------------------------------------------------------------ queue, claim, release


def test_queue_shows_tasks_the_user_may_take(client, demo_users):
    TaskFactory(case=CaseFactory(title="Úkol k převzetí", deadline=days(4)))
    client.force_login(demo_users["referent"])
    assert "Úkol k převzetí" in client.get("/fronta/").content.decode()
    client.force_login(demo_users["planovac"])  # no permission for the letter flow
    assert "Úkol k převzetí" not in client.get("/fronta/").content.decode()


def test_claim_then_second_claim_gets_a_clear_czech_message(client, demo_users):
    task = TaskFactory(case=CaseFactory(title="Sporný úkol", deadline=days(4)))
    client.force_login(demo_users["referent"])
    response = client.post(f"/ukoly/{task.pk}/prevzit/", follow=True)
    assert "jste převzal(a)" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == demo_users["referent"] and task.status == STATUS.ASSIGNED

    client.force_login(demo_users["referent2"])
    response = client.post(f"/ukoly/{task.pk}/prevzit/", follow=True)
    html = response.content.decode()
    assert "Úkol už převzal(a) Jana Nováková" in html
    task.refresh_from_db()
    assert task.owner == demo_users["referent"]


def test_claim_without_permission_is_forbidden(client, demo_users):
    task = TaskFactory(case=CaseFactory())
    client.force_login(demo_users["planovac"])
    assert client.post(f"/ukoly/{task.pk}/prevzit/").status_code == 403
    assert client.get(f"/ukoly/{task.pk}/prevzit/").status_code == 405  # never on GET


def test_release_returns_task_to_queue_only_for_owner(client, demo_users):
    task = TaskFactory(case=CaseFactory(), owner=demo_users["referent"])
    client.force_login(demo_users["planovac"])  # neither the owner nor a manager of the flow
    assert client.post(f"/ukoly/{task.pk}/uvolnit/").status_code == 403
    client.force_login(demo_users["referent"])
    response = client.post(f"/ukoly/{task.pk}/uvolnit/", follow=True)
    assert "zpět ve frontě" in response.content.decode()
    task.refresh_from_db()
    assert task.owner is None and task.status == STATUS.NEW


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_claims_exactly_one_wins(demo_users):
    """Two browsers claim the same task at once: the process lock lets exactly one win."""
    import threading

    from django.test import Client

    task = TaskFactory(case=CaseFactory(title="Závod"))
    barrier = threading.Barrier(2)
    results = {}

    def claim(username):
        try:
            client = Client()
            client.force_login(demo_users[username])
            barrier.wait(5)
            response = client.post(f"/ukoly/{task.pk}/prevzit/", follow=True)
            results[username] = response.content.decode()
        finally:
            from django.db import connection as thread_connection

            thread_connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in ("referent", "referent2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner.username in ("referent", "referent2")
    winner = task.owner.username
    loser = "referent2" if winner == "referent" else "referent"
    assert "jste převzal(a)" in results[winner]
    assert "Úkol už převzal" in results[loser]


# ------------------------------------------------------------------ team, reassign


def test_head_sees_team_and_reassigns(client, demo_users):
    task = TaskFactory(case=CaseFactory(title="Předávaný", deadline=days(2)), owner=demo_users["referent"])
    client.force_login(demo_users["vedouci"])
    html = client.get("/tym/").content.decode()
    assert "Předávaný" in html and "Předat" in html
    response = client.get(f"/ukoly/{task.pk}/predat/")
    assert "Petr Dvořák" in response.content.decode()
    assert "Lucie Černá" not in response.content.decode()  # planner lacks the task's permission
    response = client.post(f"/ukoly/{task.pk}/predat/", {"user": demo_users["referent2"].pk}, follow=True)
    assert "byl předán" in response.content.decode()
    task.refresh_from_db()
    assert task.owner == demo_users["referent2"] and task.status == STATUS.ASSIGNED
    event = CaseEvent.objects.get(action="reassign")
    assert event.actor == demo_users["vedouci"] and "Jana Nováková → Petr Dvořák" in event.summary


def test_head_assigns_a_queued_task_and_cannot_pick_an_ineligible_user(client, demo_users):
    task = TaskFactory(case=CaseFactory())
    client.force_login(demo_users["vedouci"])
    client.post(f"/ukoly/{task.pk}/predat/", {"user": demo_users["planovac"].pk})
    task.refresh_from_db()
    assert task.owner is None
    client.post(f"/ukoly/{task.pk}/predat/", {"user": demo_users["referent"].pk})
    task.refresh_from_db()
    assert task.owner == demo_users["referent"] and task.status == STATUS.ASSIGNED


def test_only_head_reassigns_and_sees_team(client, demo_users):
    task = TaskFactory(case=CaseFactory(), owner=demo_users["referent"])
    for username in ("referent", "referent2", "planovac", "zastupce", "ctenar", "portal"):
        client.force_login(demo_users[username])
        assert client.get("/tym/").status_code == 403, username
        if username == "zastupce":
            continue  # the deputy standing in for the head reassigns (issue 13), without the team list
        assert client.post(f"/ukoly/{task.pk}/predat/", {"user": demo_users[username].pk}).status_code == 403
    task.refresh_from_db()
    assert task.owner == demo_users["referent"]


# ------------------------------------------------------------------ dashboard


def test_dashboard_for_officer_and_head(client, demo_users):
    TaskFactory(case=CaseFactory(title="Můj", deadline=days(-2)), owner=demo_users["referent"])
    TaskFactory(case=CaseFactory(title="Ve frontě", deadline=days(3)))
    waiting = CaseFactory(title="Ke schválení", deadline=days(1), waiting=True)
    TaskFactory(case=waiting)
    client.force_login(demo_users["referent"])
    html = client.get("/prehled/").content.decode()
    assert "Moje úkoly podle lhůty" in html and "Můj" in html and "<svg" in html
    assert "Vytížení" not in html
    client.force_login(demo_users["vedouci"])
    response = client.get("/prehled/")
    html = response.content.decode()
    assert "Čeká na schválení" in html and "Ke schválení" in html
    assert "Vytížení a úkoly po lhůtě podle pracovníků" in html and "Jana Nováková" in html
    load = {r["name"]: r for r in response.context["load"]}
    assert load["Jana Nováková"]["overdue"] == 1
    assert "Průměrná doba vyřízení" in html and "Vyjádření podle výzev" in html


def test_lead_time_of_finished_processes(demo_users):
    import datetime

    from django.utils import timezone
    from viewflow.workflow.status import PROCESS

    from workflows.models import CaseProcess

    now = timezone.now()
    today = timezone.localdate()
    for received_ago in (4, 10):
        task = TaskFactory(case=CaseFactory(received_on=today - datetime.timedelta(days=received_ago)))
        CaseProcess.objects.filter(pk=task.process_id).update(status=PROCESS.DONE, finished=now)
    old = TaskFactory(case=CaseFactory(received_on=today - datetime.timedelta(days=200)))
    CaseProcess.objects.filter(pk=old.process_id).update(status=PROCESS.DONE, finished=now - datetime.timedelta(days=100))
    rows = sel.lead_times(demo_users["vedouci"])
    assert rows == [{"flow": "Dopis", "count": 2, "avg_days": 7.0}]


def test_viewflow_pages_link_back_to_our_surfaces_in_czech(client, demo_users):
    client.force_login(demo_users["referent"])
    # Viewflow's own screens are the administrator's (issue 12): an officer lands on our pages
    assert client.get("/app/workflow/flows/letter/")["Location"] == "/prehled/"
    client.force_login(demo_users["spravce"])
    html = client.get("/app/workflow/flows/letter/").content.decode()
    assert "Pracovní plochy" in html and 'href="/ukoly/"' in html and 'href="/prehled/"' in html
    assert "Odhlásit" in html  # Viewflow's own strings in Czech
    assert client.get("/app/workflow/inbox/")["Location"] == "/ukoly/"
    assert client.get("/app/workflow/queue/?window=5")["Location"] == "/fronta/?window=5"


def test_inbox_opens_the_task_form_and_returns_to_the_list(client, demo_users):
    task = TaskFactory(case=CaseFactory(deadline=days(2)), owner=demo_users["referent"])
    client.force_login(demo_users["referent"])
    row = client.get("/ukoly/?sort=deadline").context["rows"][0]
    assert row.url.endswith(f"/repair/{task.pk}/execute/?back=/ukoly/%3Fsort%3Ddeadline")
    assert client.get(row.url).status_code == 200


@pytest.mark.parametrize("seed", [1, 2])
def test_two_step_deadline_pages_equal_the_plain_order(client, demo_users, seed):
    """The two-step pages give exactly the plain order (ties, no deadline, several tasks per
    case, other users' tasks mixed in) for every page size, and the list view uses them."""
    import random

    rng = random.Random(seed)
    ref, other = demo_users["referent"], demo_users["referent2"]
    for i in range(40):
        deadline = rng.choice([None, days(-3), days(0), days(2), days(2), days(5), days(9)])
        case = CaseFactory(title=f"C{i}", deadline=deadline)
        for _ in range(rng.choice([1, 1, 2, 3])):
            TaskFactory(case=case, owner=rng.choice([None, None, ref, other]))
    for scope, user in ((sel.SCOPE_QUEUE, ref), (sel.SCOPE_INBOX, ref), (sel.SCOPE_TEAM, demo_users["vedouci"])):
        qs = sel.task_list(user, scope)
        plain = [t.pk for t in qs]
        pages = sel.DeadlineOrdered(qs)
        assert pages.count() == len(plain)
        for size in (1, 4, 7, 25):
            got = []
            for start in range(0, len(plain), size):
                got += [t.pk for t in pages[start:start + size]]
            assert got == plain, (scope, size)
    for params in ({"window": "5"}, {"overdue": "1"}, {"window": "none"}, {"provider": "Domov"}):
        qs = sel.task_list(ref, sel.SCOPE_QUEUE, sel.TaskFilters.from_query(params, ref))
        plain = [t.pk for t in qs]
        pages = sel.DeadlineOrdered(qs)
        assert pages.count() == len(plain), params
        got = [t.pk for start in range(0, len(plain), 4) for t in pages[start:start + 4]]
        assert got == plain, params
    client.force_login(ref)
    listed = [r.task.pk for r in client.get("/fronta/").context["rows"]]
    assert listed == [t.pk for t in sel.task_list(ref, sel.SCOPE_QUEUE)][:25]


def test_every_registered_flow_runs_on_a_case_process():
    """DeadlineOrdered joins the case with an inner join: it relies on every process of a
    registered flow being a CaseProcess (non-null case), so no task drops out of the pages."""
    from workflows.models import CaseProcess

    for flow in sel.registered_flows():
        assert issubclass(flow.process_class, CaseProcess), flow
    assert not CaseProcess._meta.get_field("case").null
