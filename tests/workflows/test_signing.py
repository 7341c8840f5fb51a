"""Signature and seal with pyHanko on a PKI built for the test (certomancer: CA, OCSP, CRL, TSA).

Every signed act is validated offline from what it carries (PAdES B-LT): intact, trusted chain,
timestamp valid, revocation data embedded; a PDF/A stays PDF/A after signing.
"""

from __future__ import annotations

import io

import pikepdf
import pytest

from tests.signing_fixtures import pki, signing_settings, softhsm_token  # noqa: F401 — fixtures
from workflows import converter, signing
from workflows.pdfa import check_pdfa


@pytest.fixture(scope="module")
def act_pdf():
    """A rendered act converted to PDF/A when LibreOffice is here, else a plain one-page PDF."""
    if converter.soffice_binary() is not None:
        from docxtpl import DocxTemplate

        from workflows.documents import TEMPLATE_DIR

        template = DocxTemplate(str(TEMPLATE_DIR / "letter.docx"))
        template.render({"subject": "Rozhodnutí o registraci", "body_paragraphs": ["Výrok: registruje se."],
                         "office": {"name": "Krajský úřad"}, "parties": []})
        out = io.BytesIO()
        template.save(out)
        return converter.to_pdf(out.getvalue())
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_official_signature_is_b_lt_timestamped_trusted_and_keeps_pdfa(act_pdf, signing_settings):
    signed = signing.sign_pdf(act_pdf, label="referent", reason="Rozhodnutí o registraci", location="Karlovy Vary")
    [report] = signing.verify_pdf(signed)
    assert report.signer == "referent"
    assert report.ok, report
    assert report.signed_at is not None
    if converter.soffice_binary() is not None:
        assert check_pdfa(signed) == []
    with pikepdf.open(io.BytesIO(signed)) as pdf:  # B-LT: the DSS carries the revocation data
        assert "/DSS" in pdf.Root and ("/OCSPs" in pdf.Root.DSS or "/CRLs" in pdf.Root.DSS)


def test_office_seal_signs_automated_outputs(act_pdf, signing_settings):
    assert signing.signer_label(None) == "seal"
    signed = signing.sign_pdf(act_pdf, label=signing.signer_label(None), reason="Potvrzení o přijetí oznámení")
    [report] = signing.verify_pdf(signed)
    assert report.ok and report.signer == "seal"


@pytest.mark.parametrize("label, words", [
    ("expired-signer", "skončila"),
    ("revoked-signer", "zneplatněn (revokován)"),
])
def test_expired_or_revoked_certificate_is_refused_in_czech(act_pdf, signing_settings, label, words):
    with pytest.raises(signing.SigningRefused) as info:
        signing.sign_pdf(act_pdf, label=label, reason="x")
    assert words in str(info.value)
    assert "nelze podepsat ani odeslat" in str(info.value)


def test_signer_without_a_key_is_refused(act_pdf, signing_settings):
    with pytest.raises(signing.SigningRefused, match="není nastaven podpisový klíč"):
        signing.sign_pdf(act_pdf, label="nikdo", reason="x")


def test_unreachable_timestamp_authority_is_a_retry_not_a_refusal(act_pdf, signing_settings):
    signing_settings.OSV_TSA_URL = f"http://127.0.0.1:{converter.free_port()}/tsa"
    signing_settings.OSV_TSA_TIMEOUT = 3
    with pytest.raises(signing.SigningError) as info:
        signing.sign_pdf(act_pdf, label="referent", reason="x")
    assert not isinstance(info.value, signing.SigningRefused)


def test_tampered_or_foreign_signature_does_not_validate(act_pdf, signing_settings, tmp_path):
    signed = signing.sign_pdf(act_pdf, label="vedouci", reason="x")
    tampered = bytearray(signed)
    at = signed.index(b"/Type /Page") if b"/Type /Page" in signed else 200
    tampered[at + 1] = ord("X") if tampered[at + 1] != ord("X") else ord("Y")
    assert not all(r.ok for r in signing.verify_pdf(bytes(tampered)))
    # a different trust root: intact but not trusted
    from workflows import signing_pki

    other = signing_pki.build(tmp_path / "other", port=converter.free_port(), signers=["seal"])
    signing_settings.OSV_SIGNING_TRUST_ROOTS = [other["root"]]
    [report] = signing.verify_pdf(signed)
    assert report.intact and not report.trusted


def test_pkcs11_seal_from_softhsm(act_pdf, signing_settings, softhsm_token):
    signing_settings.OSV_SIGNING_BACKEND = "pkcs11"
    signing_settings.OSV_PKCS11_MODULE = softhsm_token["module"]
    signing_settings.OSV_PKCS11_TOKEN_LABEL = softhsm_token["token"]
    signing_settings.OSV_PKCS11_PIN = softhsm_token["pin"]
    signed = signing.sign_pdf(act_pdf, label="seal", reason="Potvrzení")
    [report] = signing.verify_pdf(signed)
    assert report.ok and report.signer == "seal"
    with pytest.raises(signing.SigningRefused, match="není klíč nebo certifikát"):
        signing.sign_pdf(act_pdf, label="referent", reason="x")  # that key is not on the token
    signing_settings.OSV_PKCS11_PIN = "0000"
    with pytest.raises(signing.SigningError):
        signing.sign_pdf(act_pdf, label="seal", reason="x")
