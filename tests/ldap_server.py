"""A real OpenLDAP server (Debian's slapd) for directory-login tests, on a free local port.

Built from tests/data/ldap/: the schema with the two Active Directory attributes, a
slapd.conf template and the users and groups in directory.ldif (loaded with slapadd).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "ldap"
APT_LINE = "apt-get install -y slapd ldap-utils libldap2-dev libsasl2-dev gcc && pip install -r requirements-ldap.lock"
SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
BASE = "dc=kraj,dc=test"
SERVICE_DN = "cn=osv-agenda,ou=sluzby,dc=kraj,dc=test"
SERVICE_PASSWORD = "sluzebni-heslo-123"
ADMIN_DN = "cn=admin,dc=kraj,dc=test"
ADMIN_PASSWORD = "admin-heslo-test"


def available() -> bool:
    return Path(SLAPD).exists() and Path(SLAPADD).exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlapdServer:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="osv-slapd-"))
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def start(self) -> "SlapdServer":
        (self.dir / "db").mkdir()
        conf = (DATA / "slapd.conf.in").read_text().replace("@DATA@", str(DATA)).replace("@RUN@", str(self.dir))
        (self.dir / "slapd.conf").write_text(conf)
        subprocess.run([SLAPADD, "-f", str(self.dir / "slapd.conf"), "-l", str(DATA / "directory.ldif")],
                       check=True, capture_output=True)
        for _ in range(5):  # the port is free when picked; retry if another process took it meanwhile
            self.port = free_port()
            self.process = subprocess.Popen(
                [SLAPD, "-f", str(self.dir / "slapd.conf"), "-h", self.uri + "/", "-d", "0"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            if self._wait_ready():
                return self
            self.process.kill()
            self.process.wait()
        raise RuntimeError("slapd se nepodařilo spustit: " + (self.process.stderr.read() or b"").decode(errors="replace"))

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def admin(self):
        """An admin connection (python-ldap) to change the directory during a test."""
        import ldap

        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return conn
