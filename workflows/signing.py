"""Signature and seal of an outgoing act: pyHanko, PAdES B-LT with a qualified timestamp.

Who signs: an act approved by an official carries that official's signature (key label = the
user name); automated outputs (acknowledgements) carry the office's seal (key label
``OSV_SEAL_LABEL``). Where the keys live (settings):

* ``OSV_SIGNING_BACKEND = "pkcs11"`` (production): an HSM / token through its PKCS#11 module
  (``OSV_PKCS11_MODULE``, token ``OSV_PKCS11_TOKEN_LABEL``, PIN ``OSV_PKCS11_PIN``); the key
  and its certificate are found by label.
* ``"pkcs12"`` (embedded default): ``OSV_SIGNING_PKCS12_DIR/<label>.p12`` protected by
  ``OSV_SIGNING_PKCS12_PASSWORD``.

Before anything is signed the signer's certificate is validated now (chain to
``OSV_SIGNING_TRUST_ROOTS``, OCSP/CRL fetched): an expired, revoked or untrusted certificate
is refused with a Czech ``SigningRefused`` — the act is then neither signed nor sent. The
signature embeds the revocation data (B-LT), so it can be verified offline later (``verify_pdf``).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone
from pathlib import Path

from asn1crypto import pem, x509
from django.conf import settings

logger = logging.getLogger(__name__)


class SigningError(Exception):
    """Signing failed for a reason that may pass (TSA or OCSP unreachable): retry later."""


class SigningRefused(SigningError):
    """The certificate (or key) must not be used: do not retry, tell the officer (Czech)."""


@dataclass(frozen=True)
class SignatureReport:
    """What ``verify_pdf`` found for one signature."""

    signer: str
    intact: bool
    valid: bool
    trusted: bool
    timestamp_valid: bool
    revocation_embedded: bool
    signed_at: datetime | None

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.timestamp_valid and self.revocation_embedded


def seal_label() -> str:
    return settings.OSV_SEAL_LABEL


def signer_label(user=None) -> str:
    """The key label of an official (their user name), or the office seal when ``user`` is None."""
    return user.get_username() if user is not None else seal_label()


def configured() -> bool:
    """Signing is possible here: a backend with a timestamp authority and trust roots."""
    return bool(settings.OSV_TSA_URL and settings.OSV_SIGNING_TRUST_ROOTS and settings.OSV_SIGNING_BACKEND)


# ------------------------------------------------------------------ trust and certificates


def _load_certs(path: str | Path) -> list[x509.Certificate]:
    data = Path(path).read_bytes()
    if pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def trust_roots() -> list[x509.Certificate]:
    roots: list[x509.Certificate] = []
    for path in settings.OSV_SIGNING_TRUST_ROOTS:
        roots.extend(_load_certs(path))
    return roots


def validation_context(*, fetching: bool = True, moment: datetime | None = None):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=trust_roots(), allow_fetching=fetching, revocation_mode="hard-fail",
                             moment=moment)


def _cn(cert: x509.Certificate) -> str:
    return cert.subject.native.get("common_name") or cert.subject.human_friendly


def _czech(moment) -> str:
    if moment is None:
        return "?"
    return f"{moment.day}. {moment.month}. {moment.year}"


def check_certificate(cert: x509.Certificate, chain=(), *, moment: datetime | None = None) -> None:
    """Refuse (Czech) a certificate that is not valid now: expired, not yet valid, revoked, untrusted."""
    import asyncio

    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import (
        ExpiredError,
        InvalidCertificateError,
        NotYetValidError,
        PathBuildingError,
        PathValidationError,
        RevokedError,
    )

    now = moment or datetime.now(dt_timezone.utc)
    name = _cn(cert)
    if cert.not_valid_after < now:
        raise SigningRefused(f"Platnost certifikátu „{name}“ skončila {_czech(cert.not_valid_after)}; "
                             "akt nelze podepsat ani odeslat. Obnovte certifikát.")
    if cert.not_valid_before > now:
        raise SigningRefused(f"Certifikát „{name}“ platí až od {_czech(cert.not_valid_before)}.")
    validator = CertificateValidator(cert, intermediate_certs=list(chain), validation_context=validation_context(moment=moment))
    try:
        asyncio.run(validator.async_validate_usage({"non_repudiation"}))
    except RevokedError as exc:
        raise SigningRefused(f"Certifikát „{name}“ byl zneplatněn (revokován); akt nelze podepsat ani odeslat. "
                             "Požádejte o nový certifikát.") from exc
    except ExpiredError as exc:
        raise SigningRefused(f"Certifikát „{name}“ nebo certifikát jeho vydavatele pozbyl platnosti; "
                             "akt nelze podepsat ani odeslat.") from exc
    except NotYetValidError as exc:
        raise SigningRefused(f"Certifikát „{name}“ ještě neplatí.") from exc
    except PathBuildingError as exc:
        raise SigningRefused(f"Certifikát „{name}“ nevydala důvěryhodná certifikační autorita.") from exc
    except InvalidCertificateError as exc:
        raise SigningRefused(f"Certifikát „{name}“ nelze použít k podpisu: {exc}") from exc
    except PathValidationError as exc:
        # revocation data unreachable is a transient failure: the job retries
        if "revocation" in str(exc).lower() or "ocsp" in str(exc).lower() or "crl" in str(exc).lower():
            raise SigningError(f"Stav certifikátu „{name}“ nelze ověřit (OCSP/CRL nedostupné): {exc}") from exc
        raise SigningRefused(f"Certifikát „{name}“ neprošel ověřením: {exc}") from exc


# ------------------------------------------------------------------ signers


def _pkcs12_signer(label: str):
    from pyhanko.sign import signers

    path = Path(settings.OSV_SIGNING_PKCS12_DIR) / f"{label}.p12"
    if not path.exists():
        raise SigningRefused(f"Pro „{label}“ není nastaven podpisový klíč (soubor {path.name} chybí).")
    password = settings.OSV_SIGNING_PKCS12_PASSWORD
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=password.encode() if password else None)
    if signer is None:
        raise SigningRefused(f"Podpisový klíč „{label}“ nelze otevřít (chybné heslo nebo poškozený soubor).")
    return signer, None


def _pkcs11_signer(label: str):
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(settings.OSV_PKCS11_MODULE,
                                      token_criteria=TokenCriteria(label=settings.OSV_PKCS11_TOKEN_LABEL),
                                      user_pin=settings.OSV_PKCS11_PIN)
    except Exception as exc:  # module missing, token absent, wrong PIN
        raise SigningError(f"Podpisové zařízení (PKCS#11) není dostupné: {exc}") from exc
    try:
        signer = PKCS11Signer(session, cert_label=label, key_label=label)
        signer.signing_cert  # noqa: B018 — loads the certificate now, so a missing label fails here
    except Exception as exc:
        session.close()
        raise SigningRefused(f"Na podpisovém zařízení není klíč nebo certifikát „{label}“: {exc}") from exc
    return signer, session


def open_signer(label: str):
    """(signer, session-or-None) for the key ``label`` from the configured backend."""
    backend = settings.OSV_SIGNING_BACKEND
    if backend == "pkcs12":
        return _pkcs12_signer(label)
    if backend == "pkcs11":
        return _pkcs11_signer(label)
    raise SigningRefused(f"Neznámé úložiště podpisových klíčů: {backend!r} (pkcs11 nebo pkcs12).")


# ------------------------------------------------------------------ signing and verification


def sign_pdf(pdf: bytes, *, label: str, reason: str, location: str = "", contact: str = "") -> bytes:
    """Sign (PAdES B-LT, timestamped) ``pdf`` with the key ``label``; check the certificate first."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.sign.general import SigningError as HankoSigningError

    signer, session = open_signer(label)
    try:
        chain = list(signer.cert_registry) if getattr(signer, "cert_registry", None) else []
        check_certificate(signer.signing_cert, chain)
        meta = signers.PdfSignatureMetadata(
            field_name="Podpis",
            reason=reason,
            location=location or None,
            contact_info=contact or None,
            name=_cn(signer.signing_cert),
            subfilter=fields.SigSeedSubFilter.PADES,
            embed_validation_info=True,  # B-LT: certificates + OCSP/CRL in the DSS
            use_pades_lta=False,
            validation_context=validation_context(),
            md_algorithm="sha256",
        )
        timestamper = timestamps.HTTPTimeStamper(settings.OSV_TSA_URL, timeout=settings.OSV_TSA_TIMEOUT)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        try:
            out = signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(writer)
        except (HankoSigningError, OSError) as exc:
            raise SigningError(f"Podpis se nepodařilo vytvořit (časové razítko nebo ověření certifikátu): {exc}") from exc
        return out.getvalue()
    finally:
        if session is not None:
            session.close()


def verify_pdf(data: bytes) -> list[SignatureReport]:
    """Validate every signature offline from what the PDF carries (B-LT), against our trust roots."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    reader = PdfFileReader(io.BytesIO(data))
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # no DSS: not LT
        dss = None
    reports = []
    for sig in reader.embedded_signatures:
        kwargs = {"trust_roots": trust_roots(), "allow_fetching": False, "revocation_mode": "hard-fail"}
        if dss is not None:
            vc = dss.as_validation_context(kwargs)
            ts_vc = dss.as_validation_context(kwargs)
        else:
            vc = validation_context(fetching=False)
            ts_vc = validation_context(fetching=False)
        try:
            status = validate_pdf_signature(sig, vc, ts_validation_context=ts_vc)
            ts = status.timestamp_validity
            reports.append(SignatureReport(
                signer=_cn(sig.signer_cert), intact=status.intact, valid=status.valid, trusted=status.trusted,
                timestamp_valid=bool(ts and ts.intact and ts.valid and ts.trusted),
                revocation_embedded=dss is not None and bool(dss.ocsps or dss.crls),
                signed_at=ts.timestamp if ts else None,
            ))
        except Exception as exc:  # a broken signature is a report, not a crash
            logger.warning("Signature validation failed: %s", exc)
            reports.append(SignatureReport(signer=_cn(sig.signer_cert), intact=False, valid=False, trusted=False,
                                           timestamp_valid=False, revocation_embedded=False, signed_at=None))
    return reports
