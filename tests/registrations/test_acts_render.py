"""Every act kind of the registration agenda (and the engine's letter), rendered as the worker renders
it, read back from the DOCX and — converted by LibreOffice through workflows.converter — from the PDF.

Each case builds the proceeding through the agenda's services, calls the same context builder the
flow's job calls, and asserts the act's legal elements (from the catalogue) and the official form.
With ``OSV_ACTS_PNG_DIR`` set (scripts/render_acts.sh) the first page of each act is written there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from registrations import documents as docs
from registrations import selectors
from registrations import services as svc
from registrations.services.common import _service_type
from registrations.models import Appeal, ChecklistAnswer, Proceeding, Provider, RegisteredService
from workflows import converter
from workflows.documents import generate_document
from workflows.models import Case, Document, StaffProfile

from tests.flowkit import checklist
from tests.registrations.factories import ProviderDataFactory, ServiceDataFactory

pytestmark = pytest.mark.django_db

needs_pdf_tools = pytest.mark.skipif(
    converter.soffice_binary() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice nebo poppler chybí: apt-get install -y libreoffice-writer-nogui python3-uno poppler-utils",
)

TODAY = timezone.localdate()
RECEIVED = TODAY - timedelta(days=60)


def flat(text: str) -> str:
    return " ".join(text.split())


def docx_plain(document: Document) -> str:
    import docx

    with document.file.open("rb") as fh:
        parsed = docx.Document(fh)
    parts = [p.text for p in parsed.paragraphs]
    for table in parsed.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return flat("\n".join(parts))


def pdf_plain(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "act.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return flat(out.stdout)


def png_first_page(pdf: bytes, name: str) -> None:
    target = os.environ.get("OSV_ACTS_PNG_DIR")
    if not target:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "act.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path),
                        str(Path(target) / name)], check=True)


@pytest.fixture
def world(officer):
    StaffProfile.objects.update_or_create(user=officer, defaults={"function": "referentka oddělení sociálních služeb",
                                                                   "phone": "+420 354 222 311"})
    return {"officer": officer}


def _application(officer, provider=None, services=None, kind=Proceeding.Kind.REGISTRATION):
    return svc.application_receive(kind=kind, provider=provider or ProviderDataFactory(), services=services or [ServiceDataFactory()],
                                   received_on=RECEIVED, actor=officer)


def _registered(provider: Provider, officer, *, national_id="", **kw) -> RegisteredService:
    case = _application(officer, provider=ProviderDataFactory(ico=provider.ico, name=provider.name)).case
    data = dict(service_type=_service_type("49"), form="residential", place="Sluneční 12, Cheb",
                territory="okres Cheb", capacity=24, age_from=65, registered_on=RECEIVED, provided_from=RECEIVED)
    data.update(kw)
    registered = RegisteredService.objects.create(provider=provider, registration_case=case, national_id=national_id, **data)
    return registered


def _assess(proceeding, officer, proposal="granted", missing=(), **kw):
    svc.completeness_record(proceeding=proceeding, answers=checklist(proceeding), actor=officer)
    svc.assessment_record(proceeding=proceeding, answers=checklist(proceeding, "conditions", missing=missing),
                          proposal=proposal, actor=officer, **kw)


def _key(name):
    return f"test-act:{name}"


# ------------------------------------------------------------------------- the act kinds


def build_deficiency(officer):
    proceeding = _application(officer)
    svc.completeness_record(proceeding=proceeding, answers=checklist(proceeding, missing=("clean_record",)),
                            remedy_days=20, actor=officer)
    doc = docs.render_deficiency(proceeding, source_key=_key("deficiency"), actor=officer)
    return doc, ["Výzva k odstranění nedostatků", "§ 45 odst. 2", "§ 64 odst. 1 písm. a)", "přerušuje řízení",
                 "ve lhůtě 20 dnů", "Doklady o bezúhonnosti", "Proti usnesení o přerušení řízení se lze odvolat",
                 "nemá odkladný účinek (§ 76 odst. 5", "§ 65 odst. 1", "§ 66 odst. 1 písm. c)",
                 "otisk úředního razítka"], ["nelze se odvolat", "poznamená do spisu"]


def build_termination(officer):
    proceeding = _application(officer)
    svc.completeness_record(proceeding=proceeding, answers=checklist(proceeding, missing=("premises",)),
                            remedy_days=10, actor=officer)
    deficiency = docs.render_deficiency(proceeding, source_key=_key("termination-deficiency"), actor=officer)
    svc.delivery_record(document=deficiency, channel="data_box", ready_on=RECEIVED + timedelta(days=2),
                        collected_on=RECEIVED + timedelta(days=3), actor=officer)
    proceeding.refresh_from_db()
    assert svc.remedy_missed_record(proceeding=proceeding, actor=officer)
    doc = docs.render_termination(proceeding, source_key=_key("termination"), actor=officer)
    return doc, ["Usnesení o zastavení řízení", "§ 66 odst. 1 písm. c)", "zastavuje řízení zahájené na žádost o registraci",
                 f"č. j. {deficiency.reference_number}", "Doklad o vlastnictví nebo právu užívat objekt",
                 "Proti tomuto usnesení se lze odvolat", "nemá odkladný účinek"], []


def build_evidence_notice(officer):
    proceeding = _application(officer)
    _assess(proceeding, officer, proposal="refused", missing=("cond_premises",),
            reasoning="Nájemní smlouva k objektu skončila.", comments_days=7)
    doc = docs.render_evidence_notice(proceeding, source_key=_key("evidence"), actor=officer)
    proceeding.refresh_from_db()
    until = proceeding.comments_deadline
    return doc, ["§ 36 odst. 3", f"nejpozději do {until.day}. {until.month}. {until.year}", "Závodní 353/88",
                 "v úředních hodinách", "§ 38"], ["otisk úředního razítka"]


def build_refusal(officer):
    proceeding = _application(officer)
    _assess(proceeding, officer, proposal="refused", missing=("cond_premises",),
            reasoning="Nájemní smlouva k objektu skončila dnem 30. 6. 2026.")
    docs.render_evidence_notice(proceeding, source_key=_key("refusal-evidence"), actor=officer)
    proceeding.phase = Proceeding.Phase.COMMENTS
    proceeding.save(update_fields=["phase"])
    svc.comments_record(proceeding=proceeding, comments="Novou smlouvu uzavřeme.",
                        comments_answer="Smlouva nebyla do vydání rozhodnutí doložena.", actor=officer)
    doc = docs.render_decision(proceeding, source_key=_key("refusal"), actor=officer)
    return doc, ["Rozhodnutí o zamítnutí žádosti", "§ 78 odst. 2", "§ 81 odst. 1", "se zamítá",
                 "není splněna podmínka registrace podle § 79 odst. 1 písm. e)", "Odůvodnění",
                 "§ 44 odst. 1", "Správní orgán vycházel z těchto podkladů", "§ 79 odst. 1 písm. b)",
                 "§ 79 odst. 1 písm. g)", "§ 80", "Novou smlouvu uzavřeme", "Smlouva nebyla do vydání rozhodnutí doložena",
                 "§ 36 odst. 3", "Ministerstvo práce a sociálních věcí", "odkladný účinek", "otisk úředního razítka"], \
        ["finančních podmínek", "§ 78 odst. 1"]


def build_registration(officer):
    proceeding = _application(officer, services=[ServiceDataFactory(start_on=TODAY + timedelta(days=40))])
    _assess(proceeding, officer, reasoning="Podmínky registrace jsou splněny.")
    doc = docs.render_decision(proceeding, source_key=_key("registration"), actor=officer)
    start = TODAY + timedelta(days=40)
    return doc, ["Rozhodnutí o registraci", "věcně a místně příslušný podle § 78 odst. 2", "§ 81 odst. 1",
                 "§ 81 odst. 2", "se registruje jako poskytovatel sociálních služeb",
                 "Domov Na Výsluní, z. ú., IČO 26997789, se sídlem Sluneční 12, 350 02 Cheb",
                 f"od {start.day}. {start.month}. {start.year}, nejdříve však ode dne nabytí právní moci",
                 "Domovy pro seniory (§ 49", "kapacita: 24", "§ 44 odst. 1", "§ 79 odst. 1 písm. c)", "splněna",
                 "Proti tomuto rozhodnutí se lze odvolat do 15 dnů", "§ 85 odst. 1", "otisk úředního razítka"], \
        ["§ 78 odst. 1", "IČO nemá"]


def build_registration_natural_person(officer):
    from datetime import date

    proceeding = svc.application_receive(
        kind=Proceeding.Kind.REGISTRATION, received_on=RECEIVED, actor=officer,
        provider={"name": "Marie Smyšlená", "address": "Lipová 3, 357 35 Chodov", "ico": "", "is_natural_person": True,
                  "birth_date": date(1975, 4, 12), "residence_address": "Lipová 3, 357 35 Chodov"},
        services=[ServiceDataFactory(service_type="40", form="field", place="Chodov", target_groups=["S"])])
    _assess(proceeding, officer, omit_reasoning=True)
    doc = docs.render_decision(proceeding, source_key=_key("natural"), actor=officer)
    return doc, ["Marie Smyšlená, nar. 12. 4. 1975, trvale bytem Lipová 3, 357 35 Chodov", "nar. 12. 4. 1975",
                 "§ 68 odst. 4"], ["IČO nemá", "se sídlem Lipová"]


def build_change(officer):
    provider = Provider.objects.get(pk=_application(officer).provider_id)
    registered = _registered(provider, officer, national_id="7654321")
    data = selectors.change_services_from_registered(registered, capacity=30, place="Sluneční 12 a 14, Cheb")
    proceeding = svc.application_receive(kind=Proceeding.Kind.CHANGE, provider=ProviderDataFactory(), services=[data],
                                         received_on=RECEIVED, actor=officer)
    _assess(proceeding, officer, reasoning="Nové prostory splňují podmínky.")
    doc = docs.render_decision(proceeding, source_key=_key("change"), actor=officer)
    return doc, ["Rozhodnutí o změně registrace", "§ 82 odst. 2", "se mění takto", "identifikátor služby 7654321",
                 "kapacita: z „24“ na „30“", "místo poskytování: z „Sluneční 12, Cheb“ na „Sluneční 12 a 14, Cheb“",
                 "nejdříve ode dne nabytí právní moci"], [registered.registration_case.file_mark]


def _cancellation(officer, *, ex_officio, ground, ends_on=None, national_id="1234567"):
    provider = Provider.objects.get(pk=_application(officer).provider_id)
    registered = _registered(provider, officer, national_id=national_id)
    proceeding = svc.cancellation_open(provider=provider, services=[registered], ex_officio=ex_officio,
                                       grounds="Inspekce zjistila, že služba nemá sociálního pracovníka.",
                                       received_on=RECEIVED, ground=ground, service_ends_on=ends_on, actor=officer)
    proceeding.received_on = RECEIVED + timedelta(days=3)
    proceeding.phase = Proceeding.Phase.ASSESSMENT  # the opening notice was delivered
    proceeding.save()
    return proceeding


def build_opening_notice(officer):
    proceeding = _cancellation(officer, ex_officio=True, ground="a")
    doc = docs.render_opening_notice(proceeding, source_key=_key("opening"), actor=officer)
    return doc, ["Oznámení o zahájení řízení o zrušení registrace z moci úřední", "§ 46 odst. 1",
                 "podle § 82 odst. 3 písm. a)", "navrhovat důkazy", "§ 36 odst. 1", "§ 38",
                 "nemá sociálního pracovníka", "identifikátor služby 1234567"], []


def build_cancellation_ex_officio(officer):
    proceeding = _cancellation(officer, ex_officio=True, ground="a")
    svc.assessment_record(proceeding=proceeding, proposal="granted", reasoning="Podmínka § 79 odst. 1 písm. b) "
                          "není plněna.", actor=officer)
    doc = docs.render_decision(proceeding, source_key=_key("cancellation"), actor=officer)
    return doc, ["Rozhodnutí o zrušení registrace z moci úřední", "podle § 82 odst. 3 písm. a)", "se ruší",
                 "§ 46 odst. 1", "identifikátor služby 1234567", "odkladný účinek"], []


def build_cancellation_request(officer):
    proceeding = _cancellation(officer, ex_officio=False, ground="request", ends_on=RECEIVED + timedelta(days=30))
    svc.assessment_record(proceeding=proceeding, proposal="granted", omit_reasoning=True, actor=officer)
    doc = docs.render_decision(proceeding, source_key=_key("cancellation-request"), actor=officer)
    ends = RECEIVED + timedelta(days=30)
    return doc, ["Rozhodnutí o zrušení registrace na žádost poskytovatele", f"ke dni {ends.day}. {ends.month}. {ends.year} ruší",
                 "nejméně 3 měsíce", "§ 107 odst. 2 písm. i)"], []


def build_termination_ex_officio(officer):
    proceeding = _cancellation(officer, ex_officio=True, ground="c")
    proceeding.proposal = Proceeding.Outcome.TERMINATED
    proceeding.reasoning = "Opakovaná inspekce zjistila, že standardy kvality jsou plněny."
    proceeding.save()
    doc = docs.render_decision(proceeding, source_key=_key("termination-ex-officio"), actor=officer)
    return doc, ["Usnesení o zastavení řízení vedeného z moci úřední", "§ 66 odst. 2", "§ 82 odst. 3 písm. c)",
                 "nepotvrdil", "pouze poznamenává do spisu", "standardy kvality jsou plněny"], ["zamítá", "žádost o registraci"]


def build_termination_withdrawn(officer):
    proceeding = _application(officer)
    doc = docs.render_stop(proceeding, ground=selectors.WITHDRAWN, withdrawn_on=RECEIVED + timedelta(days=5),
                           reason="Žadatel vzal žádost zpět, službu bude poskytovat jiná organizace.",
                           source_key=_key("termination-withdrawn"), actor=officer)
    withdrawn = RECEIVED + timedelta(days=5)
    return doc, ["Usnesení o zastavení řízení (zpětvzetí žádosti)", "§ 66 odst. 1 písm. a)", "vzal svou žádost zpět",
                 f"doručeným dne {withdrawn.day}. {withdrawn.month}. {withdrawn.year}", "pouze poznamenává do spisu",
                 "jiná organizace", "Žádost se týkala služeb"], ["zamítá", "neodstranil"]


def build_correction(officer):
    proceeding = _application(officer)
    svc.completeness_record(proceeding=proceeding, answers=checklist(proceeding, missing=("clean_record",)),
                            remedy_days=20, actor=officer)
    original = docs.render_deficiency(proceeding, source_key=_key("corrected"), actor=officer)
    doc = docs.render_correction(proceeding, original, correction="v označení účastníka se „Sluneční 21“ nahrazuje "
                                 "„Sluneční 12“", reason="překlep v čísle popisném",
                                 source_key=_key("correction"), actor=officer)
    return doc, ["Opravné usnesení", "§ 70 správního řádu", original.reference_number, original.title,
                 "„Sluneční 12“", "překlep v čísle popisném", "Proti tomuto usnesení se lze odvolat",
                 "nemá odkladný účinek"], []


def build_notice_ack(officer):
    from datetime import date

    provider = Provider.objects.get(pk=_application(officer).provider_id)
    registered = _registered(provider, officer, national_id="2345678")
    notice = svc.change_notice_receive(ico=provider.ico, change_date=date(2026, 9, 10), received_on=date(2026, 10, 20),
                                       items=[{"kind": "contact", "description": "Nový telefon 777 000 111"}],
                                       service=registered, actor=officer)
    doc = docs.render_notice_ack(notice, source_key=_key("ack"), actor=officer)
    return doc, ["Potvrzení o přijetí oznámení změn", "§ 82 odst. 1", "15. 10. 2026",
                 "může naplnit znaky přestupku podle § 107 odst. 2 písm. l)", "Nový telefon"], ["otisk úředního razítka"]


def build_appeal_forward(officer):
    proceeding = _application(officer)
    _assess(proceeding, officer, proposal="refused", missing=("cond_insurance",), reasoning="Pojištění chybí.")
    decision = docs.render_decision(proceeding, source_key=_key("forward-decision"), actor=officer)
    appeal = Appeal.objects.create(proceeding=proceeding, received_on=TODAY, note="Odvolatel doložil pojistku pozdě.")
    doc = docs.render_appeal_forward(appeal, source_key=_key("forward"), actor=officer)
    return doc, ["Předložení odvolání", "§ 88 odst. 1", decision.reference_number, "Ministerstvo práce a sociálních věcí",
                 "Přílohy", f"spis sp. zn. {proceeding.case.file_mark}"], []


def build_letter(officer):
    case = _application(officer).case
    doc = generate_document(case=case, kind="letter", title="Dopis: Informace o průběhu řízení", template_code="letter",
                            context={"subject": "Informace o průběhu řízení",
                                     "body_paragraphs": ["Sdělujeme Vám, že řízení pokračuje."]},
                            source_key=_key("letter"), actor=officer)
    return doc, ["Informace o průběhu řízení", "Sdělujeme Vám, že řízení pokračuje."], ["otisk úředního razítka"]


BUILDERS = {
    "reg_deficiency": build_deficiency,
    "reg_termination": build_termination,
    "reg_termination_ex_officio": build_termination_ex_officio,
    "reg_termination_withdrawn": build_termination_withdrawn,
    "reg_correction": build_correction,
    "reg_evidence_notice": build_evidence_notice,
    "reg_opening_notice": build_opening_notice,
    "reg_decision_registration": build_registration,
    "reg_decision_registration_natural_person": build_registration_natural_person,
    "reg_decision_refusal": build_refusal,
    "reg_decision_change": build_change,
    "reg_decision_cancellation": build_cancellation_ex_officio,
    "reg_decision_cancellation_request": build_cancellation_request,
    "reg_notice_ack": build_notice_ack,
    "reg_appeal_forward": build_appeal_forward,
    "letter": build_letter,
}

FORM = ["Krajský úřad Karlovarského kraje", "odbor sociálních věcí", "Naše č. j.", "Sp. zn.", "Vyřizuje", "Telefon",
        "E-mail", "Datum", "Věc:", "Jana Nováková", "referentka oddělení sociálních služeb", "+420 354 222 311"]


def test_every_catalogue_entry_of_the_agenda_is_rendered_here():
    from workflows.models import ActKind

    codes = set(ActKind.objects.filter(agenda__in=["registrations", "workflows"]).values_list("code", flat=True))
    assert codes <= set(BUILDERS)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_act_docx_has_its_legal_elements_and_the_official_form(world, name):
    document, wanted, unwanted = BUILDERS[name](world["officer"])
    text = docx_plain(document)
    for phrase in wanted + FORM + [document.reference_number, document.case.file_mark]:
        assert phrase in text, f"{name}: chybí „{phrase}“"
    for phrase in unwanted + ["referent(ka)"]:
        assert phrase not in text, f"{name}: nemá obsahovat „{phrase}“"


@needs_pdf_tools
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_act_pdf_from_libreoffice_has_the_same_elements(world, name):
    document, wanted, unwanted = BUILDERS[name](world["officer"])
    with document.file.open("rb") as fh:
        pdf = converter.to_pdf(fh.read())
    assert pdf.startswith(b"%PDF-")
    text = pdf_plain(pdf)
    for phrase in wanted + FORM + [document.reference_number]:
        assert flat(phrase) in text, f"{name}: v PDF chybí „{phrase}“"
    assert re.search(r"strana 1 z \d", text), f"{name}: v zápatí chybí „strana X z Y“"
    for phrase in unwanted + ["referent(ka)"]:
        assert phrase not in text
    png_first_page(pdf, name)
