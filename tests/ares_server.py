"""A local HTTP server that answers like ARES's REST interface from hand-made fixtures
(tests/data/ares/), on a free port. Counts requests so tests can see the cache work."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "ares"
PREFIX = "/ekonomicke-subjekty-v-be/rest/"


class _Handler(BaseHTTPRequestHandler):
    server: "AresServer"

    def log_message(self, *args):  # quiet test output
        pass

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.server.fail_with:
            return self._send(self.server.fail_with, {"kod": "CHYBA_SERVERU", "popis": "Služba je dočasně nedostupná."})
        if not self.path.startswith(PREFIX):
            return self._send(404, {"kod": "NENALEZENO", "popis": "Neznámá adresa."})
        endpoint, _, ico = self.path[len(PREFIX):].partition("/")
        if not ico.isdigit() or len(ico) != 8:
            return self._send(400, {"kod": "CHYBA_VSTUPU", "popis": "Nesprávně zadané IČO.", "subKod": "VSTUP_SPATNY"})
        fixture = DATA / endpoint / f"{ico}.json"
        if not fixture.is_file():
            return self._send(404, {"kod": "NENALEZENO", "popis": f"Ekonomický subjekt s IČO {ico} nebyl nalezen."})
        return self._send(200, json.loads(fixture.read_text(encoding="utf-8")))


class AresServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[str] = []
        self.fail_with = 0  # an HTTP status to answer everything with (an ARES outage)
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{PREFIX.rstrip('/')}"

    def start(self) -> "AresServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
