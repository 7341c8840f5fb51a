"""Pure parser of regional plan documents (SPRSS activity cards, plans of work).

No Django, no database: text in, dataclasses out.  The importer (management command,
services) turns a :class:`ParsedPlan` into rows; this module only reads.

Two formats are known (see ``shared/design/plan-formats.md``):

* **cards** ("KARTA ROZVOJOVÉ AKTIVITY", ``Číslo aktivity: A01-01``) — one card per activity,
  tab-separated label/value fields, strategic goals ``SC1``… linked many-to-many;
* **workplan** ("Plán práce": ``Priorita N.`` → ``Opatření N.M`` → ``Aktivita N.M.K``) — service
  types and target groups are named in prose; names given at priority (or measure) level are
  inherited by the activities below, marked as inherited.

Everything that is not read is reported as a :class:`Problem` (Czech message) — never skipped
silently.  Public API::

    parse_plan(text, *, catalogue=None, data_dir=None) -> ParsedPlan
    parse_plan_file(path, **kw) -> ParsedPlan
    detect_format(text) -> "cards" | "workplan"      (raises PlanFormatError)
    load_catalogue(data_dir=None) -> Catalogue
    PlanFormatError, ParsedPlan, ParsedItem, Problem, Catalogue, ServiceType, TargetGroup
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT_CARDS",
    "FORMAT_WORKPLAN",
    "Catalogue",
    "ParsedItem",
    "ParsedPlan",
    "PlanFormatError",
    "Problem",
    "ServiceType",
    "TargetGroup",
    "DEFAULT_DATA_DIR",
    "detect_format",
    "load_catalogue",
    "normalize",
    "parse_plan",
    "parse_plan_file",
]

FORMAT_CARDS = "cards"
FORMAT_WORKPLAN = "workplan"

#: Shared catalogues of both agendas (identical copies of ``shared/design/data``).
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "workflows" / "data"

UNKNOWN_FORMAT_MESSAGE = (
    "Soubor není v žádném ze známých formátů plánu (karty rozvojových aktivit, plán práce)."
)

# Problem severities.
ERROR = "error"  # an item (or its key) could not be read
WARNING = "warning"  # a value could not be mapped (unknown service name, target group…)
NOTE = "note"  # read, but worth telling (other § of the law, folded sub-activity…)


class PlanFormatError(ValueError):
    """The text is in none of the known plan formats (message in Czech)."""


# --------------------------------------------------------------------------- output model


@dataclass
class Problem:
    """Something the parser could not read (or wants the importing official to know)."""

    line_no: int | None
    item_number: str | None
    message_cs: str
    severity: str = WARNING


@dataclass
class ParsedItem:
    """One priority / measure / activity / strategic goal of a plan.

    ``service_paragraphs`` are direct mentions (``"39"``, ``"60a"``), ``inherited_paragraphs``
    come from the parent priority/measure (format 2) and weigh less when matching.
    ``all_services`` — the item concerns all service types ("dopad na všechny druhy…");
    ``not_relevant`` — the service-type field says "nerelevantní";
    ``all_target_groups`` / ``target_groups_not_relevant`` likewise for target groups.
    ``raw`` keeps the fields as found in the document (label → text).
    """

    kind: str  # "priority" | "measure" | "activity" | "goal"
    number: str
    name: str
    parent_number: str | None = None
    description: str = ""
    goals: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    service_paragraphs: list[str] = field(default_factory=list)
    inherited_paragraphs: list[str] = field(default_factory=list)
    inherited_target_groups: list[str] = field(default_factory=list)
    all_services: bool = False
    all_target_groups: bool = False
    not_relevant: bool = False
    target_groups_not_relevant: bool = False
    period_text: str = ""
    responsible: str = ""
    financing: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    line_no: int | None = None


@dataclass
class ParsedPlan:
    format: str  # "cards" | "workplan"
    title: str
    region_hint: str
    valid_from_year: int | None
    valid_to_year: int | None
    items: list[ParsedItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def items_of(self, kind: str) -> list[ParsedItem]:
        return [item for item in self.items if item.kind == kind]

    @property
    def activities(self) -> list[ParsedItem]:
        return self.items_of("activity")

    def item(self, number: str, kind: str | None = None) -> ParsedItem:
        for item in self.items:
            if item.number == number and (kind is None or item.kind == kind):
                return item
        raise KeyError(number)

    def counts(self) -> dict[str, int]:
        return dict(Counter(item.kind for item in self.items))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --------------------------------------------------------------------------- catalogues


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
        self.service_patterns = [(re.compile(_phrase_pattern(n)), p) for n, p in phrases]

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
        self.group_patterns = [(re.compile(_phrase_pattern(n)), c) for n, c in prose]

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


def _default_catalogue(data_dir: str | Path | None) -> Catalogue:
    key = Path(data_dir).resolve() if data_dir is not None else DEFAULT_DATA_DIR
    if key not in _CATALOGUE_CACHE:
        _CATALOGUE_CACHE[key] = load_catalogue(key)
    return _CATALOGUE_CACHE[key]


# --------------------------------------------------------------------------- text helpers


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Accent-insensitive, case-insensitive, punctuation-free form used for matching."""
    text = strip_accents(text).lower()
    text = re.sub(r"[^\w§]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_FUNCTION_WORDS = {"a", "s", "se", "pro", "na", "ve", "v", "do", "pul", "k", "ke", "z", "ze", "o"}


def _word_pattern(word: str) -> str:
    """Stem-ish pattern of one normalised word: Czech inflection changes the ending."""
    if word in _FUNCTION_WORDS or len(word) <= 3:
        return re.escape(word)
    if word in ("domy", "dum", "domov"):  # dům / domy / domů / domech
        return r"d[ou]m\w*" if word != "domov" else r"domov\w*"
    stem = word[: max(3, len(word) - 2)]
    return re.escape(stem) + r"\w*"


def _phrase_pattern(normalized_phrase: str) -> str:
    words = normalized_phrase.split()
    return r"\b" + r"\s+".join(_word_pattern(w) for w in words) + r"\b"


def _find_phrases(norm_text: str, patterns) -> list[tuple[str, int, int]]:
    """Find catalogue phrases in normalised text, longest first, without overlaps."""
    found: list[tuple[str, int, int]] = []
    masked = norm_text
    for pattern, key in patterns:
        for m in pattern.finditer(masked):
            found.append((key, m.start(), m.end()))
        masked = pattern.sub(lambda m: "#" * (m.end() - m.start()), masked)
    return found


def _mask(norm_text: str, spans) -> str:
    chars = list(norm_text)
    for _key, start, end in spans:
        chars[start:end] = "#" * (end - start)
    return "".join(chars)


_TAG_BLOCK = re.compile(r"</?(p|br|li|ul|ol|div|tr|table)\b[^>]*>", re.I)
_TAG_ANY = re.compile(r"<[^>]+>")


def strip_html(text: str) -> str:
    text = _TAG_BLOCK.sub("\n", text)
    text = _TAG_ANY.sub("", text)
    return html.unescape(text)


def _clean_block(text: str) -> str:
    """Collapse spaces in every line, drop empty lines."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


_PARAGRAPH_REF = re.compile(
    r"§+\s*(\d+[a-z]?)((?:\s*(?:,|a|až|-|–)\s*\d+[a-z]?\b(?!\s*(?:odst|písm|Sb)))*)", re.I
)


def _paragraph_refs(text: str) -> list[str]:
    """``§ 79 a 80`` → ["79", "80"]; ``§94, §95. §96`` → ["94", "95", "96"]."""
    refs: list[str] = []
    for m in _PARAGRAPH_REF.finditer(text):
        refs.append(m.group(1).lower())
        refs.extend(x.lower() for x in re.findall(r"\d+[a-z]?", m.group(2) or ""))
    out: list[str] = []
    for r in refs:
        if r not in out:
            out.append(r)
    return out


_YEAR_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})\b")


def _region_hint(lines: list[str]) -> str:
    for line in lines:
        m = re.search(r"\b([A-ZÁ-Ž][a-zá-ž]+(?:ý|ský|cký))\s+kraj\b", line)
        if m:
            return f"{m.group(1)} kraj"
        m = re.search(r"\b([A-ZÁ-Ž]{3,}(?:Ý))\s+KRAJ\b", line)
        if m:
            return f"{m.group(1).capitalize()} kraj"
    for line in lines:
        m = re.search(r"\b([A-ZÁ-Ž][a-zá-ž]+)ém\s+kraji\b", line)
        if m:
            return f"{m.group(1)}ý kraj"
    return ""


# --------------------------------------------------------------------------- detection


_WORKPLAN_MARK = re.compile(r"^\s*(priorita\s+\d+\.\s|aktivita\s+\d+\.\d+\.\d+\b)", re.M | re.I)


def _fold_lines(text: str) -> str:
    return "\n".join(strip_accents(line).lower() for line in text.split("\n"))


def detect_format(text: str) -> str:
    folded = _fold_lines(text)
    cards = len(re.findall(r"^\s*c\S{0,2}slo aktivity\s*:", folded, re.M))
    has_card_header = "karta rozvojove aktivity" in folded
    workplan = len(_WORKPLAN_MARK.findall(text))
    if (cards or has_card_header) and cards >= workplan:
        return FORMAT_CARDS
    if workplan:
        return FORMAT_WORKPLAN
    if has_card_header:
        return FORMAT_CARDS
    raise PlanFormatError(UNKNOWN_FORMAT_MESSAGE)


def _prepare(text: str) -> list[str]:
    if isinstance(text, bytes):  # be kind to callers that read bytes
        text = text.decode("utf-8-sig")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def parse_plan(
    text: str,
    *,
    catalogue: Catalogue | None = None,
    data_dir: str | Path | None = None,
) -> ParsedPlan:
    """Parse a plan document's text, detecting its format.

    ``catalogue`` (or ``data_dir`` holding ``service-types.csv`` and ``target-groups.csv``)
    overrides the default catalogues in ``workflows/data``.
    Raises :class:`PlanFormatError` for text in neither format.
    """
    if not isinstance(text, (str, bytes)) or not str(text).strip():
        raise PlanFormatError(UNKNOWN_FORMAT_MESSAGE)
    lines = _prepare(text)
    joined = "\n".join(lines)
    fmt = detect_format(joined)
    cat = catalogue or _default_catalogue(data_dir)
    if fmt == FORMAT_CARDS:
        return _CardsParser(lines, cat).parse()
    return _WorkplanParser(lines, cat).parse()


def parse_plan_file(path: str | Path, **kwargs) -> ParsedPlan:
    """Read a plan text file (UTF-8, falling back to Windows-1250) and parse it."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1250")
    return parse_plan(text, **kwargs)


# --------------------------------------------------------------------------- shared mapping


class _Mapper:
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
        spans = _find_phrases(norm, self.cat.service_patterns)
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
        spans = _find_phrases(norm_text, self.cat.group_patterns)
        return [key for key, _s, _e in spans]


def _problem_order(problem: Problem) -> int:
    return problem.line_no if problem.line_no is not None else 10**9


def _split_outside_parens(text: str, seps: str = ",;") -> list[str]:
    parts, depth, buf = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts]


# --------------------------------------------------------------------------- format 1


_CARD_LABELS: list[tuple[str, str]] = [
    # (normalised label prefix, field key)
    ("cislo aktivity", "number"),
    ("nazev aktivity", "name"),
    ("vazba na", "goals"),
    ("cilove skupiny", "target_groups"),
    ("dotcene druhy", "services"),
    ("doba realizace", "period"),
    ("odpovednost za realizaci", "responsible"),
    ("financovani", "financing"),
    ("popis aktivity", "description"),
]
_FIELD_TITLES_CS = {
    "number": "Číslo aktivity",
    "name": "Název aktivity",
    "goals": "Vazba na strategický cíl",
    "target_groups": "Cílové skupiny uživatelů",
    "services": "Dotčené druhy sociálních služeb (§)",
    "period": "Doba realizace",
    "responsible": "Odpovědnost za realizaci",
    "financing": "Financování",
    "description": "Popis aktivity",
}
_REQUIRED_CARD_FIELDS = (
    "name", "goals", "target_groups", "services", "period", "responsible", "financing", "description",
)

_DASH_LINE = re.compile(r"^[\s\-–—_=]*-{3,}[\s\-–—_=]*$")
_MONTHS = (
    "leden|unor|brezen|duben|kveten|cerven|cervenec|srpen|zari|rijen|listopad|prosinec"
)
_MONTH_LINE = re.compile(rf"^({_MONTHS})\s+\d{{4}}$")
_SC_CODE = re.compile(r"\bSC\s*(\d{1,2})\b")
_CARD_NUMBER = re.compile(r"^[A-Z]\d{2}-\d{2}$")


@dataclass
class _Card:
    line_no: int
    fields: dict[str, str] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


class _CardsParser:
    def __init__(self, lines: list[str], catalogue: Catalogue):
        self.lines = lines
        self.cat = catalogue
        self.problems: list[Problem] = []
        self.map = _Mapper(catalogue, self.problems)

    @staticmethod
    def _label(line: str) -> tuple[str, str, str] | None:
        """(field key, label as written, value) for a ``Label:<TAB>value`` line."""
        stripped = line.strip()
        if not stripped:
            return None
        norm = normalize(stripped.replace("§", ""))
        norm = re.sub(r"^c\s?islo\b", "cislo", norm)  # "Císlo", "C íslo"
        for prefix, key in _CARD_LABELS:
            if not norm.startswith(prefix):
                continue
            if "\t" in stripped:
                label, value = stripped.split("\t", 1)
            elif ":" in stripped[:60]:
                label, value = stripped.split(":", 1)
            else:  # "Odpovědnost za realizaci LK" — label and value separated by a space
                words = stripped.split()
                n = len(prefix.split())
                label, value = " ".join(words[:n]), " ".join(words[n:])
            return key, label.strip().rstrip(":").strip(), value.strip()
        return None

    def _is_page_header(self, line: str) -> bool:
        norm = normalize(line)
        if not norm:
            return False
        return (
            norm.startswith("strednedoby plan rozvoje")
            or norm == "karta rozvojove aktivity"
            or norm == "karty rozvojovych aktivit"
            or bool(_MONTH_LINE.match(norm))
        )

    def parse(self) -> ParsedPlan:
        cards: list[_Card] = []
        front: list[str] = []
        headers: Counter[str] = Counter()
        card: _Card | None = None
        current: str | None = None  # open field key

        for idx, raw_line in enumerate(self.lines, start=1):
            line = raw_line.rstrip()
            stripped = line.strip()
            if not stripped:
                continue
            if _DASH_LINE.match(stripped):
                current = None
                continue
            if self._is_page_header(stripped):
                if normalize(stripped).startswith("strednedoby plan rozvoje"):
                    headers[re.sub(r"\s+", " ", stripped)] += 1
                continue
            labelled = self._label(line)
            if labelled:
                key, label, value = labelled
                # a card starts at its number — or, when the number is missing, at a second
                # "Název aktivity" (reported later as a card without a number)
                if key == "number" or card is None or (key == "name" and "name" in card.fields):
                    card = _Card(line_no=idx)
                    cards.append(card)
                if key in card.fields:
                    self.map.problem(
                        idx,
                        card.fields.get("number"),
                        f"Pole „{label}“ se na kartě opakuje – hodnoty spojeny.",
                    )
                    card.fields[key] += " " + value
                else:
                    card.fields[key] = value
                    card.field_lines[key] = idx
                    card.labels[key] = label
                current = key
                continue
            if card is None:
                front.append(stripped)
                continue
            if current is not None:
                sep = "\n" if current == "description" else " "
                card.fields[current] = (card.fields[current] + sep + stripped).strip()
                continue
            self.map.problem(
                idx,
                card.fields.get("number"),
                f"Nerozpoznaný řádek karty – nenačten: „{stripped[:120]}“.",
            )

        items, goal_items = self._build_items(cards)
        self.problems.sort(key=_problem_order)
        title, region, year_from, year_to = self._header_info(front, headers)
        if not cards:
            self.map.problem(None, None, "V souboru nebyla nalezena žádná karta rozvojové aktivity.", ERROR)
        return ParsedPlan(
            format=FORMAT_CARDS,
            title=title,
            region_hint=region,
            valid_from_year=year_from,
            valid_to_year=year_to,
            items=goal_items + items,
            problems=self.problems,
        )

    # ---------------------------------------------------------------- header
    def _header_info(self, front: list[str], headers: Counter[str]):
        candidates = list(headers.items())
        if candidates:
            title = max(candidates, key=lambda kv: (kv[1], len(kv[0])))[0]
        else:
            title = " ".join(front[:3])
        lines = front + [title]
        region = _region_hint(lines)
        year_from = year_to = None
        for line in lines:
            m = _YEAR_RANGE.search(line)
            if m:
                year_from, year_to = int(m.group(1)), int(m.group(2))
                break
        return title, region, year_from, year_to

    # ---------------------------------------------------------------- items
    def _build_items(self, cards: list[_Card]):
        items: list[ParsedItem] = []
        seen: dict[str, int] = {}
        goal_clean: dict[str, Counter[str]] = {}
        goal_first_line: dict[str, int] = {}
        ambiguous: list[tuple[str, str, str, int]] = []  # (prev code, text, trailing code, line)

        for card in cards:
            f = card.fields
            number = (f.get("number") or "").strip().strip("\t ")
            number = re.sub(r"\s+", "", number)
            name = re.sub(r"\s+", " ", f.get("name", "")).strip()
            if not number:
                self.map.problem(
                    card.line_no,
                    None,
                    f"Karta rozvojové aktivity bez čísla aktivity (název „{name or '?'}“) – nenačtena.",
                    ERROR,
                )
                continue
            if number in seen:
                self.map.problem(
                    card.line_no,
                    number,
                    f"Číslo aktivity {number} se opakuje (poprvé na řádku {seen[number]}) – "
                    f"další výskyt nenačten.",
                    ERROR,
                )
                continue
            seen[number] = card.line_no
            if not _CARD_NUMBER.match(number):
                self.map.problem(
                    card.line_no,
                    number,
                    f"Neobvyklé číslo aktivity „{number}“ (očekáváno např. A01-01).",
                )
            for key in _REQUIRED_CARD_FIELDS:
                if not f.get(key, "").strip():
                    self.map.problem(
                        card.line_no,
                        number,
                        f"Karta {number}: chybí nebo je prázdné pole „{_FIELD_TITLES_CS[key]}“.",
                    )

            item = ParsedItem(
                kind="activity",
                number=number,
                name=name,
                line_no=card.line_no,
                period_text=f.get("period", "").strip(),
                responsible=f.get("responsible", "").strip(),
                financing=f.get("financing", "").strip(),
                raw={card.labels.get(k, _FIELD_TITLES_CS[k]): v for k, v in f.items()},
            )
            item.description = _clean_block(strip_html(f.get("description", "")))

            # goals
            goals_value = f.get("goals", "")
            if goals_value.strip():
                codes, clean, amb = self._split_goals(goals_value)
                if not codes:
                    self.map.problem(
                        card.field_lines.get("goals"),
                        number,
                        f"Karta {number}: vazba na strategický cíl neobsahuje kód cíle (SC1…) – "
                        f"„{goals_value.strip()[:80]}“.",
                    )
                item.goals = codes
                for code, text in clean:
                    goal_clean.setdefault(code, Counter())[text] += 1
                for prev, text, trailing in amb:
                    ambiguous.append((prev, text, trailing, card.field_lines.get("goals", card.line_no)))
                for code in codes:
                    goal_first_line.setdefault(code, card.field_lines.get("goals", card.line_no))

            self._read_target_groups(item, f.get("target_groups", ""), card.field_lines.get("target_groups"))
            self._read_services(item, f.get("services", ""), card.field_lines.get("services"))
            items.append(item)

        goal_items = self._goal_items(goal_clean, ambiguous, goal_first_line)
        return items, goal_items

    @staticmethod
    def _split_goals(value: str):
        """Codes in order, clean (code, name) pairs, ambiguous (prev, text, trailing) triples.

        ``SC2 A SC3 B`` → clean; ``SC2 A B SC3`` (code after its text) → ambiguous: the text
        after SC2 holds both names and SC3's name is only known from other cards.
        """
        value = re.sub(r"\s+", " ", value.replace("\t", " ")).strip()
        matches = list(_SC_CODE.finditer(value))
        codes: list[str] = []
        for m in matches:
            code = f"SC{int(m.group(1))}"
            if code not in codes:
                codes.append(code)
        clean: list[tuple[str, str]] = []
        ambiguous: list[tuple[str, str, str]] = []
        lead = value[: matches[0].start()].strip() if matches else ""
        segments = []
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(value)
            segments.append((f"SC{int(m.group(1))}", value[m.end() : end].strip(" -–:,;")))
        for i, (code, text) in enumerate(segments):
            if text:
                if i + 1 < len(segments) and not segments[i + 1][1] and i + 1 == len(segments) - 1:
                    ambiguous.append((code, text, segments[i + 1][0]))
                else:
                    clean.append((code, text))
            elif i == 0 and lead:
                clean.append((code, lead))  # "text SC3"
        return codes, clean, ambiguous

    def _goal_items(self, goal_clean, ambiguous, first_line) -> list[ParsedItem]:
        names: dict[str, str] = {}
        for code, counter in goal_clean.items():
            names[code] = max(counter.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        derived: dict[str, Counter[str]] = {}
        for prev, text, trailing, _line in ambiguous:
            norm_text = normalize(text)
            if trailing in names and norm_text.endswith(normalize(names[trailing])):
                cut = _cut_suffix(text, names[trailing])
                if cut:
                    derived.setdefault(prev, Counter())[cut] += 1
            if prev in names and norm_text.startswith(normalize(names[prev])):
                rest = _cut_prefix(text, names[prev])
                if rest:
                    derived.setdefault(trailing, Counter())[rest] += 1
        for code, counter in derived.items():
            if code not in names:
                names[code] = max(counter.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        items = []
        for code in sorted(first_line, key=lambda c: int(c[2:])):
            name = names.get(code, "")
            if not name:
                self.map.problem(
                    first_line[code],
                    code,
                    f"Název strategického cíle {code} se z textu karet nepodařilo určit.",
                )
            items.append(ParsedItem(kind="goal", number=code, name=name, line_no=first_line[code]))
        return items

    # ---------------------------------------------------------------- target groups
    def _read_target_groups(self, item: ParsedItem, value: str, line_no: int | None) -> None:
        value = value.strip().strip(",;").strip()
        if not value:
            return
        whole, _how = self.map.group_by_phrase(value)
        if whole == "ALL":
            item.all_target_groups = True
            return
        if whole == "NR":
            item.target_groups_not_relevant = True
            return
        codes: list[str] = []
        for part in _split_outside_parens(value):
            if not part:
                continue
            code, how = self.map.group_by_phrase(part)
            if code is None:
                # "… včetně národnostních menšin a cizinců" and other prose
                found = self.map.groups_in_prose(normalize(part))
                if found:
                    codes.extend(found)
                    continue
                self.map.problem(
                    line_no,
                    item.number,
                    f"Neznámá cílová skupina „{part}“ – nepřevedena.",
                )
                continue
            if code == "ALL":
                item.all_target_groups = True
            elif code == "NR":
                item.target_groups_not_relevant = True
            else:
                codes.append(code)
        item.target_groups = self.cat.sort_groups(codes)

    # ---------------------------------------------------------------- services
    _ALL_SERVICES = re.compile(r"^(dopad na )?vsechny( druhy( socialnich)? sluzeb)?\b")
    _NOT_RELEVANT = ("nerelevantni", "nerrelevantni", "nerelevatni", "neni relevantni")

    def _read_services(self, item: ParsedItem, value: str, line_no: int | None) -> None:
        value = re.sub(r"\s+", " ", value.replace("\t", " ")).strip().strip(",;").strip()
        if not value:
            return
        norm = normalize(value)
        if norm in self._NOT_RELEVANT or difflib.get_close_matches(norm, self._NOT_RELEVANT, 1, 0.85):
            item.not_relevant = True
            return
        if self._ALL_SERVICES.match(norm):
            item.all_services = True
            # "… a dále §94, §95. §96 zákona …" — other paragraphs of the law
            for par in _paragraph_refs(value):
                if par in self.cat.service_by_paragraph:
                    item.service_paragraphs.append(par)
                else:
                    self.map.other_paragraph_note(line_no, item.number, par)
            item.service_paragraphs = self.cat.sort_paragraphs(item.service_paragraphs)
            return

        # "služby sociální prevence: Raná péče (§54), …" — a grouping prefix
        m = re.match(r"^([^():§]{3,60}):\s*(.+)$", value)
        if m:
            item.raw["prefix druhů služeb"] = m.group(1).strip()
            value = m.group(2)

        paragraphs: list[str] = []
        for entry in _split_outside_parens(value):
            if not entry:
                continue
            pm = re.match(r"^(?P<name>.*?)\s*\(\s*§+\s*(?P<par>\d+\s?[a-zA-Z]?)\s*\)\s*\.?$", entry)
            if pm:
                name = pm.group("name").strip()
                par = pm.group("par").replace(" ", "").lower()
            else:
                refs = _paragraph_refs(entry)
                if refs:  # "§ 39" without parentheses, or several
                    name = re.sub(r"§+\s*\d+[a-z]?", "", entry).strip(" ,.")
                    for ref in refs[1:]:
                        self._add_paragraph(item, ref, "", line_no, paragraphs)
                    par = refs[0]
                else:
                    name, par = entry.strip(" ."), ""
            if par:
                self._add_paragraph(item, par, name, line_no, paragraphs)
                continue
            norm_entry = normalize(name)
            if norm_entry in self._NOT_RELEVANT:
                item.not_relevant = True
                continue
            if self._ALL_SERVICES.match(norm_entry):
                item.all_services = True
                continue
            found, how = self.map.service_by_name(name)
            if found is None:
                self.map.problem(
                    line_no,
                    item.number,
                    f"Neznámý druh sociální služby „{name}“ – nepřevedeno.",
                )
                continue
            if how == "fuzzy":
                self.map.problem(
                    line_no,
                    item.number,
                    f"Název služby „{name}“ přiřazen podle podobnosti k § {found} "
                    f"({self.cat.service_by_paragraph[found].name}).",
                    NOTE,
                )
            paragraphs.append(found)
        item.service_paragraphs = self.cat.sort_paragraphs(paragraphs)

    def _add_paragraph(self, item, par, name, line_no, paragraphs) -> None:
        if par not in self.cat.service_by_paragraph:
            self.map.other_paragraph_note(line_no, item.number, par, name)
            return
        paragraphs.append(par)
        if name:
            by_name, how = self.map.service_by_name(name)
            if by_name is not None and by_name != par and how in ("exact", "stem"):
                self.map.problem(
                    line_no,
                    item.number,
                    f"Název „{name}“ odpovídá § {by_name}, ale uveden je § {par} – použit § {par}.",
                )
            elif by_name is None:
                self.map.problem(
                    line_no,
                    item.number,
                    f"Název „{name}“ neodpovídá katalogu; použit uvedený § {par} "
                    f"({self.cat.service_by_paragraph[par].name}).",
                    NOTE,
                )


def _cut_suffix(text: str, suffix: str) -> str:
    """Remove ``suffix`` (compared accent/case-insensitively) from the end of ``text``."""
    words = text.split()
    target = normalize(suffix)
    for i in range(len(words)):
        if normalize(" ".join(words[i:])) == target:
            return " ".join(words[:i]).strip(" ,;-–")
    return ""


def _cut_prefix(text: str, prefix: str) -> str:
    words = text.split()
    target = normalize(prefix)
    for i in range(len(words), 0, -1):
        if normalize(" ".join(words[:i])) == target:
            return " ".join(words[i:]).strip(" ,;-–")
    return ""


# --------------------------------------------------------------------------- format 2


_PRIORITY = re.compile(r"^Priorita\s+(\d+)\.\s*(.*)$", re.I)
_MEASURE = re.compile(r"^Opatření\s+(\d+\.\d+)\.?\s+(.+)$", re.I)
_ACTIVITY = re.compile(r"^Aktivita\s+(\d+\.\d+\.\d+)\.?\s+(.+)$", re.I)
_SUBACTIVITY = re.compile(r"^Podaktivita\s+(\d+\.\d+\.\d+\.\d+)\.?\s+(.+)$", re.I)
_SECTION_PRIORITY = re.compile(r"^\d+\.\d+\.?\s+Priorita\s+\d+\.?$", re.I)  # "3.1 Priorita 1."
_TOP_SECTION = re.compile(r"^\d{1,2}\.\s+[A-ZÁ-Ž]\S*(\s+\S+){0,8}$")  # "4. Závěr"
_MEASURE_DESC = re.compile(r"^Stručný popis opatření\s*:?\s*(.*)$", re.I)

# section titles of an activity (normalised) → canonical Czech title
_WORKPLAN_SECTIONS = {
    "popis aktivity": "Popis aktivity",
    "popis podaktivity": "Popis aktivity",
    "zodpovida spoluprace": "Zodpovídá/spolupráce",
    "zodpovida": "Zodpovídá/spolupráce",
    "casovy harmonogram": "Časový harmonogram",
    "financovani": "Financování",
    "vystupy dokumenty": "Výstupy/dokumenty",
    "vystupy": "Výstupy/dokumenty",
}

_QUOTED = re.compile(r"[„“\"][^„“”\"\n]{1,250}[“”\"]")

# lists introduced by "…služby: a, b, c." — each element must be a known service type
_SERVICE_LIST = re.compile(r"(?:služby|služeb(?:\s+sociální\s+prevence)?)\s*:\s*([^.;]+)", re.I)


@dataclass
class _Occurrence:
    kind: str
    number: str
    name: str
    line_no: int
    sections: dict[str, list[str]] = field(default_factory=dict)
    subs: list[_Occurrence] = field(default_factory=list)


class _WorkplanParser:
    def __init__(self, lines: list[str], catalogue: Catalogue):
        self.lines = lines
        self.cat = catalogue
        self.problems: list[Problem] = []
        self.map = _Mapper(catalogue, self.problems)

    def parse(self) -> ParsedPlan:
        occurrences: list[_Occurrence] = []
        front: list[str] = []
        current: _Occurrence | None = None  # priority / measure / activity
        target: _Occurrence | None = None  # where section text goes (activity or sub-activity)
        section: str | None = None

        blank_run = 0
        seen_section = False
        last_measure: dict[str, _Occurrence] = {}

        for idx, raw_line in enumerate(self.lines, start=1):
            stripped = raw_line.strip()
            if not stripped:
                blank_run += 1
                continue
            blanks, blank_run = blank_run, 0
            if _SECTION_PRIORITY.match(stripped):
                continue
            m = _PRIORITY.match(stripped)
            if m:
                current = target = _Occurrence("priority", m.group(1), m.group(2).strip(), idx)
                occurrences.append(current)
                section = "text"
                continue
            m = _MEASURE.match(stripped)
            if m:
                current = target = _Occurrence("measure", m.group(1), m.group(2).strip(), idx)
                occurrences.append(current)
                last_measure[current.number] = current
                section = "Stručný popis opatření"
                continue
            m = _ACTIVITY.match(stripped)
            if m:
                current = target = _Occurrence("activity", m.group(1), m.group(2).strip(), idx)
                occurrences.append(current)
                section = None
                continue
            m = _SUBACTIVITY.match(stripped)
            if m:
                sub = _Occurrence("subactivity", m.group(1), m.group(2).strip(), idx)
                parent_no = sub.number.rsplit(".", 1)[0]
                if current is not None and current.kind == "activity" and current.number == parent_no:
                    current.subs.append(sub)
                    self.map.problem(
                        idx,
                        parent_no,
                        f"Podaktivita {sub.number} je připojena k aktivitě {parent_no} "
                        f"(její text je součástí popisu aktivity).",
                        NOTE,
                    )
                else:
                    self.map.problem(
                        idx,
                        sub.number,
                        f"Podaktivita {sub.number} nemá nadřazenou aktivitu {parent_no} – "
                        f"připojena k poslední položce.",
                    )
                    if current is not None:
                        current.subs.append(sub)
                target = sub
                section = None
                continue
            if _TOP_SECTION.match(stripped) and not raw_line.startswith("\t"):
                # "3. Priority, opatření, aktivity…", "4. Závěr" — ends the current item
                current = target = None
                section = None
                seen_section = True
                continue
            if current is None:
                if not seen_section:
                    front.append(stripped)
                continue
            if (
                blanks >= 2
                and current.kind == "activity"
                and not raw_line.startswith("\t")
                and normalize(stripped) not in _WORKPLAN_SECTIONS
            ):
                # free text after an activity's last section (after an empty gap) belongs to
                # the measure, not to the activity's outputs
                measure_no = current.number.rsplit(".", 1)[0]
                measure = last_measure.get(measure_no)
                self.map.problem(
                    idx,
                    measure_no,
                    f"Text za aktivitou {current.number} („{stripped[:60]}…“) nepatří k žádné "
                    f"aktivitě – připojen k popisu opatření {measure_no}.",
                    NOTE,
                )
                if measure is not None:
                    current = target = measure
                    section = "Stručný popis opatření"
            m = _MEASURE_DESC.match(stripped)
            if m and current.kind == "measure":
                section = "Stručný popis opatření"
                if m.group(1):
                    current.sections.setdefault(section, []).append(m.group(1))
                continue
            sec = _WORKPLAN_SECTIONS.get(normalize(stripped))
            if sec and target is not None and target.kind in ("activity", "subactivity"):
                section = sec
                target.sections.setdefault(section, [])
                continue
            if target is None:
                continue
            key = section or ("Popis aktivity" if target.kind in ("activity", "subactivity") else "text")
            target.sections.setdefault(key, []).append(stripped)

        items = self._merge(occurrences)
        self._link_and_map(items)
        self.problems.sort(key=_problem_order)
        title, region, y_from, y_to = self._header_info(front)
        if not items:
            self.map.problem(None, None, "V plánu práce nebyla nalezena žádná priorita ani aktivita.", ERROR)
        return ParsedPlan(
            format=FORMAT_WORKPLAN,
            title=title,
            region_hint=region,
            valid_from_year=y_from,
            valid_to_year=y_to,
            items=items,
            problems=self.problems,
        )

    def _header_info(self, front: list[str]):
        title_lines = front[:4]
        title = re.sub(r"\s+", " ", " ".join(title_lines)).strip()
        region = _region_hint(title_lines or front[:10])
        y_from = y_to = None
        m = _YEAR_RANGE.search(title)
        if m:
            y_from, y_to = int(m.group(1)), int(m.group(2))
        return title, region, y_from, y_to

    # ---------------------------------------------------------------- merge occurrences
    def _merge(self, occurrences: list[_Occurrence]) -> list[ParsedItem]:
        by_key: dict[tuple[str, str], ParsedItem] = {}
        best_len: dict[tuple[str, str], int] = {}
        for occ in occurrences:
            item = self._item_from(occ)
            key = (item.kind, item.number)
            size = len(item.description) + sum(len(str(v)) for v in item.raw.values())
            if key not in by_key:
                by_key[key] = item
                best_len[key] = size
                continue
            kept = by_key[key]
            if occ.kind == "activity":
                self.map.problem(
                    occ.line_no,
                    item.number,
                    f"Aktivita {item.number} se v plánu vyskytuje vícekrát (poprvé na řádku "
                    f"{kept.line_no}) – sloučeno.",
                )
            # prefer the detailed occurrence, keep the longest name and description
            if size >= best_len[key]:
                merged = item
                best_len[key] = size
                other = kept
            else:
                merged, other = kept, item
            if len(other.name) > len(merged.name):
                merged.name = other.name
            if len(other.description) > len(merged.description):
                merged.description = other.description
            by_key[key] = merged
        return sorted(by_key.values(), key=lambda it: tuple(int(x) for x in it.number.split(".")))

    def _item_from(self, occ: _Occurrence) -> ParsedItem:
        def text(sec: dict[str, list[str]], key: str) -> str:
            return _clean_block("\n".join(sec.get(key, [])))

        if occ.kind == "priority":
            full = re.sub(r"\s+", " ", " ".join([occ.name] + occ.sections.get("text", []))).strip()
            first = re.split(r"(?<=[a-zá-ž\)])\.\s+(?=[A-ZÁ-Ž])", full, maxsplit=1)[0].rstrip(".")
            return ParsedItem(
                kind="priority",
                number=occ.number,
                name=first,
                description=full,
                raw={"text": full},
                line_no=occ.line_no,
            )
        if occ.kind == "measure":
            desc = text(occ.sections, "Stručný popis opatření")
            return ParsedItem(
                kind="measure",
                number=occ.number,
                name=occ.name,
                parent_number=occ.number.split(".")[0],
                description=desc,
                raw={"Stručný popis opatření": desc} if desc else {},
                line_no=occ.line_no,
            )
        raw: dict[str, Any] = {k: text(occ.sections, k) for k in occ.sections}
        description = raw.get("Popis aktivity", "")
        period, responsible, financing = (
            raw.get("Časový harmonogram", ""),
            raw.get("Zodpovídá/spolupráce", ""),
            raw.get("Financování", ""),
        )
        subs = []
        for sub in occ.subs:
            sub_raw = {k: text(sub.sections, k) for k in sub.sections}
            subs.append({"number": sub.number, "name": sub.name, "line_no": sub.line_no, **sub_raw})
            block = f"Podaktivita {sub.number} {sub.name}"
            if sub_raw.get("Popis aktivity"):
                block += "\n" + sub_raw["Popis aktivity"]
            description = (description + "\n" + block).strip()
        if subs:
            raw["podaktivity"] = subs

            def join_unique(key: str) -> str:
                out: list[str] = []
                for s in subs:
                    if s.get(key) and s[key] not in out:
                        out.append(s[key])
                return "\n".join(out)

            period = period or join_unique("Časový harmonogram")
            responsible = responsible or join_unique("Zodpovídá/spolupráce")
            financing = financing or join_unique("Financování")
        return ParsedItem(
            kind="activity",
            number=occ.number,
            name=occ.name,
            parent_number=occ.number.rsplit(".", 1)[0],
            description=description,
            period_text=period,
            responsible=responsible,
            financing=financing,
            raw=raw,
            line_no=occ.line_no,
        )

    # ---------------------------------------------------------------- hierarchy & mapping
    def _link_and_map(self, items: list[ParsedItem]) -> None:
        by_number = {(it.kind, it.number): it for it in items}
        for it in items:
            if it.kind == "measure" and ("priority", it.parent_number) not in by_number:
                self.map.problem(
                    it.line_no, it.number, f"Opatření {it.number} nemá v plánu prioritu {it.parent_number}."
                )
            if it.kind == "activity" and ("measure", it.parent_number) not in by_number:
                self.map.problem(
                    it.line_no, it.number, f"Aktivita {it.number} nemá v plánu opatření {it.parent_number}."
                )
            if it.kind == "activity" and not it.description:
                self.map.problem(it.line_no, it.number, f"Aktivita {it.number} nemá popis aktivity.")
        for it in items:
            if it.kind == "measure" and not any(
                a.kind == "activity" and a.parent_number == it.number for a in items
            ):
                self.map.problem(
                    it.line_no,
                    it.number,
                    f"Opatření {it.number} nemá v plánu práce žádnou aktivitu.",
                    NOTE,
                )

        for it in items:
            self._map_prose(it)

        # inheritance: priority → measure → activity
        for it in items:
            if it.kind == "priority":
                continue
            chain = []
            parent = by_number.get(("measure", it.parent_number)) if it.kind == "activity" else None
            if parent is not None:
                chain.append(parent)
            prio_no = it.number.split(".")[0]
            prio = by_number.get(("priority", prio_no))
            if prio is not None:
                chain.append(prio)
            inherited_p = {p for c in chain for p in c.service_paragraphs}
            inherited_g = {g for c in chain for g in c.target_groups}
            it.inherited_paragraphs = self.cat.sort_paragraphs(inherited_p - set(it.service_paragraphs))
            it.inherited_target_groups = self.cat.sort_groups(inherited_g - set(it.target_groups))

    def _line_of(self, it: ParsedItem, paragraph: str) -> int | None:
        """Line of the first ``§ <paragraph>`` at or after the item's heading."""
        start = (it.line_no or 1) - 1
        for offset, line in enumerate(self.lines[start:], start=start + 1):
            if "§" in line and paragraph in _paragraph_refs(line):
                return offset
        return it.line_no

    def _map_prose(self, it: ParsedItem) -> None:
        # titles of projects and documents in quotes („Rozvoj péče o osoby s duševním
        # onemocněním…“) name no service or target group of the item itself
        text = _QUOTED.sub(" ", it.name + "\n" + it.description)
        paragraphs, spans, norm = self.map.services_in_prose(text)
        # explicit "§ NN" mentions in the prose
        for par in _paragraph_refs(text):
            if par in self.cat.service_by_paragraph:
                paragraphs.append(par)
            else:
                self.map.other_paragraph_note(self._line_of(it, par), it.number, par)
        it.service_paragraphs = self.cat.sort_paragraphs(paragraphs)
        # target groups: outside the service names ("…pro rodiny s dětmi" in a §65 name)
        it.target_groups = self.cat.sort_groups(self.map.groups_in_prose(_mask(norm, spans)))
        # every element of a "…služby: a, b, c." list must be a known service type
        for m in _SERVICE_LIST.finditer(text.replace("\n", " ")):
            for element in _split_outside_parens(m.group(1)):
                bare = re.sub(r"\([^)]*\)", "", element).strip(" „“\"")
                if not bare or len(bare) > 80:
                    continue
                found = self.map.services_in_prose(bare)[0]
                if not found:
                    self.map.problem(
                        it.line_no,
                        it.number,
                        f"„{bare}“ není druh sociální služby podle katalogu – nepřevedeno.",
                    )
