"""Format 2: plan of work (``Priorita N.`` → ``Opatření N.M`` → ``Aktivita N.M.K``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .catalogue import Catalogue, Mapper
from .model import ERROR, FORMAT_WORKPLAN, NOTE, ParsedItem, ParsedPlan, Problem, problem_order
from .text import YEAR_RANGE, clean_block, mask_spans, normalize, paragraph_refs, region_hint, split_outside_parens

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


class WorkplanParser:
    def __init__(self, lines: list[str], catalogue: Catalogue):
        self.lines = lines
        self.cat = catalogue
        self.problems: list[Problem] = []
        self.map = Mapper(catalogue, self.problems)

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
        self.problems.sort(key=problem_order)
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
        region = region_hint(title_lines or front[:10])
        y_from = y_to = None
        m = YEAR_RANGE.search(title)
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
            return clean_block("\n".join(sec.get(key, [])))

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
            if "§" in line and paragraph in paragraph_refs(line):
                return offset
        return it.line_no

    def _map_prose(self, it: ParsedItem) -> None:
        # titles of projects and documents in quotes („Rozvoj péče o osoby s duševním
        # onemocněním…“) name no service or target group of the item itself
        text = _QUOTED.sub(" ", it.name + "\n" + it.description)
        paragraphs, spans, norm = self.map.services_in_prose(text)
        # explicit "§ NN" mentions in the prose
        for par in paragraph_refs(text):
            if par in self.cat.service_by_paragraph:
                paragraphs.append(par)
            else:
                self.map.other_paragraph_note(self._line_of(it, par), it.number, par)
        it.service_paragraphs = self.cat.sort_paragraphs(paragraphs)
        # target groups: outside the service names ("…pro rodiny s dětmi" in a §65 name)
        it.target_groups = self.cat.sort_groups(self.map.groups_in_prose(mask_spans(norm, spans)))
        # every element of a "…služby: a, b, c." list must be a known service type
        for m in _SERVICE_LIST.finditer(text.replace("\n", " ")):
            for element in split_outside_parens(m.group(1)):
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
