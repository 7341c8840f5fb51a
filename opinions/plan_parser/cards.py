"""Format 1: activity cards ("KARTA ROZVOJOVÉ AKTIVITY", ``Číslo aktivity: A01-01``)."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from .catalogue import Catalogue, Mapper
from .model import ERROR, FORMAT_CARDS, NOTE, ParsedItem, ParsedPlan, Problem, problem_order
from .text import YEAR_RANGE, clean_block, normalize, paragraph_refs, region_hint, split_outside_parens, strip_html

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


class CardsParser:
    def __init__(self, lines: list[str], catalogue: Catalogue):
        self.lines = lines
        self.cat = catalogue
        self.problems: list[Problem] = []
        self.map = Mapper(catalogue, self.problems)

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
        self.problems.sort(key=problem_order)
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
        region = region_hint(lines)
        year_from = year_to = None
        for line in lines:
            m = YEAR_RANGE.search(line)
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
            item.description = clean_block(strip_html(f.get("description", "")))

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
        for part in split_outside_parens(value):
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
            for par in paragraph_refs(value):
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
        for entry in split_outside_parens(value):
            if not entry:
                continue
            pm = re.match(r"^(?P<name>.*?)\s*\(\s*§+\s*(?P<par>\d+\s?[a-zA-Z]?)\s*\)\s*\.?$", entry)
            if pm:
                name = pm.group("name").strip()
                par = pm.group("par").replace(" ", "").lower()
            else:
                refs = paragraph_refs(entry)
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
