"""The ISDS simulator as a separate HTTP process, and settings that switch dispatch on.

Import into a test module: ``from tests.dispatch_fixtures import isds_sim, dispatch_on`` (and
``pki`` from tests.signing_fixtures). No test talks to the real ISDS.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from tests.signing_fixtures import pki, pki_env  # noqa: F401 — re-exported fixture

ROOT = Path(__file__).resolve().parent.parent
SIM_USER, SIM_PASSWORD = "osv-test", "simulator-heslo"
LIBREOFFICE_HINT = "LibreOffice chybí: apt-get install -y libreoffice-writer-nogui python3-uno"


class IsdsSimulator:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port_file = tmp / "port"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "workflows.dispatch.simulator", "--port", "0", "--port-file", str(self.port_file),
             "--store", str(tmp / "isds.sqlite3"), "--username", SIM_USER, "--password", SIM_PASSWORD,
             "--sender-box", "kvk2xyz", "--sender-name", "Krajský úřad Karlovarského kraje"],
            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if self.port_file.exists() and self.port_file.read_text():
                break
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{self.port_file.read_text()}"
        self.url = f"{self.base}/DS"

    def control(self, path: str, data: dict | None = None):
        request = urllib.request.Request(f"{self.base}/sim/{path}", data=json.dumps(data or {}).encode(), method="POST")
        return json.loads(urllib.request.urlopen(request, timeout=10).read())

    def messages(self) -> list[dict]:
        return json.loads(urllib.request.urlopen(f"{self.base}/sim/messages", timeout=10).read())

    def file(self, message_id: str, index: int = 0) -> bytes:
        return urllib.request.urlopen(f"{self.base}/sim/messages/{message_id}/{index}", timeout=10).read()

    def box(self, box_id: str, state: int = 1, name: str = "") -> None:
        self.control("boxes", {"dbID": box_id, "state": state, "name": name})

    def set_clock(self, moment: datetime) -> None:
        self.control("clock", {"set": moment.isoformat()})

    def advance(self, days: float) -> None:
        self.control("clock", {"advance_days": days})

    def login(self, box_id: str) -> None:
        self.control("login", {"dbID": box_id})

    def env(self) -> dict[str, str]:
        return {"OSV_ISDS_URL": self.url, "OSV_ISDS_USERNAME": SIM_USER, "OSV_ISDS_PASSWORD": SIM_PASSWORD}

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)


@pytest.fixture
def isds_sim(tmp_path):
    sim = IsdsSimulator(tmp_path)
    yield sim
    sim.stop()


@pytest.fixture
def dispatch_on(settings, pki, isds_sim):  # noqa: F811
    """Dispatch switched on: real LibreOffice, the test PKI, the simulator."""
    from workflows import converter

    if converter.soffice_binary() is None:
        pytest.skip(LIBREOFFICE_HINT)
    settings.OSV_DISPATCH_ENABLED = True
    # the persistent converter when the run has one (.ci/run starts it), else soffice per document
    settings.OSV_CONVERTER_URL = os.environ.get("OSV_CONVERTER_URL", "")
    settings.OSV_SIGNING_BACKEND = "pkcs12"
    settings.OSV_SIGNING_PKCS12_DIR = pki["p12_dir"]
    settings.OSV_SIGNING_PKCS12_PASSWORD = pki["password"]
    settings.OSV_TSA_URL = pki["tsa_url"]
    settings.OSV_SIGNING_TRUST_ROOTS = [pki["root"]]
    settings.OSV_ISDS_URL = isds_sim.url
    settings.OSV_ISDS_USERNAME = SIM_USER
    settings.OSV_ISDS_PASSWORD = SIM_PASSWORD
    settings.OSV_ISDS_WSDL_DIR = ""
    return isds_sim


def dispatch_env(pki, sim: IsdsSimulator) -> dict[str, str]:  # noqa: F811
    """The same, as environment variables for a worker process."""
    return {**pki_env(pki), **sim.env(), "OSV_DISPATCH_ENABLED": "1",
            "OSV_CONVERTER_URL": os.environ.get("OSV_CONVERTER_URL", ""),
            "OSV_DISPATCH_RETRY_SECONDS": "1"}
