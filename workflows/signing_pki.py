"""A self-made PKI for the embedded run and the tests (certomancer): CA, OCSP, CRL, TSA.

Never for production: an office signs with its qualified certificates (docs/dispatch.md).
``build`` writes keys, a certomancer configuration and one PKCS#12 per signer (officials by
user name, the office seal, plus an expired and a revoked signer for the refusal paths);
``serve`` runs certomancer's Animator (OCSP responder, CRL, timestamp authority) over HTTP, so
the worker signs and fetches revocation data exactly as it would from a real trust service.

    python -m workflows.signing_pki build --dir var/pki --port 8790 --signers referent,vedouci
    python -m workflows.signing_pki serve --dir var/pki
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

PASSWORD = "osv-pki-demo"  # the PKCS#12 password of this throw-away PKI
ARCH = "osv"
EXPIRED = "expired-signer"
REVOKED = "revoked-signer"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _write_key(path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def _config(signers: list[str], url_prefix: str, now: datetime) -> dict:
    long_from, long_to = _iso(now - timedelta(days=365)), _iso(now + timedelta(days=3650))
    leaf = lambda: {  # noqa: E731
        "issuer": "root",
        "validity": {"valid-from": long_from, "valid-to": _iso(now + timedelta(days=730))},
        "extensions": [
            {"id": "key_usage", "critical": True,
             "smart-value": {"schema": "key-usage", "params": ["digital_signature", "non_repudiation"]}},
            {"id": "authority_information_access",
             "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": ["root"]}}},
            {"id": "crl_distribution_points",
             "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}}},
        ],
    }
    all_signers = list(dict.fromkeys([*signers, EXPIRED, REVOKED]))
    certs = {
        "root": {
            "subject": "root", "issuer": "root",
            "validity": {"valid-from": long_from, "valid-to": long_to},
            "extensions": [
                {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                {"id": "key_usage", "critical": True,
                 "smart-value": {"schema": "key-usage", "params": ["digital_signature", "key_cert_sign", "crl_sign"]}},
            ],
        },
        "ocsp": {
            "issuer": "root", "validity": {"valid-from": long_from, "valid-to": long_to},
            "extensions": [
                {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": ["digital_signature"]}},
                {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                {"id": "ocsp_no_check"},
            ],
        },
        "tsa": {
            "issuer": "root", "validity": {"valid-from": long_from, "valid-to": long_to},
            "extensions": [
                {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": ["digital_signature"]}},
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
            ],
        },
    }
    entities = {
        "root": {"common-name": "OSV Testovací kořenová CA"},
        "ocsp": {"common-name": "OSV Testovací OCSP"},
        "tsa": {"common-name": "OSV Testovací autorita časových razítek"},
    }
    for label in all_signers:
        entities[label] = {"common-name": label}
        certs[label] = leaf()
    certs[EXPIRED]["validity"] = {"valid-from": _iso(now - timedelta(days=400)), "valid-to": _iso(now - timedelta(days=35))}
    certs[REVOKED]["revocation"] = {"revoked-since": _iso(now - timedelta(days=2)), "reason": "key_compromise"}
    keys = {label: {"path": f"{label}.key.pem"} for label in ["root", "ocsp", "tsa", *all_signers]}
    return {
        "external-url-prefix": url_prefix,
        "keysets": {"osv": {"path-prefix": "keys", "keys": keys}},
        "pki-architectures": {ARCH: {
            "keyset": "osv",
            "entity-defaults": {"country-name": "CZ", "organization-name": "Krajský úřad (test)"},
            "entities": entities,
            "certs": certs,
            "services": {
                "ocsp": {"root": {"for-issuer": "root", "responder-cert": "ocsp", "signing-key": "ocsp"}},
                "crl-repo": {"root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P1D"}},
                "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
            },
        }},
    }


def build(directory: Path, *, port: int, signers: list[str], names: dict[str, str] | None = None) -> dict:
    """Create the PKI under ``directory`` for an Animator on 127.0.0.1:``port``; returns its paths."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "keys").mkdir(exist_ok=True)
    (directory / "p12").mkdir(exist_ok=True)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    url_prefix = f"http://127.0.0.1:{port}"
    config = _config(signers, url_prefix, now)
    for label in names or {}:
        config["pki-architectures"][ARCH]["entities"][label]["common-name"] = names[label]
    for label in config["keysets"]["osv"]["keys"]:
        key = directory / "keys" / f"{label}.key.pem"
        if not key.exists():
            _write_key(key)
    (directory / "certomancer.json").write_text(json.dumps(config, ensure_ascii=False, indent=1))
    arch = load(directory)
    for label in [*signers, EXPIRED, REVOKED]:
        (directory / "p12" / f"{label}.p12").write_bytes(
            arch.package_pkcs12(label, certs_to_embed=["root"], password=PASSWORD.encode()))
    (directory / "root.pem").write_bytes(_pem(arch.get_cert("root").dump()))
    info = {"tsa_url": f"{url_prefix}/{ARCH}/tsa/tsa", "root": str(directory / "root.pem"),
            "p12_dir": str(directory / "p12"), "password": PASSWORD, "port": port}
    (directory / "pki.json").write_text(json.dumps(info, indent=1))
    return info


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)


def load(directory: Path):
    from certomancer.registry import CertomancerConfig

    config = json.loads((directory / "certomancer.json").read_text())
    return CertomancerConfig(config, key_search_dir=str(directory)).get_pki_arch(ARCH)


def signer_key_pem(directory: Path, label: str) -> bytes:
    return (directory / "keys" / f"{label}.key.pem").read_bytes()


def signer_cert_der(directory: Path, label: str) -> bytes:
    return load(directory).get_cert(label).dump()


def make_app(directory: Path):
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig

    config = json.loads((directory / "certomancer.json").read_text())
    cfg = CertomancerConfig(config, key_search_dir=str(directory))
    return Animator(AnimatorArchStore(cfg.pki_archs), with_web_ui=False)


def serve(directory: Path, port: int) -> None:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, make_app(directory), threaded=True)
    print(f"PKI (OCSP, CRL, TSA) na http://127.0.0.1:{port}/", flush=True)
    server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workflows.signing_pki", description="Testovací PKI (certomancer).")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--dir", required=True, type=Path)
    b.add_argument("--port", required=True, type=int)
    b.add_argument("--signers", default="seal")
    s = sub.add_parser("serve")
    s.add_argument("--dir", required=True, type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        info = build(args.dir, port=args.port, signers=[x for x in args.signers.split(",") if x])
        print(json.dumps(info))
        return 0
    info = json.loads((args.dir / "pki.json").read_text())
    serve(args.dir, info["port"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
