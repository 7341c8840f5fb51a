"""A real PKI for the tests: certomancer's Animator (OCSP, CRL, TSA) as an HTTP process, PKCS#12
files per signer, and a SoftHSM 2 token holding a key for the PKCS#11 path.

Import the fixtures into a test module: ``from tests.signing_fixtures import pki, signing_settings``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIGNERS = ["seal", "referent", "referent2", "vedouci", "zastupce"]
SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
SOFTHSM_HINT = "SoftHSM 2 chybí: apt-get install -y softhsm2"


def _free_port() -> int:
    from workflows.converter import free_port

    return free_port()


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """Build the PKI and serve it; yields its info (tsa_url, root, p12_dir, password, dir)."""
    from workflows import signing_pki

    directory = tmp_path_factory.mktemp("pki")
    port = _free_port()
    info = signing_pki.build(directory, port=port, signers=SIGNERS)
    process = subprocess.Popen([sys.executable, "-m", "workflows.signing_pki", "serve", "--dir", str(directory)],
                               cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/osv/crls/root/latest.crl", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the test PKI did not start")
        yield {**info, "dir": directory}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)


def pki_env(pki) -> dict[str, str]:
    """The same settings as environment variables, for a worker process."""
    return {
        "OSV_SIGNING_BACKEND": "pkcs12",
        "OSV_SIGNING_PKCS12_DIR": pki["p12_dir"],
        "OSV_SIGNING_PKCS12_PASSWORD": pki["password"],
        "OSV_TSA_URL": pki["tsa_url"],
        "OSV_SIGNING_TRUST_ROOTS": pki["root"],
    }


@pytest.fixture
def signing_settings(pki, settings):
    settings.OSV_SIGNING_BACKEND = "pkcs12"
    settings.OSV_SIGNING_PKCS12_DIR = pki["p12_dir"]
    settings.OSV_SIGNING_PKCS12_PASSWORD = pki["password"]
    settings.OSV_TSA_URL = pki["tsa_url"]
    settings.OSV_SIGNING_TRUST_ROOTS = [pki["root"]]
    return settings


@pytest.fixture(scope="session")
def softhsm_token(pki, tmp_path_factory):
    """A SoftHSM token 'osv-test' (PIN 1234) with the seal's key and certificate, label 'seal'."""
    if not (shutil.which("softhsm2-util") and Path(SOFTHSM_LIB).exists()):
        pytest.skip(SOFTHSM_HINT)
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    from workflows import signing_pki

    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = {**os.environ}
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "osv-test", "--pin", "1234",
                    "--so-pin", "5678"], check=True, env=env, capture_output=True)
    key_file = home / "seal.key.pem"
    key_file.write_bytes(signing_pki.signer_key_pem(pki["dir"], "seal"))
    subprocess.run(["softhsm2-util", "--import", str(key_file), "--token", "osv-test", "--label", "seal",
                    "--id", "01", "--pin", "1234"], check=True, env=env, capture_output=True)
    key_file.unlink()
    from asn1crypto import x509

    der = signing_pki.signer_cert_der(pki["dir"], "seal")
    cert = x509.Certificate.load(der)
    token = pkcs11.lib(SOFTHSM_LIB).get_token(token_label="osv-test")
    with token.open(user_pin="1234", rw=True) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: "seal", Attribute.ID: b"\x01",
            Attribute.VALUE: der, Attribute.SUBJECT: cert.subject.dump(), Attribute.ISSUER: cert.issuer.dump(),
            Attribute.SERIAL_NUMBER: cert["tbs_certificate"]["serial_number"].dump(),
        })
    return {"module": SOFTHSM_LIB, "token": "osv-test", "pin": "1234", "conf": str(conf)}
