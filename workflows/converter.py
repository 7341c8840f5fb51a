"""The one converter module: DOCX → PDF (PDF/A-2b by default) with LibreOffice headless.

Two ways to reach LibreOffice, chosen by settings:

* ``OSV_CONVERTER_URL`` set (``http://127.0.0.1:2003``): a persistent **unoserver** (PyPI
  ``unoserver``), started by ``scripts/run.sh`` / ``.ci/run`` through ``python -m
  workflows.converter serve``, which restarts LibreOffice after ``OSV_CONVERTER_RESTART_AFTER``
  conversions (a long-running soffice leaks memory). This is what the worker uses.
* not set: one ``soffice --headless --convert-to`` per document, with a private profile
  directory (two soffice processes sharing a profile block each other).

Errors are split so a worker job knows what to do: ``ConverterUnavailable`` (LibreOffice or
the unoserver is not there, timed out, crashed) → retry later; ``ConverterError`` (this
document cannot be converted) → do not retry, show the error. Converting is pure: the same
DOCX gives an equivalent PDF, nothing is stored here, so a retry after a kill loses nothing.

The module imports Django settings lazily so ``python -m workflows.converter serve`` runs
without a configured project.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path

logger = logging.getLogger(__name__)

# LibreOffice's PDF export filter data: SelectPdfVersion 2 = PDF/A-2b (1 = PDF/A-1b, 3 = PDF/A-3b).
# Forms and bookmarks off: no form fields with actions, no outline actions in an archived act.
PDFA_FILTER_DATA = {
    "SelectPdfVersion": 2,
    "UseTaggedPDF": True,
    "ExportFormFields": False,
    "ExportBookmarks": False,
    "EmbedStandardFonts": True,
}
PLAIN_FILTER_DATA = {"ExportFormFields": False}
# python3-uno of Debian lives here; appended (not prepended) so it shadows nothing in the venv
DEBIAN_UNO_PATH = "/usr/lib/python3/dist-packages"
# UNO errors that mean the LibreOffice behind unoserver is gone, not that the document is bad
LIBREOFFICE_GONE = ("DisposedException", "com.sun.star.connection", "URP bridge", "NoConnectException")
APT_HINT = "apt-get install -y libreoffice-writer-nogui python3-uno"


class ConverterError(Exception):
    """This document cannot be converted (do not retry)."""


class ConverterUnavailable(ConverterError):
    """LibreOffice/unoserver not reachable: retry later."""


def _setting(name: str, default):
    try:
        from django.conf import settings

        return getattr(settings, name, default)
    except Exception:  # settings not configured (the serve command)
        return default


def to_pdf(docx: bytes, *, pdfa: bool = True) -> bytes:
    """Convert DOCX bytes to PDF bytes; PDF/A-2b unless ``pdfa=False``."""
    if not docx:
        raise ConverterError("Dokument k převodu do PDF je prázdný.")
    if not docx.startswith(b"PK"):
        raise ConverterError("Dokument k převodu do PDF není soubor DOCX.")
    filter_data = PDFA_FILTER_DATA if pdfa else PLAIN_FILTER_DATA
    url = _setting("OSV_CONVERTER_URL", "") or ""
    timeout = float(_setting("OSV_CONVERTER_TIMEOUT", 120))
    pdf = _via_unoserver(url, docx, filter_data, timeout) if url else _via_soffice(docx, filter_data, timeout)
    if not pdf.startswith(b"%PDF-"):
        raise ConverterError("LibreOffice nevrátil soubor PDF.")
    return pdf


def soffice_binary() -> str | None:
    """The LibreOffice executable: ``OSV_SOFFICE`` or soffice/libreoffice on the PATH."""
    configured = _setting("OSV_SOFFICE", "") or os.environ.get("OSV_SOFFICE", "")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """Whether a conversion can be attempted here (unoserver configured, or soffice installed)."""
    return bool(_setting("OSV_CONVERTER_URL", "")) or soffice_binary() is not None


# --- unoserver (persistent) -----------------------------------------------------------------


class _TimeoutTransport(xmlrpc.client.Transport):
    """xmlrpc.client has no timeout of its own; a hung LibreOffice must not hang the worker."""

    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


def _via_unoserver(url: str, docx: bytes, filter_data: dict, timeout: float) -> bytes:
    """One XML-RPC ``convert`` call, the same the unoserver client makes (API checked first)."""
    from unoserver.client import API_VERSION

    options = [f"{key}={_uno_value(value)}" for key, value in filter_data.items()]
    try:
        with xmlrpc.client.ServerProxy(url, transport=_TimeoutTransport(timeout), allow_none=True) as proxy:
            info = proxy.info()
            if str(info.get("api")) != str(API_VERSION):
                raise ConverterUnavailable(
                    f"Převodník dokumentů ({url}) má jinou verzi rozhraní ({info.get('api')} ≠ {API_VERSION})."
                )
            # convert(inpath, indata, outpath, convert_to, filtername, filter_options,
            #         update_index, infiltername, password) — unoserver.server.UnoServer
            result = proxy.convert(None, xmlrpc.client.Binary(docx), None, "pdf", "writer_pdf_Export",
                                   options, True, None, None)
    except (OSError, TimeoutError) as exc:  # refused, reset, timed out
        raise ConverterUnavailable(f"Převodník dokumentů ({url}) není dostupný: {exc}") from exc
    except xmlrpc.client.ProtocolError as exc:
        raise ConverterUnavailable(f"Převodník dokumentů ({url}) odpověděl chybou HTTP: {exc.errcode}") from exc
    except xmlrpc.client.Fault as exc:
        if any(sign in exc.faultString for sign in LIBREOFFICE_GONE):  # soffice died or is restarting
            raise ConverterUnavailable(f"LibreOffice převodníku ({url}) neběží: {exc.faultString[-200:]}") from exc
        # LibreOffice could not load or export this document
        raise ConverterError(f"Dokument nelze převést do PDF: {exc.faultString[-300:]}") from exc
    data = getattr(result, "data", result)
    if not data:
        raise ConverterError("Převodník dokumentů nevrátil žádná data.")
    return bytes(data)


def _uno_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- soffice --headless (one process per document) -----------------------------------------


def _via_soffice(docx: bytes, filter_data: dict, timeout: float) -> bytes:
    binary = soffice_binary()
    if binary is None:
        raise ConverterUnavailable(f"LibreOffice (soffice) není nainstalován: {APT_HINT}")
    options = {
        key: {"type": "boolean" if isinstance(value, bool) else "long", "value": _uno_value(value)}
        for key, value in filter_data.items()
    }
    with tempfile.TemporaryDirectory(prefix="osv-soffice-") as tmp:
        work = Path(tmp)
        source = work / "act.docx"
        source.write_bytes(docx)
        out_dir = work / "out"
        out_dir.mkdir()
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
            "--convert-to", "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":")),
            "--outdir", str(out_dir), str(source),
        ]
        try:
            completed = subprocess.run(command, capture_output=True, timeout=timeout, cwd=tmp,
                                       env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired as exc:
            raise ConverterUnavailable(f"LibreOffice nedokončil převod do {int(timeout)} s.") from exc
        except OSError as exc:
            raise ConverterUnavailable(f"LibreOffice nelze spustit: {exc}") from exc
        target = out_dir / "act.pdf"
        if completed.returncode < 0:  # killed by a signal: the converter died, not the document
            raise ConverterUnavailable(f"LibreOffice byl ukončen signálem {-completed.returncode}.")
        if not target.exists():
            detail = (completed.stderr or completed.stdout).decode("utf-8", "replace").strip()[-300:]
            raise ConverterError(f"Dokument nelze převést do PDF (LibreOffice: {detail or completed.returncode}).")
        return target.read_bytes()


# --- the persistent converter process ----------------------------------------------------------


def _unoserver_command(port: int, uno_port: int, stop_after: int, profile: Path, python: str) -> list[str]:
    import unoserver

    bootstrap = (
        "import sys; sys.path.append(%r); sys.path.append(%r); "
        "from unoserver.server import main; sys.exit(main())"
    ) % (DEBIAN_UNO_PATH, str(Path(unoserver.__file__).resolve().parent.parent))
    command = [python, "-c", bootstrap, "--interface", "127.0.0.1", "--port", str(port),
               "--uno-port", str(uno_port), "--user-installation", str(profile)]
    if stop_after:
        command += ["--stop-after", str(stop_after)]
    binary = soffice_binary()
    if binary:
        command += ["--executable", binary]
    return command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, timeout: float = 90.0) -> bool:
    """Poll the unoserver's ``info`` call until it answers (LibreOffice takes seconds to start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with xmlrpc.client.ServerProxy(url) as proxy:
                proxy.info()
            return True
        except (OSError, xmlrpc.client.Error):
            time.sleep(0.5)
    return False


def _group_members() -> list[int]:
    """Other processes of our process group (unoserver and the LibreOffice it started)."""
    me, group = os.getpid(), os.getpgrp()
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != me:
            try:
                if os.getpgid(int(entry.name)) == group:
                    members.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return members


def _end_group(sig) -> None:
    for pid in _group_members():
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def serve(port: int, *, restart_after: int, profile_dir: Path | None = None, python: str | None = None) -> None:
    """Run unoserver forever, restarting it (and its LibreOffice) after ``restart_after``
    conversions or when it dies. The supervisor leads its own process group, so a kill of the
    group (tests, run.sh) takes unoserver and LibreOffice along; SIGTERM/SIGINT end it cleanly."""
    import signal

    if os.getpgrp() != os.getpid():
        os.setpgrp()  # our own group: unoserver and soffice inherit it
    python = python or os.environ.get("OSV_UNO_PYTHON") or sys.executable
    stopping = 0.0  # when a stop was asked for
    child: subprocess.Popen | None = None

    def stop(signum, frame):
        nonlocal stopping
        stopping = stopping or time.monotonic()
        if child and child.poll() is None:
            child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with tempfile.TemporaryDirectory(prefix="osv-unoserver-") as tmp:
        profile = profile_dir or Path(tmp) / "profile"
        while not stopping:
            command = _unoserver_command(port, free_port(), restart_after, profile, python)
            logger.info("Spouštím převodník: unoserver na portu %s", port)
            child = subprocess.Popen(command)
            while child.poll() is None:
                try:
                    child.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    if stopping and time.monotonic() - stopping > 10:
                        child.kill()  # unoserver waits for a hung LibreOffice forever
            # a LibreOffice left behind by a crashed unoserver must not block the next one
            _end_group(signal.SIGTERM)
            time.sleep(1)
            _end_group(signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workflows.converter",
                                     description="Převodník DOCX → PDF/A (LibreOffice).")
    sub = parser.add_subparsers(dest="command", required=True)
    serve_cmd = sub.add_parser("serve", help="trvalý převodník (unoserver) s restartem po N převodech")
    serve_cmd.add_argument("--port", type=int, default=int(os.environ.get("OSV_CONVERTER_PORT", "2003")))
    serve_cmd.add_argument("--restart-after", type=int,
                           default=int(os.environ.get("OSV_CONVERTER_RESTART_AFTER", "200")))
    convert_cmd = sub.add_parser("convert", help="převede jeden DOCX do PDF/A (bez unoserveru)")
    convert_cmd.add_argument("source")
    convert_cmd.add_argument("target")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    if args.command == "serve":
        if soffice_binary() is None:
            print(f"LibreOffice není nainstalován: {APT_HINT}", file=sys.stderr)
            return 2
        serve(args.port, restart_after=args.restart_after)
        return 0
    Path(args.target).write_bytes(to_pdf(Path(args.source).read_bytes()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
