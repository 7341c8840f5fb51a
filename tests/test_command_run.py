"""Command 1 (scripts/run.sh) in a throw-away data directory: serves the Czech login page,
demo accounts log in, Ctrl-C stops web + worker + beat, a second run duplicates nothing."""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


from tests.conftest import ROOT, embedded_only

pytestmark = embedded_only  # Command 1 is the embedded set-up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(var_dir: Path, port: int, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "OSV_ENV"}
           and not k.startswith(("OSV_CONVERTER", "OSV_ISDS", "OSV_TSA", "OSV_SIGNING"))}  # its own, as on a fresh machine
    env.update(OSV_VAR_DIR=str(var_dir), OSV_PORT=str(port))
    return subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError("run.sh skončil:\n" + log.read_text())
        try:
            return urllib.request.urlopen(url, timeout=5).read().decode()
        except OSError:
            time.sleep(1)
    raise AssertionError("server nenaběhl:\n" + log.read_text())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base: str, username: str, password: str) -> tuple[int, str]:
    """POST the login form; a successful login answers 302 away from /login/."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(base + "/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + "/login/", data=data, headers={"Referer": base + "/login/"})
    try:
        response = opener.open(request)
        return response.status, response.geturl()
    except urllib.error.HTTPError as redirect:
        return redirect.code, redirect.headers.get("Location", "")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(60)


def test_command_one_serves_czech_app_with_demo_logins(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "run.log"
    proc = start(tmp_path / "var", port, log)
    try:
        page = wait_http(base + "/login/", proc, log)
        assert "Přihlásit" in page and "Uživatelské jméno" in page and 'lang="cs"' in page
        for user in ("referent", "planovac", "vedouci", "ctenar"):
            status, url = login(base, user, "demo-heslo-2026")
            assert status == 302 and "/login/" not in url, (user, status, url)
        status, url = login(base, "referent", "spatne-heslo")
        assert status == 200  # the form again, with an error
        output = log.read_text()
        assert f"http://127.0.0.1:{port}/" in output and "demo-heslo-2026" in output
        assert "ready." in output and "beat: Starting" in output
        # the acts' pipeline: the ISDS simulator and the embedded signing PKI, and the converter
        assert "Simulátor ISDS na http://127.0.0.1:" in output and "PKI (OCSP, CRL, TSA)" in output
        if shutil.which("soffice"):
            assert "Spouštím převodník: unoserver" in output
    finally:
        stop(proc)
    output = log.read_text()
    assert "Zastaveno." in output
    leftover = subprocess.run(["pgrep", "-f", f"OSV_VAR_DIR={tmp_path}"], capture_output=True).stdout
    assert not leftover

    # the second run must not duplicate demo data
    def count_users() -> str:
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
        env["OSV_VAR_DIR"] = str(tmp_path / "var")
        return subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-c",
             "from django.contrib.auth.models import User; from workflows.models import Case;"
             "print(User.objects.count(), Case.objects.count())"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]

    before = count_users()
    proc = start(tmp_path / "var", port, log)
    try:
        wait_http(base + "/login/", proc, log)
    finally:
        stop(proc)
    assert count_users() == before
