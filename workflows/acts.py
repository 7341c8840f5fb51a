"""The act catalogue: every kind of act the office issues, as data the office's lawyer reviews.

Each agenda ships an ``acts.yaml`` beside its code (the engine finds them through the installed
app configs, naming no agenda). An entry holds the legal basis (with odstavec and písmeno), the
výrok pattern, the poučení, the signer's function, whether and how the act is delivered and the
day its wording is valid from. ``load_acts`` upserts the files into ``ActKind`` (run by
``manage.py load_acts``, after every ``migrate`` and by the demo seed); an amendment of the law is
a new entry with a later ``valid_from``, not a code change. The office may edit an entry in the
admin: the edit is recorded in ``ActKindChange`` and a later reload leaves it alone.

Texts take ``{name}`` placeholders declared at the top of the file (``placeholders:``), filled by
the agenda's document context; no poučení is ever typed in a template or in code.

Beside the acts it issues, a file may list under ``received:`` the acts the office only records
from another authority (e.g. the appellate body's decisions, § 90 and § 92 správního řádu): their
title, legal basis and what recording them does to the case. They are not rendered and not in
``ActKind``; the agenda reads them with :func:`received_acts`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.db import transaction
from django.utils import timezone

FILENAME = "acts.yaml"
REQUIRED = ("code", "valid_from", "title", "form", "legal_basis", "signer_function", "delivery")
RECEIVED_REQUIRED = ("code", "title", "legal_basis", "issued_by", "effect")
TEXT_FIELDS = ("legal_basis", "verdict", "instruction")


class CatalogueError(ValueError):
    """A data file that cannot be loaded (the message is Czech and names the file and entry)."""


@dataclass(frozen=True)
class CatalogueFile:
    agenda: str
    path: Path
    placeholders: dict[str, str]
    entries: list[dict]
    sources: tuple[str, ...] = ()
    received: tuple[dict, ...] = ()


def catalogue_files() -> list[CatalogueFile]:
    """The ``acts.yaml`` of every installed app that has one, parsed and checked."""
    files = []
    for config in apps.get_app_configs():
        path = Path(config.path) / FILENAME
        if path.exists():
            files.append(_parse(config.label, path))
    return files


def _names(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text or "") if name}


def _parse(agenda: str, path: Path) -> CatalogueFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogueError(f"Katalog {path}: soubor není platný YAML ({exc}).") from None
    placeholders = {str(k): str(v) for k, v in (raw.get("placeholders") or {}).items()}
    entries = raw.get("acts") or []
    from .models import ActKind

    seen = set()
    for entry in entries:
        code = entry.get("code", "?")
        missing = [f for f in REQUIRED if entry.get(f) in (None, "")]
        if missing:
            raise CatalogueError(f"Katalog {path}, položka {code}: chybí {', '.join(missing)}.")
        if not isinstance(entry["valid_from"], date):
            raise CatalogueError(f"Katalog {path}, položka {code}: „valid_from“ musí být datum (RRRR-MM-DD).")
        if (code, entry["valid_from"]) in seen:
            raise CatalogueError(f"Katalog {path}: položka {code} platná od {entry['valid_from']} je tam dvakrát.")
        seen.add((code, entry["valid_from"]))
        if entry["form"] not in ActKind.Form.values:
            raise CatalogueError(f"Katalog {path}, položka {code}: neznámá forma {entry['form']!r}.")
        if entry["delivery"] not in ActKind.Delivery.values:
            raise CatalogueError(f"Katalog {path}, položka {code}: neznámý způsob doručení {entry['delivery']!r}.")
        if entry["form"] in (ActKind.Form.DECISION, ActKind.Form.RESOLUTION) and not entry.get("instruction"):
            raise CatalogueError(f"Katalog {path}, položka {code}: rozhodnutí i usnesení musí mít poučení.")
        texts = [entry.get(f, "") for f in TEXT_FIELDS] + list((entry.get("texts") or {}).values())
        unknown = set().union(*(_names(t) for t in texts)) - set(placeholders)
        if unknown:
            raise CatalogueError(f"Katalog {path}, položka {code}: neznámé proměnné {', '.join(sorted(unknown))} "
                                 f"(povolené jsou jen ty z „placeholders“).")
    received = raw.get("received") or []
    for entry in received:
        missing = [f for f in RECEIVED_REQUIRED if not str(entry.get(f) or "").strip()]
        if missing:
            raise CatalogueError(f"Katalog {path}, přijímaný akt {entry.get('code', '?')}: chybí {', '.join(missing)}.")
    return CatalogueFile(agenda=agenda, path=path, placeholders=placeholders, entries=entries,
                         sources=tuple(str(x) for x in raw.get("sources") or ()),
                         received=tuple({k: (" ".join(str(v).split()) if isinstance(v, str) else v)
                                         for k, v in entry.items()} for entry in received))


def received_acts(agenda: str) -> list[dict]:
    """The acts an agenda records from another authority (``received:`` of its acts.yaml), in order."""
    return [dict(entry) for cfile in catalogue_files() if cfile.agenda == agenda for entry in cfile.received]


def _values(entry: dict, agenda: str) -> dict[str, Any]:
    return {
        "agenda": agenda,
        "title": entry["title"].strip(),
        "form": entry["form"],
        "template": entry.get("template") or entry["code"],
        "legal_basis": entry["legal_basis"].strip(),
        "verdict": (entry.get("verdict") or "").strip(),
        "instruction": (entry.get("instruction") or "").strip(),
        "texts": {k: str(v).strip() for k, v in (entry.get("texts") or {}).items()},
        "signer_function": entry["signer_function"].strip(),
        "delivery": entry["delivery"],
        "appealable": bool(entry.get("appealable", False)),
        "appeal_days": entry.get("appeal_days"),
        "suspensive_effect": bool(entry.get("suspensive_effect", False)),
        "seal": bool(entry.get("seal", False)),
        "review_note": (entry.get("review_note") or "").strip(),
    }


@transaction.atomic
def load_acts(actor=None) -> dict[str, Any]:
    """Upsert every catalogue file; the office's edited entries are kept (and listed)."""
    from .models import ActKind, ActKindChange

    report: dict[str, Any] = {"created": 0, "updated": 0, "unchanged": 0, "kept_office": []}
    for cfile in catalogue_files():
        for entry in cfile.entries:
            values = _values(entry, cfile.agenda)
            act = ActKind.objects.filter(code=entry["code"], valid_from=entry["valid_from"]).first()
            if act is None:
                act = ActKind.objects.create(code=entry["code"], valid_from=entry["valid_from"], **values)
                ActKindChange.objects.create(act=act, source=ActKindChange.Source.DATA, after=act.snapshot(),
                                             actor=_user(actor))
                report["created"] += 1
                continue
            before = act.snapshot()
            if act.office_override:
                if any(before[k] != v for k, v in values.items()):
                    report["kept_office"].append(act.code)
                continue
            if all(before[k] == v for k, v in values.items()):
                report["unchanged"] += 1
                continue
            for key, value in values.items():
                setattr(act, key, value)
            act.save()
            ActKindChange.objects.create(act=act, source=ActKindChange.Source.DATA, before=before,
                                         after=act.snapshot(), actor=_user(actor))
            report["updated"] += 1
    return report


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def record_office_change(*, act, before: dict, actor) -> None:
    """An edit in the admin: the entry is the office's from now on, and the edit is history."""
    from .models import ActKindChange

    ActKindChange.objects.create(act=act, source=ActKindChange.Source.OFFICE, before=before, after=act.snapshot(),
                                 actor=_user(actor), at=timezone.now())


def current(code: str, *, on: date | None = None):
    """The entry of ``code`` whose wording applies on ``on`` (today by default)."""
    from .models import ActKind

    on = on or timezone.localdate()
    act = ActKind.objects.filter(code=code, valid_from__lte=on).order_by("-valid_from").first()
    if act is None:
        raise CatalogueError(f"Katalog písemností nemá položku {code!r} platnou ke dni {on:%-d. %-m. %Y} "
                             f"(spusťte „manage.py load_acts“).")
    return act


class _Strict(dict):
    def __init__(self, code, values):
        super().__init__(values)
        self.code = code

    def __missing__(self, key):
        raise CatalogueError(f"Písemnost {self.code}: hodnota „{key}“ pro text z katalogu chybí.")


def act_context(code: str, *, on: date | None = None, **values) -> dict[str, Any]:
    """What a template may place about its act: title, basis, výrok, poučení, signer, seal…"""
    act = current(code, on=on)
    values.setdefault("appeal_days", act.appeal_days)
    fill = _Strict(code, values)

    def fmt(text: str) -> str:
        return text.format_map(fill) if text else ""

    return {
        "code": act.code,
        "title": act.title,
        "form": act.get_form_display(),
        "legal_basis": fmt(act.legal_basis),
        "verdict": fmt(act.verdict),
        "instruction": fmt(act.instruction),
        "texts": {k: fmt(v) for k, v in act.texts.items()},
        "signer_function": act.signer_function,
        "delivery": act.delivery,
        "delivery_label": act.get_delivery_display(),
        "appealable": act.appealable,
        "appeal_days": act.appeal_days,
        "seal": act.seal,
        "valid_from": act.valid_from,
        "template": act.template,
    }


def on_post_migrate(sender, **kwargs):
    """Load the catalogue after ``migrate`` (deploy, a fresh test database, a flush)."""
    from django.db import connections

    from .models import ActKind

    if ActKind._meta.db_table in connections[kwargs.get("using") or "default"].introspection.table_names():
        load_acts()
