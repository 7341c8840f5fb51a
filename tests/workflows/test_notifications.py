"""Notifications (issue 12, item 6): who is told of what, the e-mail choices, the bell.

Each trigger creates the right notification for the right users only: the head's hand-over,
a flow's ``.Assign`` (not when the acting user assigned herself), an opinion returned with
comments (its drafter), submitted for approval (its approvers, never its drafter), deadline
reminders and escalation (tests/workflows/test_reminders.py). E-mail goes through the retried
Celery task only for the kinds the user keeps by e-mail; the bell is one indexed COUNT."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import flowkit as fk
from tests.opinions.conftest import catalogues, kk_plan, request_data  # noqa: F401 (fixtures)
from tests.workflows.factories import CaseFactory, TaskFactory, days
from workflows.notify import services
from workflows.notify.models import Notification

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def notes():
    return sorted(Notification.objects.values_list("user__username", "kind"))


# ------------------------------------------------------------------ assignment


def test_the_heads_hand_over_tells_the_new_owner_only(client, demo_users, tasks_in_process,
                                                      django_capture_on_commit_callbacks):
    case = CaseFactory(title="Předávaný", deadline=days(2))
    task = TaskFactory(case=case)  # in the queue: nobody told
    assert notes() == []
    client.force_login(demo_users["vedouci"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ukoly/{task.pk}/predat/", {"user": demo_users["referent2"].pk})
    assert response.status_code == 302
    assert notes() == [("referent2", "assigned")]
    note = Notification.objects.get()
    assert note.message.startswith("Nový úkol: ") and case.file_mark in note.message
    assert note.detail == "Úkol vám předal(a) Eva Chaloupková."
    assert note.url.startswith("/app/workflow/") and f"/{task.pk}/" in note.url  # straight to the task form
    assert note.mail == Notification.Mail.SENT
    assert [m.to for m in mail.outbox] == [[demo_users["referent2"].email]]
    assert "Nový úkol" in mail.outbox[0].subject and f"{note.url}" in mail.outbox[0].body


def test_a_task_a_flow_assigns_tells_its_owner_unless_she_acts_herself(demo_users):
    referent = demo_users["referent"]
    with services.acting_user(referent):  # her own next step: no noise
        TaskFactory(case=CaseFactory(), owner=referent)
    assert notes() == []
    with services.acting_user(demo_users["vedouci"]):
        TaskFactory(case=CaseFactory(), owner=referent)
    TaskFactory(case=CaseFactory(), owner=demo_users["referent2"])  # a background job's next step
    assert notes() == [("referent", "assigned"), ("referent2", "assigned")]


# ------------------------------------------------------------------ the opinion: approval and return


def test_submission_tells_the_approvers_and_a_return_tells_the_drafter(catalogues, kk_plan, tasks_in_process,  # noqa: F811
                                                                        django_capture_on_commit_callbacks):
    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    assert notes() == []  # the first draft waits in the planners' queue
    with services.acting_user(users["planovac"]), django_capture_on_commit_callbacks(execute=True):
        fk.draft(process, users["planovac"])
    # everyone who may approve (the head and the deputy), never the drafter or the other staff
    assert notes() == [("vedouci", "approval"), ("zastupce", "approval")]
    assert all(n.message.startswith("Ke schválení: Schválení vyjádření") for n in Notification.objects.all())
    assert sorted(m.to[0] for m in mail.outbox) == sorted([users["vedouci"].email, users["zastupce"].email])

    Notification.objects.all().delete()
    mail.outbox.clear()
    with services.acting_user(users["vedouci"]), django_capture_on_commit_callbacks(execute=True):
        fk.return_(process, users["vedouci"], "Doplňte prosím vazbu na plán.")
    # one message to the drafter (the "returned" replaces the plain "new task" of the same task)
    assert notes() == [("planovac", "returned")]
    note = Notification.objects.get()
    assert note.message.startswith("Vráceno s připomínkami: ") and note.detail == "Doplňte prosím vazbu na plán."
    assert [m.to for m in mail.outbox] == [[users["planovac"].email]]

    Notification.objects.all().delete()
    with services.acting_user(users["planovac"]):
        fk.draft(process, users["planovac"])
    assert notes() == [("vedouci", "approval")]  # back to the head who returned it, not to the deputy


# ------------------------------------------------------------------ preferences


def test_the_users_e_mail_choices_are_respected(client, demo_users, tasks_in_process, django_capture_on_commit_callbacks):
    referent = demo_users["referent"]
    client.force_login(referent)
    page = client.get("/upozorneni/nastaveni/").content.decode()
    assert page.count('type="checkbox" name="email"') == 5 and page.count(" checked") == 5  # default: all by e-mail
    client.post("/upozorneni/nastaveni/", {"email": ["reminder", "escalation"]})
    assert services.email_kinds(referent) == {"reminder", "escalation"}
    with django_capture_on_commit_callbacks(execute=True):
        with services.acting_user(demo_users["vedouci"]):
            TaskFactory(case=CaseFactory(), owner=referent)
        services.notify(user=referent, kind=Kind.REMINDER, message="Za 5 prac. dní končí lhůta", url="/")
    assert sorted(Notification.objects.values_list("kind", "mail")) == [("assigned", ""), ("reminder", "sent")]
    assert [m.subject for m in mail.outbox] == ["[osv-agenda] Za 5 prac. dní končí lhůta"]  # the bell has both


# ------------------------------------------------------------------ the bell and the list


def test_bell_count_list_open_and_mark_read(client, demo_users):
    referent, other = demo_users["referent"], demo_users["referent2"]
    case = CaseFactory(title="Zvoneček")
    first = services.notify(user=referent, kind=Kind.REMINDER, message="První zpráva",
                            case=case, url=f"/pripady/{case.pk}/")
    services.notify(user=referent, kind=Kind.ESCALATION, message="Druhá zpráva", case=case)
    foreign = services.notify(user=other, kind=Kind.REMINDER, message="Cizí zpráva")
    client.force_login(referent)
    html = client.get("/ukoly/").content.decode()
    assert 'id="bell"' in html and "Upozornění <span class=\"badge red\">2<span class=\"visually-hidden\"> nepřečtených" in html
    listing = client.get("/upozorneni/").content.decode()
    assert "První zpráva" in listing and "Druhá zpráva" in listing and "Cizí zpráva" not in listing
    assert client.get(f"/upozorneni/{foreign.pk}/").status_code == 404  # another user's: not found
    assert client.post(f"/upozorneni/{foreign.pk}/precteno/").status_code == 404
    response = client.get(f"/upozorneni/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/pripady/{case.pk}/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert '<span class="badge red">1<' in client.get("/ukoly/").content.decode()
    client.post("/upozorneni/precteno/")
    assert Notification.objects.filter(user=referent, read_at__isnull=True).count() == 0
    assert 'class="badge red"' not in client.get("/ukoly/").content.decode().split("<main")[0]
    foreign.refresh_from_db()
    assert foreign.read_at is None  # marking all read touches only one's own


def test_the_bell_costs_one_indexed_count_however_many_notifications(client, demo_users):
    referent = demo_users["referent"]
    client.force_login(referent)
    client.get("/prehled/")

    def bell_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/prehled/").status_code == 200
        return [q["sql"] for q in ctx.captured_queries if "workflows_notification" in q["sql"]], len(ctx.captured_queries)

    few, few_total = bell_queries()
    for i in range(60):
        services.notify(user=referent, kind=Kind.REMINDER, message=f"Zpráva {i}")
    many, many_total = bell_queries()
    assert len(few) == len(many) == 1 and many[0].startswith("SELECT COUNT(*)")
    assert '"read_at" IS NULL' in many[0] and f'"user_id" = {referent.pk}' in many[0]
    assert few_total == many_total
    index = next(i for i in Notification._meta.indexes if i.name == "notification_user_read")
    assert index.fields == ["user", "read_at"]


def test_the_bell_is_for_agenda_staff(client, demo_users):
    client.force_login(demo_users["ctenar"])
    assert 'id="bell"' not in client.get("/hledat/").content.decode()


# ------------------------------------------------------------------ the e-mail task retries


def test_a_refusing_mail_server_is_retried_and_the_bell_row_says_sent(settings, demo_users, tasks_in_process,
                                                                      django_capture_on_commit_callbacks):
    from tests.security.smtp_server import RefusingThenAccepting, SmtpServer

    server = SmtpServer(RefusingThenAccepting(refuse=2)).start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = (
            "127.0.0.1", server.port, False, 5)
        with django_capture_on_commit_callbacks(execute=True):
            note = services.notify(user=demo_users["referent"], kind=Kind.ESCALATION, message="Zmeškaná lhůta")
        assert server.handler.attempts == 3 and len(server.handler.messages) == 1
    finally:
        server.stop()
    note.refresh_from_db()
    assert note.mail == Notification.Mail.SENT and note.mailed_at is not None


def test_when_retries_run_out_the_row_says_failed_and_the_sweep_sends_it_later(settings, demo_users, tasks_in_process,
                                                                               django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from tests.security.smtp_server import RefusingThenAccepting, SmtpServer

    server = SmtpServer(RefusingThenAccepting(refuse=3)).start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = (
            "127.0.0.1", server.port, False, 5)
        settings.OSV_MAIL_MAX_RETRIES = 2
        with django_capture_on_commit_callbacks(execute=True):
            note = services.notify(user=demo_users["referent"], kind=Kind.REMINDER, message="Za 1 prac. den končí lhůta")
        note.refresh_from_db()
        assert server.handler.attempts == 3 and server.handler.messages == []
        assert note.mail == Notification.Mail.FAILED  # in the bell all the same
        assert services.resend_pending() == 0  # too early: waits OSV_MAIL_RESEND_MINUTES
        later = timezone.now() + timedelta(minutes=settings.OSV_MAIL_RESEND_MINUTES + 1)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.resend_pending(now=later) == 1
        note.refresh_from_db()
        assert note.mail == Notification.Mail.SENT and len(server.handler.messages) == 1
    finally:
        server.stop()
