"""Reading the national registry's JSON file: a stream of records, each validated against the
(reconstructed) schema, with Czech messages. Nothing here touches the database.

The file is over 30 MB; ``records()`` walks it with ijson's event parser and builds one
record at a time, so memory stays bounded by the largest record, not by the file.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Callable, Iterator

import ijson
from jsonschema import Draft202012Validator, FormatChecker

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
def record_validator() -> Draft202012Validator:
    """A validator of one item of ``polozky`` (``$defs/sluzba``)."""
    full = schema()
    return Draft202012Validator({"$ref": "#/$defs/sluzba", "$defs": full["$defs"]}, format_checker=FormatChecker())


@lru_cache(maxsize=1)
def file_validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=FormatChecker())


def _where(path) -> str:
    parts = [f"[{p + 1}]" if isinstance(p, int) else (("." if i else "") + str(p)) for i, p in enumerate(path)]
    return "".join(parts) or "záznam"


def czech_error(error) -> str:
    """One jsonschema error in Czech (the user never sees the library's English)."""
    where = _where(error.absolute_path)
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{where}: chybí povinná položka „{missing}“"
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else " nebo ".join(error.validator_value)
        names = {"string": "text", "integer": "celé číslo", "object": "objekt", "array": "seznam", "null": "prázdná hodnota"}
        wanted = " nebo ".join(names.get(w, w) for w in wanted.split(" nebo "))
        return f"{where}: má být {wanted}, je {json.dumps(error.instance, ensure_ascii=False)[:60]}"
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{where}: hodnota {json.dumps(error.instance, ensure_ascii=False)[:60]} není povolená (povoleno: {allowed})"
    if kind == "pattern":
        return f"{where}: hodnota „{error.instance}“ nemá předepsaný tvar"
    if kind == "format":
        return f"{where}: „{error.instance}“ není platné datum (RRRR-MM-DD)"
    if kind == "minimum":
        return f"{where}: hodnota {error.instance} je menší než {error.validator_value}"
    if kind in ("minItems", "minLength"):
        return f"{where}: nesmí být prázdné"
    return f"{where}: neplatná hodnota"


def record_errors(record) -> list[str]:
    errors = sorted(record_validator().iter_errors(record), key=lambda e: list(e.absolute_path))
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
    extra: dict = field(default_factory=dict)


def records(raw: IO[bytes], meta: FileMeta, progress: Callable[[int], None] | None = None) -> Iterator[dict]:
    """Yield each item of ``polozky`` as a dict, one at a time; fill ``meta`` on the way."""
    reader = CountingReader(raw, progress)
    builder = None
    try:
        for prefix, event, value in ijson.parse(reader, use_float=True):
            if prefix == "polozky.item":
                if event == "start_map":
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                    continue
                if event == "end_map" and builder is not None:
                    builder.event(event, value)
                    yield builder.value
                    builder = None
                    continue
                if builder is None:  # a scalar where a record belongs
                    yield value
                    continue
            if builder is not None:
                builder.event(event, value)
            elif prefix == "polozky" and event == "start_array":
                meta.saw_items = True
            elif prefix == "datumAktualizace" and event == "string":
                try:
                    meta.updated_on = datetime.date.fromisoformat(value)
                except ValueError:
                    pass
    except ijson.JSONError as exc:
        raise FileFormatError(f"Soubor není platný JSON: {exc}") from exc
    except ijson.IncompleteJSONError as exc:  # pragma: no cover - subclass of JSONError in some backends
        raise FileFormatError(f"Soubor je neúplný: {exc}") from exc
    if not meta.saw_items:
        raise FileFormatError("Soubor nemá kořenový klíč „polozky“ se seznamem služeb.")


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
