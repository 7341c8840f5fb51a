"""Service-type and target-group catalogues, and their mapping of names found in plans."""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .model import NOTE, WARNING, Problem
from .text import find_phrases, normalize, phrase_pattern

#: Shared catalogues of both agendas (identical copies of ``shared/design/data``).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "workflows" / "data"


@dataclass(frozen=True)
class ServiceType:
    paragraph: str
    name: str
    category: str


@dataclass(frozen=True)
class TargetGroup:
    code: str
    name: str
    aliases: tuple[str, ...]


# Extra surface forms of service names seen in real plans (beyond the catalogue's names);
# used both for exact/fuzzy matching of card values and for spotting names in prose.
SERVICE_NAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "37": ("odborné sociální poradenství",),
    "52": ("sociální služby poskytované ve zdravotnických zařízeních ústavní péče",),
    "62": ("nízkoprahová centra pro děti a mládež",),
}

# Extra target-group phrases for prose (format 2); catalogue names and aliases are used too.
TARGET_GROUP_PROSE_VARIANTS: dict[str, tuple[str, ...]] = {
    "OZP": ("zdravotně postižené", "osoby s postižením", "osoby se zdravotním (mentálním) postižením"),
    "DUS": ("duševní onemocnění", "duševně nemocné", "chronicky duševně nemocné"),
    "ZAV": (
        "závislé na návykových látkách",
        "závislosti na návykových látkách",
        "drogově závislé osoby",
        "alkoholově závislé osoby",
    ),
    "OSV": ("osoby sociálně vyloučené", "sociálně vyloučené osoby"),
    "RD": ("matky s dětmi", "otce s dětmi", "matky/otce s dětmi"),
}

# Paragraphs of the law that are not service types (structure, duties of regions and towns …).
LAW_NOTE = "zákona č. 108/2006 Sb."


@dataclass
class Catalogue:
    services: list[ServiceType]
    target_groups: list[TargetGroup]

    # derived look-ups, built in __post_init__
    def __post_init__(self) -> None:
        self.service_by_paragraph = {s.paragraph: s for s in self.services}
        self._service_order = {s.paragraph: i for i, s in enumerate(self.services)}
        self.group_by_code = {g.code: g for g in self.target_groups}
        self._group_order = {g.code: i for i, g in enumerate(self.target_groups)}

        # normalised name → paragraph
        self.service_names: dict[str, str] = {}
        for s in self.services:
            self.service_names[normalize(s.name)] = s.paragraph
            for variant in SERVICE_NAME_VARIANTS.get(s.paragraph, ()):
                self.service_names.setdefault(normalize(variant), s.paragraph)
        # prose patterns, longest phrase first (so "telefonická krizová pomoc" wins over
        # "krizová pomoc")
        phrases = sorted(
            ((name, par) for name, par in self.service_names.items()),
            key=lambda np: (-len(np[0].split()), -len(np[0])),
        )
        self.service_patterns = [(re.compile(phrase_pattern(n)), p) for n, p in phrases]

        # normalised name/alias → code
        self.group_names: dict[str, str] = {}
        for g in self.target_groups:
            self.group_names[normalize(g.name)] = g.code
            for alias in g.aliases:
                self.group_names.setdefault(normalize(alias), g.code)
        prose: list[tuple[str, str]] = [
            (n, c) for n, c in self.group_names.items() if c not in ("ALL", "NR")
        ]
        for code, variants in TARGET_GROUP_PROSE_VARIANTS.items():
            if code in self.group_by_code:
                prose.extend((normalize(v), code) for v in variants)
        prose.sort(key=lambda nc: (-len(nc[0].split()), -len(nc[0])))
        self.group_patterns = [(re.compile(phrase_pattern(n)), c) for n, c in prose]

    def sort_paragraphs(self, paragraphs) -> list[str]:
        return sorted(set(paragraphs), key=lambda p: (self._service_order.get(p, 999), p))

    def sort_groups(self, codes) -> list[str]:
        return sorted(set(codes), key=lambda c: (self._group_order.get(c, 999), c))


def load_catalogue(data_dir: str | Path | None = None) -> Catalogue:
    """Read ``service-types.csv`` and ``target-groups.csv`` (default: ``workflows/data``)."""
    base = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    services: list[ServiceType] = []
    with open(base / "service-types.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            services.append(
                ServiceType(row["paragraph"].strip(), row["name"].strip(), row["category"].strip())
            )
    groups: list[TargetGroup] = []
    with open(base / "target-groups.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            groups.append(TargetGroup(row["code"].strip(), row["name"].strip(), aliases))
    return Catalogue(services, groups)


_CATALOGUE_CACHE: dict[Path, Catalogue] = {}


def default_catalogue(data_dir: str | Path | None) -> Catalogue:
    key = Path(data_dir).resolve() if data_dir is not None else DEFAULT_DATA_DIR
    if key not in _CATALOGUE_CACHE:
        _CATALOGUE_CACHE[key] = load_catalogue(key)
    return _CATALOGUE_CACHE[key]


# --------------------------------------------------------------------------- shared mapping


class Mapper:
    """Service-type and target-group mapping shared by both formats."""

    SERVICE_FUZZY_CUTOFF = 0.82
    GROUP_FUZZY_CUTOFF = 0.8

    def __init__(self, catalogue: Catalogue, problems: list[Problem]):
        self.cat = catalogue
        self.problems = problems

    def problem(self, line_no, number, message, severity=WARNING) -> None:
        self.problems.append(Problem(line_no, number, message, severity))

    # -- services ------------------------------------------------------------------
    def service_by_name(self, raw_name: str) -> tuple[str | None, str]:
        """Return (paragraph, how) for a service name; how ∈ exact|stem|fuzzy|''."""
        norm = normalize(raw_name)
        if not norm:
            return None, ""
        if norm in self.cat.service_names:
            return self.cat.service_names[norm], "exact"
        for pattern, par in self.cat.service_patterns:
            m = pattern.fullmatch(norm)
            if m:
                return par, "stem"
        close = difflib.get_close_matches(
            norm, list(self.cat.service_names), n=1, cutoff=self.SERVICE_FUZZY_CUTOFF
        )
        if close:
            return self.cat.service_names[close[0]], "fuzzy"
        return None, ""

    def other_paragraph_note(self, line_no, number, paragraph, label: str = "") -> None:
        what = f" ({label})" if label else ""
        self.problem(
            line_no,
            number,
            f"Odkaz na § {paragraph}{what} {LAW_NOTE} nepředstavuje druh sociální služby "
            f"(§ 37–70) – zaznamenáno, nepřevedeno.",
            NOTE,
        )

    def services_in_prose(self, text: str) -> tuple[list[str], list[tuple[str, int, int]], str]:
        norm = normalize(text)
        spans = find_phrases(norm, self.cat.service_patterns)
        return [key for key, _s, _e in spans], spans, norm

    # -- target groups ---------------------------------------------------------------
    def group_by_phrase(self, raw: str) -> tuple[str | None, str]:
        value = raw.strip()
        if not value:
            return None, ""
        upper = value.upper()
        if upper in self.cat.group_by_code and (value.isupper() or len(value) <= 3):
            return upper, "code"
        norm = normalize(value)
        norm = re.sub(r"^(vcetne|zejmena|predevsim|a|i)\s+", "", norm)
        if norm in self.cat.group_names:
            return self.cat.group_names[norm], "exact"
        close = difflib.get_close_matches(
            norm, list(self.cat.group_names), n=1, cutoff=self.GROUP_FUZZY_CUTOFF
        )
        if close:
            return self.cat.group_names[close[0]], "fuzzy"
        return None, ""

    def groups_in_prose(self, norm_text: str) -> list[str]:
        spans = find_phrases(norm_text, self.cat.group_patterns)
        return [key for key, _s, _e in spans]
