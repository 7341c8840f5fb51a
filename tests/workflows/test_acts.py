"""The act catalogue: loaded from the agendas' acts.yaml, office edits kept and recorded, docs/acts.md
current, uploaded templates checked against the fields their act provides."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as DocxDocument

from workflows import acts
from workflows.acts_doc import render_markdown
from workflows.models import ActKind, ActKindChange

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def all_entries() -> dict[str, dict]:
    return {e["code"]: e for f in acts.catalogue_files() for e in f.entries}


def test_catalogue_is_loaded_after_migrate_from_every_agenda():
    entries = all_entries()
    loaded = set(ActKind.objects.values_list("code", flat=True))
    assert loaded == set(entries)
    # the engine found the agendas through their app configs, naming none of them
    assert {"letter", "opinion", "reg_decision_registration", "reg_termination_ex_officio"} <= loaded
    for code, entry in entries.items():
        assert entry["legal_basis"].strip(), code
        if entry["form"] in ("decision", "resolution"):
            assert "odvolat" in entry["instruction"], f"{code}: poučení říká, zda se lze odvolat"


@pytest.mark.parametrize("code, wanted", [
    ("reg_decision_registration", ["§ 78 odst. 2", "§ 81 odst. 1", "§ 81 odst. 2"]),
    ("reg_deficiency", ["§ 76 odst. 5", "nemá odkladný účinek", "lze odvolat"]),
    ("reg_termination", ["§ 66 odst. 1 písm. c)"]),
    ("reg_termination_ex_officio", ["§ 66 odst. 2", "poznamenává do spisu"]),
    ("reg_decision_cancellation_request", ["3 měsíce", "§ 107 odst. 2 písm. i)"]),
    ("reg_notice_ack", ["§ 107 odst. 2 písm. l)", "může naplnit znaky přestupku"]),
])
def test_the_law_as_the_issue_reads_it(code, wanted):
    act = ActKind.objects.get(code=code)
    text = " ".join([act.legal_basis, act.verdict, act.instruction, *act.texts.values()])
    text = " ".join(text.split())
    for phrase in wanted:
        assert phrase in text, f"{code}: {phrase}"
    assert "§ 78 odst. 1" not in text


def test_the_wrong_interruption_instruction_is_gone():
    deficiency = ActKind.objects.get(code="reg_deficiency")
    assert deficiency.appealable and not deficiency.suspensive_effect and deficiency.delivery == "delivered"
    assert "nelze" not in deficiency.instruction


def test_reload_is_idempotent_and_keeps_the_office_edit(admin_client):
    assert acts.load_acts()["created"] == 0
    act = ActKind.objects.get(code="reg_evidence_notice")
    url = f"/admin/workflows/actkind/{act.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(title="Vyrozumění o podkladech rozhodnutí", texts='{"body": "Upravený text úřadu do {comments_until}."}',
                signer_function="oprávněná úřední osoba", legal_basis=act.legal_basis, form=act.form,
                delivery=act.delivery, valid_from=act.valid_from.isoformat(), verdict="", instruction="",
                review_note=act.review_note, appeal_days="")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data |= {"changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    act.refresh_from_db()
    assert act.office_override and act.title == "Vyrozumění o podkladech rozhodnutí"
    change = ActKindChange.objects.filter(act=act).order_by("-pk").first()
    assert change.source == "office" and change.before["title"] != change.after["title"] and change.actor is not None
    report = acts.load_acts()
    assert "reg_evidence_notice" in report["kept_office"]
    act.refresh_from_db()
    assert act.title == "Vyrozumění o podkladech rozhodnutí"


def test_an_amendment_is_a_new_entry_with_a_date(tmp_path, monkeypatch):
    source = yaml.safe_load((ROOT / "workflows" / "acts.yaml").read_text(encoding="utf-8"))
    amended = dict(source["acts"][0], valid_from=date(2027, 7, 1), title="Dopis (nové znění)")
    source["acts"].append(amended)
    path = tmp_path / "acts.yaml"
    path.write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(acts, "catalogue_files", lambda: [acts._parse("workflows", path)])
    acts.load_acts()
    assert acts.current("letter", on=date(2027, 6, 30)).title == "Dopis"
    assert acts.current("letter", on=date(2027, 7, 1)).title == "Dopis (nové znění)"


@pytest.mark.parametrize("broken, message", [
    ({"instruction": "Odvolat se lze do {nevim} dnů."}, "neznámé proměnné nevim"),
    ({"form": "decision", "instruction": ""}, "musí mít poučení"),
    ({"delivery": "holubem"}, "neznámý způsob doručení"),
    ({"legal_basis": ""}, "chybí legal_basis"),
])
def test_a_broken_entry_is_refused_in_czech(tmp_path, broken, message):
    entry = {"code": "x", "valid_from": date(2026, 1, 1), "title": "X", "form": "letter", "legal_basis": "§ 1",
             "signer_function": "oprávněná úřední osoba", "delivery": "sent"} | broken
    path = tmp_path / "acts.yaml"
    path.write_text(yaml.safe_dump({"placeholders": {"office": "úřad"}, "acts": [entry]}, allow_unicode=True),
                    encoding="utf-8")
    with pytest.raises(acts.CatalogueError, match=message):
        acts._parse("x", path)


def test_docs_lists_exactly_the_catalogue_and_is_current():
    text = (ROOT / "docs" / "acts.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^### .* \(`([a-z_]+)`\)$", text, flags=re.M))
    assert listed == set(all_entries())
    assert text == render_markdown(ROOT / "docs" / "acts"), "docs/acts.md je zastaralý: python manage.py acts_doc"
    for entry in all_entries().values():
        assert " ".join(entry["legal_basis"].split()) in text


def _docx_with(text: str) -> bytes:
    doc = DocxDocument()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_upload_with_an_unknown_field_is_refused_in_czech(admin_client):
    from workflows.documents import check_template_upload

    with pytest.raises(ValidationError, match="pole, která tato písemnost nezná: rodne_cislo"):
        check_template_upload("reg_decision_registration", _docx_with("{{ act.verdict }} {{ rodne_cislo }}"))
    check_template_upload("reg_decision_registration", _docx_with("{{ act.verdict }} {{ party }} {{ services }}"))
    with pytest.raises(ValidationError, match="Neznámý kód šablony"):
        check_template_upload("nic_takoveho", _docx_with("{{ act }}"))

    bad = SimpleUploadedFile("sablona.docx", _docx_with("{{ provider.name }} {{ heslo_spravce }}"))
    response = admin_client.post("/admin/workflows/documenttemplate/add/",
                                 {"code": "reg_notice_ack", "file": bad, "active": "on"})
    assert response.status_code == 200
    assert "heslo_spravce" in response.content.decode()
    good = SimpleUploadedFile("sablona.docx", _docx_with("{{ provider.name }} {{ act.texts.late }}"))
    response = admin_client.post("/admin/workflows/documenttemplate/add/",
                                 {"code": "reg_notice_ack", "file": good, "active": "on"})
    assert response.status_code == 302
