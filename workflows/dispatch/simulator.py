"""An ISDS simulator: a separate HTTP process speaking the ISDS SOAP contract.

    python -m workflows.dispatch.simulator --port 0 --store var/isds-sim.sqlite3 \
        --username osv --password heslo --sender-box ovm1234 [--port-file F] [--wsdl-dir DIR]

* /DS/dz, /DS/dx, /DS/df: SOAP 1.1 (CreateMessage, GetListOfSentMessages, GetMessageStateChanges,
  GetDeliveryInfo, CheckDataBox). Every request body is validated against the XSD (ours, or
  the official files from ``--wsdl-dir``); one that fails is refused with a SOAP Fault and HTTP
  500 and changes nothing. HTTP Basic login as in ISDS.
* its own store (SQLite file): data boxes, messages, state events — never our database.
* its own clock with control endpoints (JSON), so a test drives time in the simulator only:
  ``POST /sim/clock {"set": ISO}`` or ``{"advance_days": 10}`` (messages left unread 10 days
  are delivered by fiction), ``POST /sim/login {"dbID": …}`` (the addressee logs in now),
  ``POST /sim/boxes {"dbID", "state", "name"}``, ``POST /sim/disable {"dbID"}`` (box made
  inaccessible: its undelivered messages become undeliverable), ``POST /sim/fail
  {"drop_create_responses": n, "slow_create_responses": n, "slow_seconds": s, "unavailable": n}``
  (fault injection: lost or late answers after the message was stored, HTTP 503), ``GET /sim/messages``,
  ``GET /sim/state``.
No Django here: it is the outside world.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sqlite3
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lxml import etree

NS = "http://isds.czechpoint.cz/v20"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
WSDL_DIR = Path(__file__).resolve().parent / "isds_wsdl"
FICTION_DAYS = 10
SCHEMA_OF_ENDPOINT = {"/DS/dz": "dmBaseTypes.xsd", "/DS/dx": "dmBaseTypes.xsd", "/DS/df": "dbTypes.xsd"}
OPERATIONS_OF_ENDPOINT = {
    "/DS/dz": {"CreateMessage"},
    "/DS/dx": {"GetDeliveryInfo", "GetListOfSentMessages", "GetMessageStateChanges"},
    "/DS/df": {"CheckDataBox"},
}


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Store:
    """The simulator's own database (one SQLite file, one lock)."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.lock = threading.RLock()
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS clock (id INTEGER PRIMARY KEY CHECK (id = 1), offset_seconds REAL NOT NULL);
            INSERT OR IGNORE INTO clock VALUES (1, 0);
            CREATE TABLE IF NOT EXISTS boxes (id TEXT PRIMARY KEY, state INTEGER NOT NULL, name TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS messages (
                id TEXT PRIMARY KEY, recipient TEXT NOT NULL, annotation TEXT, ref_number TEXT, file_mark TEXT,
                status INTEGER NOT NULL, created_at TEXT NOT NULL, delivered_at TEXT, accepted_at TEXT,
                files TEXT NOT NULL, sha256 TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS events (message_id TEXT NOT NULL, status INTEGER NOT NULL, at TEXT NOT NULL,
                descr TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS faults (name TEXT PRIMARY KEY, remaining INTEGER NOT NULL);
        """)

    # clock
    def now(self) -> datetime:
        offset = self.db.execute("SELECT offset_seconds FROM clock").fetchone()[0]
        return datetime.now(timezone.utc) + timedelta(seconds=offset)

    def set_now(self, moment: datetime) -> None:
        offset = (moment - datetime.now(timezone.utc)).total_seconds()
        self.db.execute("UPDATE clock SET offset_seconds = ?", (offset,))
        self.apply_fiction()

    def apply_fiction(self) -> None:
        """Messages delivered to a box and not accepted within 10 days: delivered by fiction."""
        now = self.now()
        for row in self.db.execute("SELECT id, delivered_at FROM messages WHERE status = 4").fetchall():
            fiction_at = parse_time(row["delivered_at"]) + timedelta(days=FICTION_DAYS)
            if fiction_at <= now:
                self.set_status(row["id"], 5, fiction_at, "EV4: zpráva byla doručena fikcí (uplynutím doby)",
                                accepted=fiction_at)

    def set_status(self, message_id: str, status: int, at: datetime, descr: str, *, accepted=None, delivered=None):
        fields, values = ["status = ?"], [status]
        if accepted is not None:
            fields.append("accepted_at = ?")
            values.append(iso(accepted))
        if delivered is not None:
            fields.append("delivered_at = ?")
            values.append(iso(delivered))
        self.db.execute(f"UPDATE messages SET {', '.join(fields)} WHERE id = ?", (*values, message_id))
        self.db.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (message_id, status, iso(at), descr))

    def take_fault(self, name: str) -> bool:
        row = self.db.execute("SELECT remaining FROM faults WHERE name = ?", (name,)).fetchone()
        if row and row[0] > 0:
            self.db.execute("UPDATE faults SET remaining = remaining - 1 WHERE name = ?", (name,))
            return True
        return False


class Simulator:
    def __init__(self, store: Store, *, username: str, password: str, sender_box: str, sender_name: str,
                 wsdl_dir: Path, any_box: bool = False):
        self.store = store
        self.credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.sender_box = sender_box
        self.sender_name = sender_name
        self.slow_seconds = 30.0
        self.any_box = any_box
        self.schemas = {name: etree.XMLSchema(etree.parse(str(wsdl_dir / name))) for name in set(SCHEMA_OF_ENDPOINT.values())}

    # ---------------------------------------------------------------- SOAP

    def handle_soap(self, endpoint: str, body: bytes) -> tuple[int, bytes]:
        try:
            envelope = etree.fromstring(body, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            return self.fault("Client", f"Požadavek není XML: {exc}")
        soap_body = envelope.find(f"{{{SOAP}}}Body")
        if envelope.tag != f"{{{SOAP}}}Envelope" or soap_body is None or len(soap_body) != 1:
            return self.fault("Client", "Požadavek není obálka SOAP 1.1 s jedním prvkem v Body.")
        request = soap_body[0]
        operation = etree.QName(request).localname
        if etree.QName(request).namespace != NS or operation not in OPERATIONS_OF_ENDPOINT[endpoint]:
            return self.fault("Client", f"Neznámá operace {etree.QName(request).text} na {endpoint}.")
        schema = self.schemas[SCHEMA_OF_ENDPOINT[endpoint]]
        if not schema.validate(etree.ElementTree(request)):
            errors = "; ".join(f"{e.line}: {e.message}" for e in schema.error_log)[:800]
            return self.fault("Client", f"Požadavek neodpovídá XSD: {errors}")
        if self.store.take_fault("unavailable"):
            return 503, b"Service Unavailable"
        with self.store.lock:
            self.store.db.execute("BEGIN IMMEDIATE")
            try:
                self.store.apply_fiction()
                response = getattr(self, f"op_{operation}")(request)
                drop = operation == "CreateMessage" and self.store.take_fault("drop_create_responses")
                slow = operation == "CreateMessage" and self.store.take_fault("slow_create_responses")
                self.store.db.execute("COMMIT")
            except Exception:
                self.store.db.execute("ROLLBACK")
                raise
        if slow:  # stored, the answer comes late: a test kills the client meanwhile
            import time

            time.sleep(self.slow_seconds)
        if drop:  # stored, but the answer is "lost": the client must not send it twice
            return 502, b"Bad Gateway (simulated lost response)"
        if not schema.validate(etree.ElementTree(response)):  # our own answers obey the contract too
            errors = "; ".join(e.message for e in schema.error_log)[:800]
            return self.fault("Server", f"Simulátor vytvořil neplatnou odpověď: {errors}")
        return 200, self.wrap(response)

    @staticmethod
    def wrap(element) -> bytes:
        envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"SOAP-ENV": SOAP, "p": NS})
        etree.SubElement(envelope, f"{{{SOAP}}}Body").append(element)
        return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")

    @staticmethod
    def fault(code: str, message: str) -> tuple[int, bytes]:
        envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"SOAP-ENV": SOAP})
        fault = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP}}}Body"), f"{{{SOAP}}}Fault")
        etree.SubElement(fault, "faultcode").text = f"SOAP-ENV:{code}"
        etree.SubElement(fault, "faultstring").text = message
        return 500, etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")

    @staticmethod
    def text(request, tag: str) -> str | None:
        node = request.find(q(tag))
        if node is None or node.get(f"{{{XSI}}}nil") in ("true", "1"):
            return None
        return node.text or ""

    @staticmethod
    def el(parent, tag: str, value=None, nil: bool = False):
        node = etree.SubElement(parent, q(tag))
        if nil or value is None:
            if nil:
                node.set(f"{{{XSI}}}nil", "true")
        else:
            node.text = str(value)
        return node

    def status(self, parent, code: str = "0000", message: str = "Provedeno úspěšně.", prefix: str = "dm"):
        node = etree.SubElement(parent, q(f"{prefix}Status"))
        self.el(node, f"{prefix}StatusCode", code)
        self.el(node, f"{prefix}StatusMessage", message)
        return node

    def envelope_fields(self, parent, row) -> None:
        """gMessageEnvelope in the official order."""
        box = self.store.db.execute("SELECT name FROM boxes WHERE id = ?", (row["recipient"],)).fetchone()
        self.el(parent, "dmID", row["id"])
        self.el(parent, "dbIDSender", self.sender_box)
        self.el(parent, "dmSender", self.sender_name[:100])
        self.el(parent, "dmSenderAddress", nil=True)
        self.el(parent, "dmSenderType", 10)
        self.el(parent, "dmRecipient", (box["name"] if box else "")[:100])
        self.el(parent, "dmRecipientAddress", nil=True)
        for tag in ("dmSenderOrgUnit", "dmSenderOrgUnitNum"):
            self.el(parent, tag, nil=True)
        self.el(parent, "dbIDRecipient", row["recipient"])
        for tag in ("dmRecipientOrgUnit", "dmRecipientOrgUnitNum", "dmToHands"):
            self.el(parent, tag, nil=True)
        self.el(parent, "dmAnnotation", row["annotation"], nil=row["annotation"] is None)
        self.el(parent, "dmRecipientRefNumber", nil=True)
        self.el(parent, "dmSenderRefNumber", row["ref_number"], nil=row["ref_number"] is None)
        self.el(parent, "dmRecipientIdent", nil=True)
        self.el(parent, "dmSenderIdent", row["file_mark"], nil=row["file_mark"] is None)
        for tag in ("dmLegalTitleLaw", "dmLegalTitleYear", "dmLegalTitleSect", "dmLegalTitlePar", "dmLegalTitlePoint",
                    "dmPersonalDelivery", "dmAllowSubstDelivery"):
            self.el(parent, tag, nil=True)

    # ---------------------------------------------------------------- operations

    def _known_box(self, box_id: str):
        box = self.store.db.execute("SELECT state, name FROM boxes WHERE id = ?", (box_id,)).fetchone()
        if box is None and self.any_box:  # demo mode: every well-formed box exists and is accessible
            self.store.db.execute("INSERT INTO boxes VALUES (?, 1, '')", (box_id,))
            box = self.store.db.execute("SELECT state, name FROM boxes WHERE id = ?", (box_id,)).fetchone()
        return box

    def op_CheckDataBox(self, request):
        box = self._known_box(self.text(request, "dbID"))
        response = etree.Element(q("CheckDataBoxResponse"), nsmap={"p": NS})
        if box is None:
            self.status(response, "0002", "Schránka neexistuje.", prefix="db")  # code not confirmed (docs/dispatch.md)
            return response
        self.el(response, "dbState", box["state"])
        self.status(response, prefix="db")
        return response

    def op_CreateMessage(self, request):
        envelope = request.find(q("dmEnvelope"))
        recipient = self.text(envelope, "dbIDRecipient")
        response = etree.Element(q("CreateMessageResponse"), nsmap={"p": NS})
        box = self._known_box(recipient)
        if box is None or box["state"] != 1:
            self.status(response, "1219", "Adresát nemá přístupnou datovou schránku.")  # code not confirmed
            return response
        files = []
        for node in request.find(q("dmFiles")).findall(q("dmFile")):
            content = base64.b64decode(node.findtext(q("dmEncodedContent")) or "")
            files.append({"name": node.get("dmFileDescr"), "mime": node.get("dmMimeType"),
                          "meta": node.get("dmFileMetaType"), "sha256": hashlib.sha256(content).hexdigest(),
                          "size": len(content), "content": base64.b64encode(content).decode()})
        if not files or files[0]["meta"] != "main":
            self.status(response, "1214", "První písemnost zprávy musí být typu main.")  # code not confirmed
            return response
        number = self.store.db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] + 1
        message_id = str(10_000_000 + number)
        now = self.store.now()
        self.store.db.execute(
            "INSERT INTO messages VALUES (?, ?, ?, ?, ?, 1, ?, NULL, NULL, ?, ?)",
            (message_id, recipient, self.text(envelope, "dmAnnotation"), self.text(envelope, "dmSenderRefNumber"),
             self.text(envelope, "dmSenderIdent"), iso(now), json.dumps(files),
             hashlib.sha256(json.dumps([f["sha256"] for f in files]).encode()).hexdigest()))
        self.store.db.execute("INSERT INTO events VALUES (?, 1, ?, ?)", (message_id, iso(now), "EV0: zpráva byla podána"))
        self.store.set_status(message_id, 4, now, "EV1: zpráva byla dodána do datové schránky", delivered=now)
        self.el(response, "dmID", message_id)
        self.status(response)
        return response

    def _message(self, message_id):
        return self.store.db.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()

    def op_GetDeliveryInfo(self, request):
        row = self._message(self.text(request, "dmID"))
        response = etree.Element(q("GetDeliveryInfoResponse"), nsmap={"p": NS})
        if row is None:
            self.status(response, "1219", "Zpráva neexistuje.")  # code not confirmed
            return response
        delivery = etree.SubElement(response, q("dmDelivery"))
        self.envelope_fields(etree.SubElement(delivery, q("dmDm")), row)
        hash_node = self.el(delivery, "dmHash", base64.b64encode(bytes.fromhex(row["sha256"])).decode())
        hash_node.set("algorithm", "SHA-256")
        self.el(delivery, "dmQTimestamp", base64.b64encode(b"simulated timestamp").decode())
        self.el(delivery, "dmDeliveryTime", row["delivered_at"], nil=row["delivered_at"] is None)
        self.el(delivery, "dmAcceptanceTime", row["accepted_at"], nil=row["accepted_at"] is None)
        self.el(delivery, "dmMessageStatus", row["status"])
        events = etree.SubElement(delivery, q("dmEvents"))
        for event in self.store.db.execute("SELECT * FROM events WHERE message_id = ? AND status > 1 ORDER BY at",
                                           (row["id"],)).fetchall():
            node = etree.SubElement(events, q("dmEvent"))
            self.el(node, "dmEventTime", event["at"])
            self.el(node, "dmEventDescr", event["descr"])
        self.status(response)
        return response

    def op_GetListOfSentMessages(self, request):
        since, until = parse_time(self.text(request, "dmFromTime")), parse_time(self.text(request, "dmToTime"))
        offset = int(self.text(request, "dmOffset") or 1)
        limit = int(self.text(request, "dmLimit") or 1000)
        rows = [r for r in self.store.db.execute("SELECT * FROM messages ORDER BY created_at, id").fetchall()
                if (since is None or parse_time(r["created_at"]) >= since)
                and (until is None or parse_time(r["created_at"]) <= until)]
        response = etree.Element(q("GetListOfSentMessagesResponse"), nsmap={"p": NS})
        records = etree.SubElement(response, q("dmRecords"))
        for ordinal, row in enumerate(rows[offset - 1:offset - 1 + limit], start=offset):
            record = etree.SubElement(records, q("dmRecord"))
            self.el(record, "dmOrdinal", ordinal)
            self.envelope_fields(record, row)
            self.el(record, "dmMessageStatus", row["status"])
            self.el(record, "dmAttachmentSize", sum(f["size"] for f in json.loads(row["files"])) // 1024)
            self.el(record, "dmDeliveryTime", row["delivered_at"], nil=row["delivered_at"] is None)
            self.el(record, "dmAcceptanceTime", row["accepted_at"], nil=row["accepted_at"] is None)
        self.status(response)
        return response

    def op_GetMessageStateChanges(self, request):
        since, until = parse_time(self.text(request, "dmFromTime")), parse_time(self.text(request, "dmToTime"))
        response = etree.Element(q("GetMessageStateChangesResponse"), nsmap={"p": NS})
        records = etree.SubElement(response, q("dmRecords"))
        for event in self.store.db.execute("SELECT * FROM events ORDER BY at").fetchall():
            at = parse_time(event["at"])
            if (since is None or at >= since) and (until is None or at <= until):
                record = etree.SubElement(records, q("dmRecord"))
                self.el(record, "dmID", event["message_id"])
                self.el(record, "dmEventTime", event["at"])
                self.el(record, "dmMessageStatus", event["status"])
        self.status(response)
        return response

    # ---------------------------------------------------------------- clock and control

    def handle_control(self, path: str, data: dict) -> dict:
        store = self.store
        with store.lock:
            if path == "/sim/clock":
                if "set" in data:
                    store.set_now(parse_time(data["set"]))
                if "advance_days" in data:
                    store.set_now(store.now() + timedelta(days=float(data["advance_days"])))
            elif path == "/sim/boxes":
                store.db.execute("INSERT OR REPLACE INTO boxes VALUES (?, ?, ?)",
                                 (data["dbID"], int(data.get("state", 1)), data.get("name", "")))
            elif path == "/sim/login":
                now = store.now()
                store.apply_fiction()
                for row in store.db.execute("SELECT id FROM messages WHERE recipient = ? AND status = 4",
                                            (data["dbID"],)).fetchall():
                    store.set_status(row["id"], 6, now, "EV2: zpráva byla doručena přihlášením", accepted=now)
            elif path == "/sim/disable":
                store.db.execute("UPDATE boxes SET state = 2 WHERE id = ?", (data["dbID"],))
                now = store.now()
                for row in store.db.execute("SELECT id FROM messages WHERE recipient = ? AND status IN (1, 2, 4)",
                                            (data["dbID"],)).fetchall():
                    store.set_status(row["id"], 8, now, "EV11: zpráva je nedoručitelná (schránka znepřístupněna)")
            elif path == "/sim/fail":
                self.slow_seconds = float(data.get("slow_seconds", self.slow_seconds))
                for name in ("drop_create_responses", "slow_create_responses", "unavailable"):
                    if name in data:
                        store.db.execute("INSERT OR REPLACE INTO faults VALUES (?, ?)", (name, int(data[name])))
            elif path == "/sim/reset":
                store.db.executescript("DELETE FROM messages; DELETE FROM events; DELETE FROM boxes; "
                                       "DELETE FROM faults; UPDATE clock SET offset_seconds = 0;")
            elif path != "/sim/state":
                raise KeyError(path)
        return self.state()

    def state(self) -> dict:
        return {"now": iso(self.store.now())}

    def messages(self) -> list[dict]:
        rows = self.store.db.execute("SELECT * FROM messages ORDER BY id").fetchall()
        out = []
        for row in rows:
            files = json.loads(row["files"])
            out.append({**{k: row[k] for k in row.keys() if k != "files"},
                        "files": [{k: f[k] for k in ("name", "mime", "meta", "sha256", "size")} for f in files]})
        return out

    def message_file(self, message_id: str, index: int) -> bytes:
        row = self._message(message_id)
        return base64.b64decode(json.loads(row["files"])[index]["content"])


def make_handler(sim: Simulator):
    class Handler(BaseHTTPRequestHandler):
        server_version = "ISDS-simulator/1"

        def log_message(self, fmt, *args):  # quiet; the tests read the store instead
            pass

        def _send(self, code: int, body: bytes, content_type: str):
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, code: int, data):
            self._send(code, json.dumps(data, ensure_ascii=False).encode(), "application/json; charset=utf-8")

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self):
            if self.path == "/sim/messages":
                return self._json(200, sim.messages())
            if self.path.startswith("/sim/messages/") and self.path.count("/") == 4:
                _, _, _, message_id, index = self.path.split("/")
                return self._send(200, sim.message_file(message_id, int(index)), "application/octet-stream")
            if self.path == "/sim/state":
                return self._json(200, sim.state())
            return self._json(404, {"error": "not found"})

        def do_POST(self):
            body = self._body()
            if self.path.startswith("/sim/"):
                try:
                    return self._json(200, sim.handle_control(self.path, json.loads(body or b"{}")))
                except KeyError as exc:
                    return self._json(404, {"error": f"unknown {exc}"})
            if self.path not in SCHEMA_OF_ENDPOINT:
                return self._json(404, {"error": "unknown endpoint"})
            if self.headers.get("Authorization") != f"Basic {sim.credentials}":
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="ISDS"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            code, payload = sim.handle_soap(self.path, body)
            return self._send(code, payload, "text/xml; charset=utf-8")

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workflows.dispatch.simulator", description="Simulátor ISDS.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = volný port (zapíše se do --port-file)")
    parser.add_argument("--port-file", type=Path)
    parser.add_argument("--store", required=True)
    parser.add_argument("--username", default="osv")
    parser.add_argument("--password", default="osv-simulator")
    parser.add_argument("--sender-box", default="ovm2kvk")
    parser.add_argument("--sender-name", default="Krajský úřad")
    parser.add_argument("--wsdl-dir", type=Path, default=WSDL_DIR)
    parser.add_argument("--box", action="append", default=[], help="ID[:stav[:název]] schránky adresáta")
    parser.add_argument("--any-box", action="store_true", help="ukázkový provoz: každá schránka existuje a je přístupná")
    args = parser.parse_args(argv)
    store = Store(args.store)
    for spec in args.box:
        box_id, state, name = (spec.split(":", 2) + ["1", ""])[:3]
        store.db.execute("INSERT OR REPLACE INTO boxes VALUES (?, ?, ?)", (box_id, int(state or 1), name))
    sim = Simulator(store, username=args.username, password=args.password, sender_box=args.sender_box,
                    sender_name=args.sender_name, wsdl_dir=args.wsdl_dir, any_box=args.any_box)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(sim))
    port = server.server_address[1]
    if args.port_file:
        args.port_file.write_text(str(port))
    print(f"Simulátor ISDS na http://{args.host}:{port}/DS/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
