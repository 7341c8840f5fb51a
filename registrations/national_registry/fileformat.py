"""Reading the national registry's JSON file: a stream of records, each validated against the
(reconstructed) schema, with Czech messages. Nothing here touches the database.

The file is over 30 MB; ``records()`` streams it with ijson and builds one record at a time,
so memory stays bounded by the largest record, not by the file.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Callable, Iterator

import ijson
import jsonschema_rs

SCHEMA_PATH = Path(__file__).with_name("rpss.schema.json")

# our ServiceForm codes ↔ the national file's names of forms
FORM_NAMES = {"residential": "pobytová", "outpatient": "ambulantní", "field": "terénní"}
FORM_CODES = {name: code for code, name in FORM_NAMES.items()}


class FileFormatError(Exception):
    """The file as a whole cannot be read (not JSON, no ``polozky``); Czech message."""


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def record_validator():
    """A validator of one item of ``polozky`` (``$defs/sluzba``). jsonschema-rs (Rust) checks
    the 20 000+ records of a daily file some 50 times faster than the pure-Python jsonschema."""
    full = schema()
    return jsonschema_rs.Draft202012Validator({"$ref": "#/$defs/sluzba", "$defs": full["$defs"]}, validate_formats=True)


@lru_cache(maxsize=1)
def file_validator():
    return jsonschema_rs.Draft202012Validator(schema(), validate_formats=True)


TYPE_NAMES = {"string": "text", "integer": "celé číslo", "number": "číslo", "object": "objekt", "array": "seznam",
              "null": "prázdná hodnota", "boolean": "ano/ne"}


def _where(path) -> str:
    parts = [f"[{p + 1}]" if isinstance(p, int) else (("." if i else "") + str(p)) for i, p in enumerate(path)]
    return "".join(parts) or "záznam"


def _shown(value) -> str:
    return json.dumps(value, ensure_ascii=False)[:60]


def czech_error(error) -> str:
    """One validation error in Czech (the user never sees the library's English)."""
    where = _where(list(error.instance_path))
    kind = type(error.kind).__name__
    detail = error.kind.as_dict()
    if kind == "Required":
        return f"{where}: chybí povinná položka „{detail.get('property')}“"
    if kind == "Type":
        wanted = " nebo ".join(TYPE_NAMES.get(t, t) for t in detail.get("types", []))
        return f"{where}: má být {wanted}, je {_shown(error.instance)}"
    if kind == "Enum":
        allowed = ", ".join(str(v) for v in detail.get("options", []))
        return f"{where}: hodnota {_shown(error.instance)} není povolená (povoleno: {allowed})"
    if kind == "Pattern":
        return f"{where}: hodnota {_shown(error.instance)} nemá předepsaný tvar"
    if kind == "Format":
        return f"{where}: {_shown(error.instance)} není platné datum (RRRR-MM-DD)"
    if kind == "Minimum":
        return f"{where}: hodnota {error.instance} je menší než {detail.get('limit')}"
    if kind in ("MinItems", "MinLength"):
        return f"{where}: nesmí být prázdné"
    return f"{where}: neplatná hodnota {_shown(error.instance)}"


def record_errors(record) -> list[str]:
    validator = record_validator()
    messages = []
    if not validator.is_valid(record):
        errors = sorted(validator.iter_errors(record), key=lambda e: [str(p) for p in e.instance_path])
        messages = [czech_error(e) for e in errors]
    if not messages and not record.get("identifikator"):
        messages.append("identifikator: služba celostátního registru musí mít identifikátor")
    return messages


class CountingReader:
    """A binary file wrapper that reports how many bytes were read (the progress bar)."""

    def __init__(self, raw: IO[bytes], progress: Callable[[int], None] | None):
        self.raw = raw
        self.progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if self.progress and data:
            self.progress(len(data))
        return data


@dataclass
class FileMeta:
    updated_on: datetime.date | None = None
    saw_items: bool = False


def _header(raw: IO[bytes], meta: FileMeta) -> None:
    """Read up to the start of ``polozky``: the date of the data and that the list is there."""
    for prefix, event, value in ijson.parse(raw):
        if prefix == "polozky" and event == "start_array":
            meta.saw_items = True
            return
        if prefix == "datumAktualizace" and event == "string":
            try:
                meta.updated_on = datetime.date.fromisoformat(value)
            except ValueError:
                pass


def records(raw: IO[bytes], meta: FileMeta, progress: Callable[[int], None] | None = None) -> Iterator[dict]:
    """Yield each item of ``polozky`` as a dict, one at a time (ijson's C parser builds one
    record at a time); fill ``meta`` from the part of the file before the list. ``raw`` must
    be seekable (a local file, or the download's temporary file)."""
    try:
        _header(raw, meta)
        if not meta.saw_items:
            raise FileFormatError("Soubor nemá kořenový klíč „polozky“ se seznamem služeb.")
        raw.seek(0)
        yield from ijson.items(CountingReader(raw, progress), "polozky.item", use_float=True)
    except ijson.JSONError as exc:
        raise FileFormatError(f"Soubor není platný JSON: {exc}") from exc


# ------------------------------------------------------------------ record → comparable values


def _text_address(adresa: dict | None) -> str:
    if not adresa:
        return ""
    if adresa.get("textovaAdresa"):
        return adresa["textovaAdresa"]
    number = "/".join(str(adresa[k]) for k in ("cisloDomovni", "cisloOrientacni") if adresa.get(k))
    street = " ".join(p for p in [adresa.get("ulice") or adresa.get("castObce") or "", number] if p)
    town = " ".join(p for p in [adresa.get("psc") or "", adresa.get("obec") or ""] if p)
    return ", ".join(p for p in [street, town] if p)


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def comparable(record: dict) -> dict:
    """The fields of one valid record that the reconciliation compares (NationalService)."""
    forms: dict[str, int] = {}
    for item in record.get("formy") or []:
        code = FORM_CODES.get(item.get("forma"))
        if code:
            forms[code] = forms.get(code, 0) + sum(int(k.get("hodnota") or 0) for k in item.get("kapacity") or [])
    druh = record.get("druhSocialniSluzby") or {}
    provider = record.get("poskytovatel") or {}
    return {
        "identifier": record.get("identifikator") or "",
        "provider_ico": provider.get("ico") or "",
        "provider_name": (provider.get("nazev") or "")[:300],
        "service_code": str(druh.get("kod") or "")[:40],
        "service_name": (druh.get("nazev") or "")[:200],
        "service_paragraph": str(druh.get("paragraf") or "")[:8],
        "forms": forms,
        "addresses": [a for a in (_text_address(z.get("adresa")) for z in record.get("zarizeni") or []) if a],
        "target_groups": list(record.get("ciloveSkupiny") or []),
        "provided_from": _date(record.get("datumPoskytovaniOd")),
        "provided_to": _date(record.get("datumPoskytovaniDo")),
        "region": ((record.get("registrujiciUrad") or {}).get("nazev") or ""),
    }
