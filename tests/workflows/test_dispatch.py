"""The dispatch pipeline end to end on real parts: LibreOffice PDF/A, pyHanko on the test PKI, the
ISDS simulator process (XSD-validated SOAP, its own clock). The steps are run in-process here,
as the worker runs them; the worker itself is in tests/registrations/test_dispatch_worker.py."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.dispatch_fixtures import SIM_PASSWORD, SIM_USER, dispatch_on, isds_sim, pki  # noqa: F401 — fixtures
from registrations.models import RegistrationCaseKind
from workflows import signing
from workflows.cases import case_open
from workflows.dispatch import services
from workflows.dispatch.models import Dispatch, DispatchEvent
from workflows.documents import generate_document
from workflows.models import Document
from workflows.pdfa import check_pdfa

BOX = "abc1234"


@pytest.fixture
def act(demo_users, dispatch_on):
    """An issued, numbered letter to a provider with a data box."""
    case = case_open(kind=RegistrationCaseKind.LETTER, title="Sdělení poskytovateli", actor=demo_users["referent"],
                     applicant_name="Domov Pod Lesem, o.p.s.", ico="25596641",
                     parties=[{"name": "Domov Pod Lesem, o.p.s.", "ico": "25596641", "address": "Lesní 12, 350 02 Cheb",
                               "data_box": BOX}])
    return generate_document(case=case, kind="letter", title="Sdělení", template_code="letter",
                             context={"subject": "Sdělení", "body_paragraphs": ["Sdělujeme vám, že …"]},
                             source_key=f"test-letter-{case.pk}", actor=demo_users["referent"])


def _prepare(act, signer):
    [dispatch] = services.prepare(act, signer=signer)
    return dispatch


def test_signed_pdfa_goes_out_through_the_simulator_and_login_delivers(act, dispatch_on, demo_users):
    sim = dispatch_on
    sim.box(BOX, name="Domov Pod Lesem")
    dispatch = _prepare(act, demo_users["referent"])
    assert dispatch.channel == Dispatch.Channel.DATA_BOX and dispatch.state == Dispatch.State.PREPARED

    assert services.advance(dispatch.pk) == Dispatch.Stage.AWAIT
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.SENT and dispatch.message_id
    [message] = sim.messages()
    assert message["id"] == dispatch.message_id and message["recipient"] == BOX
    assert message["ref_number"] == act.reference_number and message["file_mark"] == act.case.file_mark
    sent_pdf = sim.file(message["id"])
    # what went out is exactly the stored, signed PDF/A
    assert Document.hash_bytes(sent_pdf) == dispatch.pdf.sha256 == message["files"][0]["sha256"]
    assert check_pdfa(sent_pdf) == []
    [report] = signing.verify_pdf(sent_pdf)
    assert report.ok and report.signer == "referent"

    assert services.poll_isds() == 0  # nothing happened yet
    sim.login(BOX)
    assert services.poll_isds() == 1
    assert services.poll_isds() == 0  # polling again changes nothing
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.DELIVERED and dispatch.delivered_on == timezone.localdate()
    assert [e.state_after for e in dispatch.events.all()] == ["prepared", "sent", "delivered"]
    assert DispatchEvent.objects.filter(dispatch=dispatch, isds_status=6).count() == 1
    assert services.advance(dispatch.pk) == Dispatch.Stage.DONE  # a late redelivery does nothing
    assert len(sim.messages()) == 1


def test_fiction_after_ten_days_in_the_simulators_clock(act, dispatch_on, demo_users):
    sim = dispatch_on
    sim.box(BOX)
    sim.set_clock(timezone.now() - timedelta(days=12))
    dispatch = _prepare(act, demo_users["referent"])
    services.advance(dispatch.pk)
    sim.advance(9)
    assert services.poll_isds() == 0
    sim.advance(1)
    assert services.poll_isds() == 1
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.DELIVERED_FICTION
    assert dispatch.delivered_on == timezone.localdate() - timedelta(days=2)
    assert dispatch.delivered_to_box_at.date() == (timezone.now() - timedelta(days=12)).date()


def test_a_lost_answer_to_create_message_never_sends_twice(act, dispatch_on, demo_users):
    sim = dispatch_on
    sim.box(BOX)
    sim.control("fail", {"drop_create_responses": 1})
    dispatch = _prepare(act, demo_users["referent"])
    with pytest.raises(services.DispatchRetry):
        services.advance(dispatch.pk)  # ISDS stored it, the answer was lost
    dispatch.refresh_from_db()
    assert dispatch.send_started_at and not dispatch.message_id
    assert services.advance(dispatch.pk) == Dispatch.Stage.AWAIT
    dispatch.refresh_from_db()
    [message] = sim.messages()
    assert dispatch.message_id == message["id"]


def test_isds_down_is_retried_and_loses_nothing(act, dispatch_on, demo_users):
    sim = dispatch_on
    sim.box(BOX)
    dispatch = _prepare(act, demo_users["referent"])
    sim.control("fail", {"unavailable": 1})  # CheckDataBox gets HTTP 503
    with pytest.raises(services.DispatchRetry):
        services.advance(dispatch.pk)
    dispatch.refresh_from_db()
    assert dispatch.stage == Dispatch.Stage.SEND and dispatch.pdf is not None and "HTTP 503" in dispatch.error
    pdf = dispatch.pdf
    assert services.advance(dispatch.pk) == Dispatch.Stage.AWAIT
    dispatch.refresh_from_db()
    assert dispatch.pdf == pdf and Document.objects.filter(case=act.case, kind="letter_pdf").count() == 1
    assert len(sim.messages()) == 1


def test_converter_down_is_retried_and_numbers_nothing_twice(act, dispatch_on, demo_users, settings):
    from workflows.converter import free_port

    dispatch_on.box(BOX)
    dispatch = _prepare(act, demo_users["referent"])
    settings.OSV_CONVERTER_URL = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(services.DispatchRetry):
        services.advance(dispatch.pk)
    dispatch.refresh_from_db()
    assert dispatch.stage == Dispatch.Stage.SIGN and dispatch.pdf is None and dispatch_on.messages() == []
    settings.OSV_CONVERTER_URL = ""
    assert services.advance(dispatch.pk) == Dispatch.Stage.AWAIT
    assert Document.objects.filter(case=act.case).exclude(kind="letter_pdf").get() == act  # one č. j., one DOCX


def test_revoked_certificate_is_refused_in_czech_before_sending(act, dispatch_on, demo_users, django_user_model):
    dispatch_on.box(BOX)
    revoked = django_user_model.objects.create(username="revoked-signer", first_name="Zneplatněný")
    dispatch = _prepare(act, revoked)
    assert services.advance(dispatch.pk) == Dispatch.Stage.FAILED
    dispatch.refresh_from_db()
    assert "zneplatněn (revokován)" in dispatch.error and dispatch.state == Dispatch.State.PREPARED
    assert dispatch_on.messages() == [] and dispatch.pdf is None
    assert act.case.events.filter(action="dispatch_error", summary__contains="revokován").exists()


def test_inaccessible_box_falls_back_to_paper(act, dispatch_on, demo_users):
    dispatch_on.box(BOX, state=3)
    dispatch = _prepare(act, demo_users["referent"])
    assert services.advance(dispatch.pk) == Dispatch.Stage.MANUAL
    dispatch.refresh_from_db()
    assert dispatch.channel == Dispatch.Channel.PAPER and dispatch.pdf is not None  # printed from the signed PDF
    assert dispatch_on.messages() == []
    services.record_manual(act, delivered_on=timezone.localdate(), by_fiction=False, actor=demo_users["referent"])
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.DELIVERED and dispatch.recorded_by == demo_users["referent"]


def test_undeliverable_when_the_box_is_closed(act, dispatch_on, demo_users):
    dispatch_on.box(BOX)
    dispatch = _prepare(act, demo_users["referent"])
    services.advance(dispatch.pk)
    dispatch_on.control("disable", {"dbID": BOX})
    services.poll_isds()
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.UNDELIVERABLE and dispatch.stage == Dispatch.Stage.FAILED


def test_dispatch_off_prepares_nothing(act, settings):
    settings.OSV_DISPATCH_ENABLED = False
    assert services.prepare(act) == []


def _post(url, body: bytes, auth=True):
    import base64

    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "text/xml"})
    if auth:
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{SIM_USER}:{SIM_PASSWORD}".encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_simulator_rejects_requests_that_fail_the_xsd(isds_sim):
    isds_sim.box(BOX)
    envelope = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:p="http://isds.czechpoint.cz/v20">'
                "<s:Body>{}</s:Body></s:Envelope>")
    no_files = "<p:CreateMessage><p:dmEnvelope><p:dbIDRecipient>abc1234</p:dbIDRecipient></p:dmEnvelope></p:CreateMessage>"
    status, body = _post(f"{isds_sim.url}/dz", envelope.format(no_files).encode())
    assert status == 500 and "neodpovídá XSD" in body and "Fault" in body
    bad_box = "<p:CheckDataBox><p:dbID>too-long-id</p:dbID></p:CheckDataBox>"
    status, body = _post(f"{isds_sim.url}/df", envelope.format(bad_box).encode())
    assert status == 500 and "neodpovídá XSD" in body
    status, _ = _post(f"{isds_sim.url}/df", envelope.format("<p:CheckDataBox><p:dbID>abc1234</p:dbID></p:CheckDataBox>")
                      .encode(), auth=False)
    assert status == 401
    status, body = _post(f"{isds_sim.url}/df", envelope.format("<p:CheckDataBox><p:dbID>abc1234</p:dbID></p:CheckDataBox>")
                         .encode())
    assert status == 200 and "<p:dbState>1</p:dbState>" in body
    assert isds_sim.messages() == []
