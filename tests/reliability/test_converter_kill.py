"""Killing the persistent converter in the middle of a conversion loses nothing and sends
nothing twice: a real Celery worker converts a large act through ``python -m workflows.converter
serve`` (unoserver + LibreOffice); the converter's whole process group is SIGKILLed while the
conversion is in flight, then started again; the dispatch completes exactly once — one data
message in the ISDS simulator, one signed PDF/A, one č. j.

Nothing in production is slowed for the test: the act is simply long (thousands of
paragraphs), so LibreOffice needs seconds to export it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import wait_for
from tests.dispatch_fixtures import dispatch_env, dispatch_on, isds_sim, pki  # noqa: F401 — fixtures
from tests.reliability.test_dispatch_worker import unoserver  # noqa: F401 — fixture
from tests.reliability.test_worker_crash import QUEUE, QueueWorker
from registrations.models import RegistrationCaseKind
from workflows import signing
from workflows.cases import case_open
from workflows.dispatch import services
from workflows.dispatch.models import Dispatch
from workflows.documents import generate_document
from workflows.models import Document
from workflows.pdfa import check_pdfa

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
BOX = "kil1234"
PARAGRAPHS = 8000  # ~20 s of PDF/A export on an idle 2-CPU machine; the kill comes after 3 s
SENTENCE = ("Krajský úřad sděluje poskytovateli sociálních služeb, že řízení o registraci pokračuje "
            "podle zákona č. 108/2006 Sb., o sociálních službách. ")


@pytest.fixture
def worker(dispatch_on, pki, settings, tmp_path, unoserver):  # noqa: F811
    """A real Celery worker on a private queue, talking to the test's converter. The converter
    timeout is generous: a loaded machine must not turn the long conversion into a timeout loop."""
    from tests.conftest import _reset_broker

    _reset_broker()
    settings.OSV_DISPATCH_QUEUE = QUEUE
    env = {**dispatch_env(pki, dispatch_on), "OSV_DISPATCH_QUEUE": QUEUE, "OSV_CONVERTER_URL": unoserver.url,
           "OSV_ISDS_TIMEOUT": "30", "OSV_CONVERTER_TIMEOUT": "900"}
    w = QueueWorker(tmp_path / "worker.log", env_extra=env).start()
    yield w
    if w.proc.poll() is None:
        w.stop()


def _group(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group: the supervisor, unoserver, LibreOffice."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _soffice_in(pids: list[int]) -> list[int]:
    found = []
    for pid in pids:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"soffice" in cmd:
            found.append(pid)
    return found


def test_converter_killed_mid_conversion_completes_exactly_once(worker, dispatch_on, unoserver, demo_users):  # noqa: F811
    sim = dispatch_on
    sim.box(BOX, name="Domov U Potoka, o.p.s.")
    officer = demo_users["referent"]
    unoserver.start()
    case = case_open(kind=RegistrationCaseKind.LETTER, title="Dlouhé sdělení", actor=officer,
                     applicant_name="Domov U Potoka, o.p.s.", ico="25596641",
                     parties=[{"name": "Domov U Potoka, o.p.s.", "ico": "25596641",
                               "address": "Potoční 3, 350 02 Cheb", "data_box": BOX}])
    act = generate_document(case=case, kind="letter", title="Sdělení", template_code="letter",
                            context={"subject": "Sdělení",
                                     "body_paragraphs": [f"{i}. {SENTENCE * 3}" for i in range(PARAGRAPHS)]},
                            source_key=f"kill-letter-{case.pk}", actor=officer)
    assert act.reference_number
    [dispatch] = services.prepare(act, signer=officer)  # committed: the worker takes it at once

    # the worker is inside the conversion: the attempt has begun, nothing is stored yet
    wait_for(lambda: Dispatch.objects.filter(pk=dispatch.pk, attempts__gte=1).exists(), timeout=120,
             message="the worker did not start the dispatch")
    time.sleep(3)
    dispatch.refresh_from_db()
    assert dispatch.stage == Dispatch.Stage.SIGN and dispatch.pdf is None and dispatch.error == "", \
        "the conversion ended before the kill: make the act longer"
    members = _group(unoserver.proc.pid)
    assert _soffice_in(members), "LibreOffice is not running under the converter"
    unoserver.kill()  # SIGKILL to the whole group: supervisor, unoserver and LibreOffice
    wait_for(lambda: not _group(unoserver.proc.pid), timeout=30, message="converter processes survived SIGKILL")
    assert not [pid for pid in members if os.path.exists(f"/proc/{pid}") and
                Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]

    # the worker saw the converter die under it: a retry, not a failure, and nothing half-made
    dispatch = wait_for(lambda: Dispatch.objects.filter(pk=dispatch.pk).exclude(error="").first(), timeout=120,
                        message="the interrupted conversion was not noticed")
    assert dispatch.stage == Dispatch.Stage.SIGN and dispatch.pdf is None
    # a ConverterUnavailable (retry) — both of its messages name the converter; not the
    # permanent "LibreOffice nevrátil soubor PDF" (a ConverterError)
    assert "převodník" in dispatch.error.lower()
    assert sim.messages() == [] and not case.documents.filter(kind="letter_pdf").exists()

    unoserver.start()  # the operator (or run.sh's supervisor) brings it back
    dispatch = wait_for(lambda: Dispatch.objects.filter(pk=dispatch.pk, stage=Dispatch.Stage.AWAIT).first(),
                        timeout=600, message="dispatch did not complete after the converter came back")
    time.sleep(2)  # a duplicate delivery of the job, had there been one, would show now
    [message] = sim.messages()  # sent once
    assert dispatch.message_id == message["id"] and dispatch.state == Dispatch.State.SENT
    assert message["ref_number"] == act.reference_number
    [pdf_doc] = case.documents.filter(kind="letter_pdf")  # one PDF/A
    assert dispatch.pdf == pdf_doc and pdf_doc.reference_number == act.reference_number
    # one č. j.: nothing else of the case was numbered, the act kept its number
    assert set(Document.objects.filter(case=case).values_list("reference_number", flat=True)) == {act.reference_number}
    act.refresh_from_db()
    assert act.reference_number == message["ref_number"]
    sent = sim.file(message["id"])
    assert check_pdfa(sent) == []
    [report] = signing.verify_pdf(sent)
    assert report.ok and report.signer == officer.username
    assert dispatch.events.filter(state_after=Dispatch.State.SENT).count() == 1
    assert case.events.filter(action="dispatch", summary__contains="odesláno").count() == 1
    assert timezone.now() >= dispatch.sent_at
