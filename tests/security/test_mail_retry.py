"""Finding 10: the applicant's e-mail goes out from a Celery task after commit; while the
SMTP server refuses, the task is retried, and ``notified_at`` is set only once the server
has taken the message. A real aiosmtpd server refuses twice, then accepts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from opinions import notifications
from opinions.models import Opinion
from tests.conftest import wait_for
from tests import flowkit as fk
from tests.opinions.conftest import catalogues, kk_plan, request_data  # noqa: F401 (fixtures)
from tests.security.smtp_server import RefusingThenAccepting, SmtpServer
from workflows.models import CaseEvent


@pytest.fixture
def smtp(request):
    handler = RefusingThenAccepting(refuse=getattr(request, "param", 2))
    server = SmtpServer(handler).start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings, smtp):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return settings


def issue(catalogues, captured):
    users = catalogues["users"]
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    fk.draft(process, users["planovac"])
    fk.approve(process, users["vedouci"])
    with captured(execute=True):
        assert fk.run_render_job(process) == "done"
    return fk.opinion_of(process)


def actions(opinion):
    return list(CaseEvent.objects.filter(case=opinion.case, action__startswith="notif").order_by("pk")
                .values_list("action", flat=True))


@pytest.mark.django_db
def test_refused_twice_then_accepted_the_mail_goes_out_once(catalogues, kk_plan, smtp, smtp_settings,  # noqa: F811
                                                            tasks_in_process, django_capture_on_commit_callbacks):
    opinion = issue(catalogues, django_capture_on_commit_callbacks)
    opinion.refresh_from_db()
    assert smtp.handler.attempts == 3  # two refusals (451), the third try was taken
    assert len(smtp.handler.messages) == 1
    message = smtp.handler.messages[0]
    assert message["To"] == "projekt@example.invalid" and opinion.document.reference_number in message["Subject"]
    assert opinion.status == Opinion.Status.ISSUED and opinion.notified_at is not None
    assert actions(opinion) == ["notify_queued", "notified"]


@pytest.mark.django_db
@pytest.mark.parametrize("smtp", [100], indirect=True)
def test_when_retries_run_out_nothing_is_marked_sent_and_the_sweep_sends_it_later(
        catalogues, kk_plan, smtp, smtp_settings, tasks_in_process,  # noqa: F811
        django_capture_on_commit_callbacks):
    smtp_settings.OSV_MAIL_MAX_RETRIES = 2
    opinion = issue(catalogues, django_capture_on_commit_callbacks)
    opinion.refresh_from_db()
    assert smtp.handler.attempts == 3 and smtp.handler.messages == []
    assert opinion.notified_at is None  # before: set first, and the e-mail silently lost
    assert actions(opinion) == ["notify_queued", "notify_failed"]
    failed = CaseEvent.objects.get(case=opinion.case, action="notify_failed")
    assert "nepodařilo odeslat" in failed.summary

    assert notifications.resend_pending() == 0  # too early: the sweep waits OSV_MAIL_RESEND_MINUTES
    smtp.handler.refuse = 0  # the mail server is back
    later = timezone.now() + timedelta(minutes=smtp_settings.OSV_MAIL_RESEND_MINUTES + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.resend_pending(now=later) == 1
    opinion.refresh_from_db()
    assert opinion.notified_at is not None and len(smtp.handler.messages) == 1
    assert notifications.resend_pending(now=later) == 0


@pytest.mark.django_db
def test_broker_down_at_dispatch_is_in_the_history_and_the_sweep_resends(catalogues, kk_plan, monkeypatch,  # noqa: F811
                                                                        django_capture_on_commit_callbacks):
    from workflows import outbox

    monkeypatch.setattr(outbox, "dispatch", lambda *a, **k: False)  # the broker is unreachable
    opinion = issue(catalogues, django_capture_on_commit_callbacks)
    opinion.refresh_from_db()
    assert opinion.notified_at is None and actions(opinion) == ["notify_queued", "notify_failed"]
    later = timezone.now() + timedelta(hours=2)
    assert [o.pk for o in notifications.pending(now=later)] == [opinion.pk]


def test_retry_delays_double_and_stay_below_the_visibility_timeout(settings):
    delays = [notifications.retry_delay(n) for n in range(8)]
    assert delays[:2] == [30, 60] and max(delays) == settings.OSV_MAIL_RETRY_MAX_SECONDS
    if "visibility_timeout" in settings.CELERY_BROKER_TRANSPORT_OPTIONS:
        assert max(delays) < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


# ------------------------------------------------------------------ with a real worker


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_until_the_server_accepts(catalogues, kk_plan, smtp, workers_on_private_queue):  # noqa: F811
    users = catalogues["users"]
    from workflows.notify.services import set_email_kinds

    for user in users.values():  # the staff's own notifications (issue 12) go to the bell only here
        set_email_kinds(user=user, kinds=[])
    workers_on_private_queue("mail", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                             EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp.port, OSV_MAIL_RETRY_SECONDS=1)
    process = fk.opinion_request_start(actor=users["planovac"], **request_data(catalogues))
    fk.draft(process, users["planovac"])
    fk.approve(process, users["vedouci"])  # commits: render job → notify → e-mail task, all in the worker
    opinion = wait_for(lambda: (o := fk.opinion_of(process)).notified_at and o, timeout=90,
                       message="žadatel nebyl vyrozuměn")
    assert smtp.handler.attempts == 3 and len(smtp.handler.messages) == 1
    assert actions(opinion) == ["notify_queued", "notified"]
