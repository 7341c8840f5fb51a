"""A registration decision leaves the office signed through the data box (the ISDS simulator) and the
delivery the simulator reports drives the appeal deadline and the proposed finality.

Time moves only in the simulator: the test sets the simulator's clock back and tells it "advance",
"the addressee logs in now"; nothing here writes a delivery date into our database."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from registrations.dispatch import SYSTEM_USERNAME
from registrations.models import Delivery, Proceeding
from tests.dispatch_fixtures import dispatch_on, isds_sim, pki  # noqa: F401 — fixtures
from workflows import deadlines, signing
from workflows.dispatch import services
from workflows.dispatch.models import Dispatch
from workflows.documents import czech_date
from registrations.flows.registration import RegistrationFlow as F

from tests.flowkit import checklist, do, open_task
from tests.registrations.factories import PROVIDER_ICO, ProviderDataFactory, ServiceDataFactory

pytestmark = pytest.mark.django_db
BOX = ProviderDataFactory()["data_box"]


def _decided(officer, provider=ProviderDataFactory()):
    """An application received a month ago, complete, assessed: the decision job has run."""
    received = timezone.localdate() - timedelta(days=30)
    process = F.receive.run(user=officer, provider=provider, services=[ServiceDataFactory()], received_on=received)
    proceeding = Proceeding.objects.get(case=process.case)
    do(process, F.check, officer, answers=checklist(proceeding))
    do(process, F.assess, officer, answers=checklist(proceeding, "conditions"), proposal="granted", reasoning="Splněno.")
    return process, proceeding


@pytest.mark.parametrize("fiction", [False, True], ids=["login", "fiction"])
def test_decision_goes_out_signed_and_the_reported_delivery_sets_the_deadlines(officer, dispatch_on, client, fiction):
    sim = dispatch_on
    sim.box(BOX, name=ProviderDataFactory()["name"])
    start = timezone.now() - timedelta(days=14)
    sim.set_clock(start)
    process, proceeding = _decided(officer)
    [dispatch] = Dispatch.objects.filter(case=process.case)
    assert dispatch.document.kind == "reg_decision_registration" and dispatch.signer == officer

    services.advance(dispatch.pk)  # the worker's job, in-process
    dispatch.refresh_from_db()
    [message] = sim.messages()
    assert dispatch.state == Dispatch.State.SENT and message["ref_number"] == dispatch.document.reference_number
    [report] = signing.verify_pdf(sim.file(message["id"]))
    assert report.ok and report.signer == officer.username

    if fiction:
        sim.advance(10)
        day = deadlines.delivery_fiction_date(timezone.localtime(start).date())
    else:
        sim.advance(3)
        sim.login(BOX)
        day = timezone.localtime(start + timedelta(days=3)).date()
    assert services.poll_isds() == 1

    proceeding.refresh_from_db()
    delivery = Delivery.objects.get(document=dispatch.document)
    assert delivery.channel == "data_box" and delivery.recorded_by is None and delivery.by_fiction is fiction
    assert proceeding.decision_delivered_on == day
    assert proceeding.appeal_deadline == deadlines.appeal_deadline(day)
    assert process.case.__class__.objects.get(pk=process.case.pk).deadline == proceeding.appeal_deadline
    # the flow's delivery step was completed by the channel, the appeal period is open
    done = Task.objects.get(process=process, flow_task=F.deliver_decision)
    assert done.status == STATUS.DONE and done.owner.username in (officer.username, SYSTEM_USERNAME)
    assert open_task(process, F.appeal_period)

    client.force_login(officer)
    html = client.get(f"/pripady/{process.case.pk}/").content.decode()
    assert f'id="appeal-deadline">{czech_date(deadlines.appeal_deadline(day))}<' in html
    proposed = deadlines.finality_date(day)
    assert proposed == deadlines.appeal_deadline(day) + timedelta(days=1)
    assert f'id="proposed-final-on">{czech_date(proposed)} ' in html
    assert "doručeno fikcí" in html if fiction else "doručeno přihlášením" in html
    assert dispatch.message_id in html

    assert services.poll_isds() == 0  # polling again records nothing twice
    assert Delivery.objects.filter(document=dispatch.document).count() == 1


def test_paper_delivery_stays_manual_and_records_who_entered_it(officer, dispatch_on):
    provider = ProviderDataFactory(data_box="")
    process, proceeding = _decided(officer, provider)
    [dispatch] = Dispatch.objects.filter(case=process.case)
    assert dispatch.channel == Dispatch.Channel.PAPER
    assert services.advance(dispatch.pk) == Dispatch.Stage.MANUAL
    dispatch.refresh_from_db()
    with dispatch.pdf.file.open("rb") as fh:  # the officer prints the signed PDF/A
        assert signing.verify_pdf(fh.read())[0].ok
    ready = timezone.localdate() - timedelta(days=5)
    do(process, F.deliver_decision, officer, channel="post", ready_on=ready, collected_on=ready + timedelta(days=1))
    dispatch.refresh_from_db()
    assert dispatch.state == Dispatch.State.DELIVERED and dispatch.recorded_by == officer
    assert Delivery.objects.get(document=dispatch.document).recorded_by == officer
    proceeding.refresh_from_db()
    assert proceeding.appeal_deadline == deadlines.appeal_deadline(ready + timedelta(days=1))
    assert dispatch_on.messages() == []


def test_notice_acknowledgement_goes_out_under_the_office_seal(officer, dispatch_on, settings):
    """An automated output: no official signs it, the office's seal does."""
    from registrations.flows.change_notice import ChangeNoticeFlow as N
    from registrations.models import RegisteredService

    settings.OSV_DISPATCH_ENABLED = False  # the registration before is history, delivered by hand
    process, _ = _decided(officer)
    ready = timezone.localdate() - timedelta(days=25)
    do(process, F.deliver_decision, officer, channel="post", ready_on=ready, collected_on=ready)
    do(process, F.appeal_period, officer, final_on=deadlines.finality_date(ready))
    settings.OSV_DISPATCH_ENABLED = True
    dispatch_on.box(BOX)
    registered = RegisteredService.objects.get(provider__ico=PROVIDER_ICO)
    notice = N.receive.run(user=officer, ico=PROVIDER_ICO, service=registered, acknowledge=True,
                           change_date=timezone.localdate() - timedelta(days=3), received_on=timezone.localdate(),
                           items=[{"kind": "contact", "description": "Nový telefon"}])
    do(notice, N.check_notice, officer, action="record", note="V pořádku.")
    [dispatch] = Dispatch.objects.filter(case=notice.case)
    assert dispatch.document.kind == "reg_notice_ack" and dispatch.signer is None
    services.advance(dispatch.pk)
    [message] = dispatch_on.messages()
    [report] = signing.verify_pdf(dispatch_on.file(message["id"]))
    assert report.ok and report.signer == "seal"
