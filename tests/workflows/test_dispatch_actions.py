"""The officer acts on a stopped dispatch from the case page: retry (after a certificate
renewal, after ISDS was down too long) and switch a failed data-box dispatch to paper.
Each is a POST with a permission by the action, recorded in the dispatch's state history and
the case history. Real simulator, real PKI, real signing."""

from __future__ import annotations

import shutil

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.dispatch_fixtures import dispatch_on, isds_sim, pki  # noqa: F401 — fixtures
from tests.workflows.test_dispatch import BOX, act  # noqa: F401 — fixture
from workflows import signing
from workflows.dispatch import actions, services
from workflows.dispatch.models import Dispatch, DispatchEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """What the retry queues (the task runs here, in the test, by ``services.advance``)."""
    sent: list[int] = []
    monkeypatch.setattr(actions, "enqueue", lambda pk: sent.append(pk))
    return sent


def _page(client, dispatch):
    return client.get(reverse("cases:case_detail", args=[dispatch.case_id])).content.decode()


def _post(client, name, dispatch, capture):
    with capture(execute=True):
        return client.post(reverse(f"cases:{name}", args=[dispatch.pk]), follow=True)


def test_retry_after_certificate_renewal_sends_once(act, dispatch_on, demo_users, django_user_model, settings,
                                                    tmp_path, client, queued, django_capture_on_commit_callbacks,
                                                    pki):  # noqa: F811
    dispatch_on.box(BOX)
    p12 = tmp_path / "p12"
    shutil.copytree(pki["p12_dir"], p12)
    settings.OSV_SIGNING_PKCS12_DIR = str(p12)
    signer = django_user_model.objects.create(username="revoked-signer", first_name="Zneplatněný")
    [dispatch] = services.prepare(act, signer=signer)
    assert services.advance(dispatch.pk) == Dispatch.Stage.FAILED

    officer = demo_users["referent"]
    client.force_login(officer)
    page = _page(client, dispatch)
    assert reverse("cases:dispatch_retry", args=[dispatch.pk]) in page and "Odeslat znovu" in page
    assert "Doručit listinně" in page  # a failed data-box dispatch may also go on paper

    shutil.copy(p12 / "referent2.p12", p12 / "revoked-signer.p12")  # the certificate was renewed
    response = _post(client, "dispatch_retry", dispatch, django_capture_on_commit_callbacks)
    assert "Odeslání bylo znovu spuštěno" in response.content.decode()
    assert queued == [dispatch.pk]
    dispatch.refresh_from_db()
    assert dispatch.stage == Dispatch.Stage.SIGN and dispatch.error == "" and dispatch.pdf is None
    event = dispatch.events.get(source="officer")
    assert event.actor == officer and "znovu spuštěno" in event.detail and "revokován" in event.detail
    history = act.case.events.get(action="dispatch", summary__contains="znovu spuštěno")
    assert history.actor == officer and history.before["stage"] == "failed" and history.after == {"stage": "sign"}

    assert services.advance(dispatch.pk) == Dispatch.Stage.AWAIT
    [message] = dispatch_on.messages()
    [report] = signing.verify_pdf(dispatch_on.file(message["id"]))
    assert report.ok
    assert "Odeslat znovu" not in _page(client, dispatch)  # nothing to retry any more
    # a second click (a stale page) changes nothing and says why, in Czech
    response = _post(client, "dispatch_retry", dispatch, django_capture_on_commit_callbacks)
    assert "Toto odeslání nelze opakovat" in response.content.decode()
    assert queued == [dispatch.pk] and dispatch.events.filter(source="officer").count() == 1


def test_retry_while_isds_is_down_too_long(act, dispatch_on, demo_users, client, queued,
                                           django_capture_on_commit_callbacks):  # noqa: F811
    dispatch_on.box(BOX)
    [dispatch] = services.prepare(act, signer=demo_users["referent"])
    dispatch_on.control("fail", {"unavailable": 1})
    with pytest.raises(services.DispatchRetry):
        services.advance(dispatch.pk)
    dispatch.refresh_from_db()
    assert dispatch.stage == Dispatch.Stage.SEND and "HTTP 503" in dispatch.error
    pdf = dispatch.pdf

    client.force_login(demo_users["referent"])
    _post(client, "dispatch_retry", dispatch, django_capture_on_commit_callbacks)
    dispatch.refresh_from_db()
    assert queued == [dispatch.pk] and dispatch.stage == Dispatch.Stage.SEND and dispatch.pdf == pdf
    assert services.advance(dispatch.pk) == Dispatch.Stage.AWAIT
    assert len(dispatch_on.messages()) == 1
    assert act.case.documents.filter(kind="letter_pdf").count() == 1  # not signed again


def test_undeliverable_data_box_dispatch_switched_to_paper(act, dispatch_on, demo_users, client,
                                                           django_capture_on_commit_callbacks):  # noqa: F811
    dispatch_on.box(BOX)
    [dispatch] = services.prepare(act, signer=demo_users["referent"])
    services.advance(dispatch.pk)
    dispatch_on.control("disable", {"dbID": BOX})
    services.poll_isds()
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.UNDELIVERABLE

    officer = demo_users["referent"]
    client.force_login(officer)
    page = _page(client, dispatch)
    assert "Doručit listinně" in page and "Odeslat znovu" not in page  # it was sent: never again by data box
    response = _post(client, "dispatch_to_paper", dispatch, django_capture_on_commit_callbacks)
    assert "převedeno na listinné doručení" in response.content.decode()
    dispatch.refresh_from_db()
    assert dispatch.channel == Dispatch.Channel.PAPER and dispatch.stage == Dispatch.Stage.MANUAL
    event = dispatch.events.get(source="officer")
    assert event.actor == officer and "listinné" in event.detail
    history = act.case.events.get(summary__contains="převedeno na listinné doručení")
    assert history.before["channel"] == "data_box" and history.after["channel"] == "paper"
    assert "Doručit listinně" not in _page(client, dispatch)

    services.record_manual(act, delivered_on=timezone.localdate(), by_fiction=False, actor=officer)
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.DELIVERED and dispatch.recorded_by == officer
    assert len(dispatch_on.messages()) == 1


def test_actions_need_the_permission_and_a_post(act, dispatch_on, demo_users, client, queued,
                                                django_capture_on_commit_callbacks):  # noqa: F811
    dispatch_on.box(BOX, state=3)  # not accessible: would go to paper by itself; make it fail instead
    [dispatch] = services.prepare(act, signer=demo_users["referent"])
    Dispatch.objects.filter(pk=dispatch.pk).update(stage=Dispatch.Stage.FAILED, error="Zpráva odmítnuta.")
    head = demo_users["vedouci"]
    client.force_login(head)
    page = _page(client, dispatch)  # the head sees the case and the error, but no buttons
    assert "Zpráva odmítnuta." in page and "Odeslat znovu" not in page and "Doručit listinně" not in page
    for name in ("dispatch_retry", "dispatch_to_paper"):
        assert _post(client, name, dispatch, django_capture_on_commit_callbacks).status_code == 403
    client.force_login(demo_users["referent"])
    assert client.get(reverse("cases:dispatch_retry", args=[dispatch.pk])).status_code == 405
    dispatch.refresh_from_db()
    assert dispatch.stage == Dispatch.Stage.FAILED and dispatch.channel == Dispatch.Channel.DATA_BOX
    assert queued == [] and not DispatchEvent.objects.filter(dispatch=dispatch, source="officer").exists()
    client.logout()
    response = client.post(reverse("cases:dispatch_to_paper", args=[dispatch.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
