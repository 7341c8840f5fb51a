"""ISDS (datové schránky) client on zeep: send an act, find it again, follow its delivery.

Operations (names from the ISDS interface documentation, see the comments in isds_wsdl/ and
docs/dispatch.md): CheckDataBox (db_search.wsdl, /DS/df), CreateMessage (dm_operations.wsdl,
/DS/dz), GetListOfSentMessages, GetMessageStateChanges and GetDeliveryInfo (dm_info.wsdl,
/DS/dx). Login by name and password (HTTP Basic), the usual way for an application; endpoints,
credentials and the WSDL folder come from settings, so an office points the client at the
official files and at the public test environment or production.

Errors are split like the converter's: ``IsdsUnavailable`` (network, HTTP 5xx, timeouts) →
the job retries; ``IsdsError`` (ISDS answered with an error status) → shown to the officer.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

WSDL_DIR = Path(__file__).resolve().parent / "isds_wsdl"
NAMESPACE = "http://isds.czechpoint.cz/v20"
OK = "0000"  # dmStatusCode / dbStatusCode of success

# dmMessageStatus (Provozní řád ISDS, WS_manipulace_s_datovymi_zpravami.pdf, "stavy zprávy")
STATUS_SUBMITTED = 1  # podána
STATUS_STAMPED = 2  # dostala časové razítko
STATUS_INFECTED = 3  # neprošla antivirovou kontrolou
STATUS_DELIVERED_TO_BOX = 4  # dodána do datové schránky
STATUS_FICTION = 5  # doručena fikcí (uplynulo 10 dnů od dodání)
STATUS_LOGIN = 6  # doručena přihlášením oprávněné osoby
STATUS_READ = 7  # přečtena
STATUS_UNDELIVERABLE = 8  # nedoručitelná (schránka byla znepřístupněna)
STATUS_ERASED = 9  # obsah smazán
STATUS_VAULT = 10  # v datovém trezoru
BOX_ACCESSIBLE = 1  # dbState: only 1 means an accessible box


class IsdsError(Exception):
    """ISDS refused the request (an error status): do not retry blindly, show it."""

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.code = code


class IsdsUnavailable(IsdsError):
    """ISDS could not be reached or failed (network, HTTP 5xx): retry later."""


@dataclass
class SentMessage:
    message_id: str
    status: int
    ref_number: str = ""
    recipient: str = ""
    delivered_at: datetime | None = None


@dataclass
class DeliveryInfo:
    message_id: str
    status: int
    delivered_at: datetime | None  # dmDeliveryTime: dodáno do schránky
    accepted_at: datetime | None  # dmAcceptanceTime: doručeno (přihlášením nebo fikcí)
    events: list[tuple[datetime | None, str]] = field(default_factory=list)


def _items(array, name: str) -> list:
    """Items of an ISDS array type. Its repeated part is a <sequence maxOccurs="unbounded">
    around one element, which zeep exposes as ``_value_1`` = [{name: item}, …]."""
    if array is None:
        return []
    try:
        values = array[name]
    except (KeyError, AttributeError, TypeError):
        values = None
    if values is not None:
        return list(values) if isinstance(values, list) else [values]
    return [entry[name] for entry in (getattr(array, "_value_1", None) or []) if entry.get(name) is not None]


class IsdsClient:
    def __init__(self, *, base_url: str | None = None, username: str | None = None, password: str | None = None,
                 wsdl_dir: str | Path | None = None, timeout: float | None = None):
        self.base_url = (base_url or settings.OSV_ISDS_URL).rstrip("/")
        self.username = username if username is not None else settings.OSV_ISDS_USERNAME
        self.password = password if password is not None else settings.OSV_ISDS_PASSWORD
        self.wsdl_dir = Path(wsdl_dir or settings.OSV_ISDS_WSDL_DIR or WSDL_DIR)
        self.timeout = timeout or settings.OSV_ISDS_TIMEOUT
        self._services: dict[str, object] = {}

    # ---------------------------------------------------------------- plumbing

    def _service(self, wsdl: str, endpoint: str, binding: str):
        key = wsdl
        if key not in self._services:
            import requests
            from zeep import Client, Settings
            from zeep.transports import Transport

            session = requests.Session()
            session.auth = (self.username, self.password)
            client_cert = settings.OSV_ISDS_CLIENT_CERT
            if client_cert:  # login by a system certificate: "cert.pem,key.pem"
                session.cert = tuple(client_cert.split(",")) if "," in client_cert else client_cert
            transport = Transport(session=session, timeout=self.timeout, operation_timeout=self.timeout)
            client = Client(str(self.wsdl_dir / wsdl), transport=transport,
                            settings=Settings(strict=True, xml_huge_tree=True))
            self._services[key] = client.create_service(f"{{{NAMESPACE}}}{binding}", f"{self.base_url}/{endpoint}")
        return self._services[key]

    def _call(self, wsdl: str, endpoint: str, binding: str, operation: str, **kwargs):
        import requests
        from zeep.exceptions import Fault, TransportError, XMLSyntaxError

        service = self._service(wsdl, endpoint, binding)
        try:
            return getattr(service, operation)(**kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise IsdsUnavailable(f"ISDS není dostupné ({operation}): {exc}") from exc
        except TransportError as exc:
            if exc.status_code in (401, 403):
                raise IsdsError(f"ISDS odmítlo přihlášení (HTTP {exc.status_code}); zkontrolujte přístupové údaje.",
                                str(exc.status_code)) from exc
            raise IsdsUnavailable(f"ISDS odpovědělo chybou HTTP {exc.status_code} ({operation}).") from exc
        except Fault as exc:
            if str(exc.code or "").lower().endswith("server"):
                raise IsdsUnavailable(f"ISDS selhalo ({operation}): {exc.message}") from exc
            raise IsdsError(f"ISDS odmítlo požadavek {operation}: {exc.message}") from exc
        except XMLSyntaxError as exc:
            raise IsdsUnavailable(f"ISDS vrátilo nečitelnou odpověď ({operation}).") from exc

    @staticmethod
    def _check(status, operation: str, prefix: str = "dm") -> None:
        code = getattr(status, f"{prefix}StatusCode", None)
        if code != OK:
            message = getattr(status, f"{prefix}StatusMessage", "") or ""
            raise IsdsError(f"ISDS: {operation} skončilo chybou {code}: {message}", code or "")

    # ---------------------------------------------------------------- operations

    def check_box(self, box_id: str) -> int | None:
        """dbState of the box (1 = accessible), None when ISDS does not know it."""
        result = self._call("db_search.wsdl", "df", "DataBoxSearchBinding", "CheckDataBox", dbID=box_id)
        if result.dbStatus.dbStatusCode != OK:
            logger.info("CheckDataBox %s: %s %s", box_id, result.dbStatus.dbStatusCode, result.dbStatus.dbStatusMessage)
            return None
        return int(result.dbState) if result.dbState is not None else None

    def send(self, *, box_id: str, annotation: str, ref_number: str, file_mark: str, files: list[tuple[str, str, bytes]],
             to_hands: str | None = None, personal_delivery: bool = False, legal_title: tuple | None = None) -> str:
        """CreateMessage with ``files`` [(name, mime, bytes)], the first being the act ("main"); returns dmID."""
        law, year, sect, par, point = legal_title or (None, None, None, None, None)
        envelope = {
            "dmSenderOrgUnit": None, "dmSenderOrgUnitNum": None, "dbIDRecipient": box_id,
            "dmRecipientOrgUnit": None, "dmRecipientOrgUnitNum": None, "dmToHands": to_hands,
            "dmAnnotation": annotation[:255], "dmRecipientRefNumber": None,
            "dmSenderRefNumber": (ref_number or None) and ref_number[:50], "dmRecipientIdent": None,
            "dmSenderIdent": (file_mark or None) and file_mark[:50],
            "dmLegalTitleLaw": law, "dmLegalTitleYear": year, "dmLegalTitleSect": sect, "dmLegalTitlePar": par,
            "dmLegalTitlePoint": point, "dmPersonalDelivery": personal_delivery, "dmAllowSubstDelivery": True,
            "dmOVM": True,
        }
        dm_files = {"dmFile": [
            {"dmMimeType": mime, "dmFileMetaType": "main" if i == 0 else "enclosure", "dmFileDescr": name,
             "dmEncodedContent": content}
            for i, (name, mime, content) in enumerate(files)
        ]}
        result = self._call("dm_operations.wsdl", "dz", "dmOperationsBinding", "CreateMessage",
                            dmEnvelope=envelope, dmFiles=dm_files)
        self._check(result.dmStatus, "CreateMessage")
        return str(result.dmID)

    def find_sent(self, *, since: datetime, ref_number: str, box_id: str) -> SentMessage | None:
        """A message we sent since ``since`` to ``box_id`` with our č. j. (after a lost answer)."""
        offset, page = 1, 100
        while True:
            result = self._call("dm_info.wsdl", "dx", "dmInfoBinding", "GetListOfSentMessages",
                                dmFromTime=since, dmToTime=None, dmSenderOrgUnitNum=None, dmStatusFilter="-1",
                                dmOffset=offset, dmLimit=page)
            self._check(result.dmStatus, "GetListOfSentMessages")
            records = _items(result.dmRecords, "dmRecord")
            for record in records:
                if record.dbIDRecipient == box_id and (record.dmSenderRefNumber or "") == (ref_number or ""):
                    return SentMessage(message_id=str(record.dmID), status=int(record.dmMessageStatus),
                                       ref_number=record.dmSenderRefNumber or "", recipient=record.dbIDRecipient,
                                       delivered_at=record.dmDeliveryTime)
            if len(records) < page:
                return None
            offset += page

    def state_changes(self, *, since: datetime, until: datetime | None = None) -> list[tuple[str, datetime, int]]:
        """(dmID, event time, dmMessageStatus) of every change in the window."""
        result = self._call("dm_info.wsdl", "dx", "dmInfoBinding", "GetMessageStateChanges",
                            dmFromTime=since, dmToTime=until)
        self._check(result.dmStatus, "GetMessageStateChanges")
        records = _items(result.dmRecords, "dmRecord")
        return [(str(r.dmID), r.dmEventTime, int(r.dmMessageStatus)) for r in records]

    def delivery_info(self, message_id: str) -> DeliveryInfo:
        result = self._call("dm_info.wsdl", "dx", "dmInfoBinding", "GetDeliveryInfo", dmID=message_id)
        if result.dmStatus is not None:
            self._check(result.dmStatus, "GetDeliveryInfo")
        delivery = result.dmDelivery
        events = [(e.dmEventTime, e.dmEventDescr or "") for e in _items(delivery.dmEvents, "dmEvent")]
        return DeliveryInfo(message_id=message_id, status=int(delivery.dmMessageStatus),
                            delivered_at=delivery.dmDeliveryTime, accepted_at=delivery.dmAcceptanceTime, events=events)


def encoded(content: bytes) -> str:
    """Base64 the way dmEncodedContent carries it (zeep does it for xs:base64Binary; kept for the simulator)."""
    return base64.b64encode(content).decode("ascii")
