"""Tests of the pure plan parser (no Django, no DB).

Run: ``.venv/bin/python -m pytest -p no:django tests/opinions/test_plan_parser.py -q``

The seed documents are the repository's copies in ``opinions/data/plans/``; expected values
below were checked by hand against their text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from opinions.plan_parser import (
    FORMAT_CARDS,
    FORMAT_WORKPLAN,
    ParsedItem,
    ParsedPlan,
    PlanFormatError,
    Problem,
    detect_format,
    load_catalogue,
    parse_plan,
    parse_plan_file,
)

PLANS_DIR = Path(__file__).resolve().parents[2] / "opinions" / "data" / "plans"
WORKPLAN_SEED = PLANS_DIR / "karlovarsky-kraj-plan-prace-2011-2012.txt"  # Karlovarský kraj, plán práce 2011–2012
CARDS_SEED = PLANS_DIR / "liberecky-kraj-sprss-2014-2017-karty.txt"  # Liberecký kraj, karty aktivit 2014–2017


def _seed(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workplan() -> ParsedPlan:
    return parse_plan(_seed(WORKPLAN_SEED))


@pytest.fixture(scope="module")
def cards() -> ParsedPlan:
    return parse_plan(_seed(CARDS_SEED))


def _messages(plan: ParsedPlan, number: str | None = None) -> list[str]:
    return [p.message_cs for p in plan.problems if number is None or p.item_number == number]


# --------------------------------------------------------------------------- catalogues


def test_catalogue_loads_33_service_types_and_target_groups():
    cat = load_catalogue()
    assert len(cat.services) == 33
    assert cat.service_by_paragraph["60a"].name == "Intervenční centra"
    assert {"S", "OZP", "DUS", "RD", "DM", "OSV", "ZAV", "NM", "ROM", "PSS", "ALL", "NR"} == set(
        cat.group_by_code
    )


# --------------------------------------------------------------------------- format 2 seed


def test_workplan_format_header_and_counts(workplan):
    assert workplan.format == FORMAT_WORKPLAN
    assert workplan.region_hint == "Karlovarský kraj"
    assert (workplan.valid_from_year, workplan.valid_to_year) == (2011, 2012)
    assert workplan.title.startswith("PLÁN PRÁCE NA OBDOBÍ 2011 – 2012")
    # the summary list of section 2 repeats priorities and measures: counted once
    assert workplan.counts() == {"priority": 9, "measure": 16, "activity": 27}
    numbers = [it.number for it in workplan.items]
    assert len(numbers) == len(set(numbers))
    assert [it.number for it in workplan.items_of("priority")] == [str(n) for n in range(1, 10)]
    assert [it.number for it in workplan.items_of("measure")] == [
        "1.1", "1.2", "1.3", "2.1", "3.1", "3.2", "3.3", "4.1",
        "5.1", "5.2", "6.1", "7.1", "7.2", "8.1", "9.1", "9.2",
    ]  # fmt: skip
    assert [it.number for it in workplan.activities][:10] == [
        "1.1.1", "1.1.2", "1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.2.5", "1.2.6", "1.3.1", "1.3.2",
    ]  # fmt: skip
    assert workplan.activities[-1].number == "9.2.1"


def test_workplan_hierarchy_and_fields(workplan):
    a = workplan.item("1.2.3")
    assert a.kind == "activity"
    assert a.parent_number == "1.2"
    assert a.name == (
        "Podpora projektů zaměřených na vzdělávání pracovníků vykonávajících odbornou činnost "
        "v sociálních službách"
    )
    assert "Vyjádření k podpoře projektu a návaznost na střednědobé plány" in a.description
    assert "krajský koordinátor pro romské záležitosti" in a.description
    assert a.responsible.startswith("odbor sociálních věcí – pracovník odpovědný za proces")
    assert a.period_text == "průběžně (2011 – 2012)"
    assert a.financing == "žádné"
    assert a.raw["Výstupy/dokumenty"].startswith("vyplněné formuláře „Vyjádření")
    m = workplan.item("1.2")
    assert (m.kind, m.parent_number, m.name) == ("measure", "1", "Podpora zvyšování kvality sociálních služeb")
    assert m.description.startswith("Opatření je zaměřeno na zvyšování kvality sociálních služeb")
    p = workplan.item("4", kind="priority")
    assert p.name == (
        "Podpora rozvoje sociálních služeb pro seniory s důrazem na vytvoření systému vzájemně "
        "na sebe navazujících sociálních služeb"
    )
    assert p.description.endswith("osobní asistence, pobytové služby.")


def test_workplan_priority_level_services_are_inherited(workplan):
    # Priorita 4: "denní stacionáře, pečovatelská služba, osobní asistence, pobytové služby"
    assert workplan.item("4").service_paragraphs == ["39", "40", "46"]
    assert workplan.item("4").target_groups == ["S"]
    a = workplan.item("4.1.1")
    assert a.inherited_paragraphs == ["39", "40", "46"]
    assert "S" in a.target_groups or "S" in a.inherited_target_groups
    # Priorita 5: chráněné bydlení, podpora samostatného bydlení, osobní asistence,
    # pečovatelská služba, sociálně terapeutické dílny
    assert workplan.item("5").service_paragraphs == ["39", "40", "43", "51", "67"]
    for number in ("5.1.1", "5.2.1", "5.2.2"):
        assert workplan.item(number).inherited_paragraphs == ["39", "40", "43", "51", "67"]
    # Priorita 6: nízkoprahová zařízení pro děti a mládež — děti a mládež inherited
    assert workplan.item("6").service_paragraphs == ["62"]
    assert workplan.item("6").target_groups == ["DM"]
    assert workplan.item("6.1.2").inherited_target_groups == ["DM"]
    # Priorita 7: azylové domy (…), domy na půl cesty
    assert workplan.item("7").service_paragraphs == ["57", "58"]
    assert workplan.item("7.1.1").inherited_paragraphs == ["57", "58"]
    # Priorita 8: odborné sociální poradenství
    assert workplan.item("8").service_paragraphs == ["37"]
    # Priorita 9: chronické duševní onemocnění, závislost na návykových látkách
    assert workplan.item("9").target_groups == ["DUS", "ZAV"]
    assert workplan.item("9.2.1").target_groups == ["DUS", "ZAV"]


def test_workplan_activity_level_services_are_direct(workplan):
    # 1.3.1 lists eight services of social prevention (inflected, in prose)
    assert workplan.item("1.3.1").service_paragraphs == ["57", "58", "60a", "61", "62", "65", "67", "69"]
    # 6.1.1 / 7.2.1: ten services; 6.1.2 / 7.2.2 add raná péče
    ten = ["43", "57", "58", "60a", "61", "62", "65", "67", "69", "70"]
    assert workplan.item("6.1.1").service_paragraphs == ten
    assert workplan.item("7.2.1").service_paragraphs == ten
    assert workplan.item("6.1.2").service_paragraphs == sorted(ten + ["54"], key=lambda p: (int(p.rstrip("a")), p))
    assert workplan.item("7.2.2").service_paragraphs == workplan.item("6.1.2").service_paragraphs
    # the measure above 7.2.x lists the same ten: nothing left to inherit but priority 7's
    assert workplan.item("7.2.1").inherited_paragraphs == []
    # 5.2.x: "domovy pro osoby se zdravotním postižením" (inflected: "domovech", "domovů")
    assert workplan.item("5.2.2").service_paragraphs == ["48"]
    assert workplan.item("5.2.2").target_groups == ["OZP"]
    # activities of priority 3 (information) name no service type at all
    for number in ("3.1.1", "3.2.1", "3.3.1", "3.3.2"):
        item = workplan.item(number)
        assert item.service_paragraphs == item.inherited_paragraphs == []


def test_workplan_project_titles_in_quotes_are_not_target_groups(workplan):
    # "…v rámci Individuálního projektu „Rozvoj péče o osoby s duševním onemocněním…“"
    assert "DUS" not in workplan.item("1.1.2").target_groups
    assert "DUS" not in workplan.item("2.1.1").target_groups
    # …but 1.2.5 is about educating staff for "osoby s duševním onemocněním"
    assert "DUS" in workplan.item("1.2.5").target_groups


def test_workplan_subactivities_are_folded_into_their_activity(workplan):
    a = workplan.item("1.2.6")
    subs = a.raw["podaktivity"]
    assert [s["number"] for s in subs] == ["1.2.6.1", "1.2.6.2", "1.2.6.3", "1.2.6.4"]
    assert "Podaktivita 1.2.6.3 Vzdělávání uživatelů a jejich zapojení jako poradců" in a.description
    assert a.period_text == "dle harmonogramu projektu (červen 2011 – březen 2013)"
    # "…ve službách chráněné bydlení a podpora samostatného bydlení" in 1.2.6.3
    assert {"43", "48", "51"} <= set(a.service_paragraphs)
    notes = _messages(workplan, "1.2.6")
    assert sum("Podaktivita" in m for m in notes) == 4


def test_workplan_problems(workplan):
    msgs = _messages(workplan)
    # other paragraphs of the law are notes, never mapped
    assert any("§ 95" in m and "nepřevedeno" in m for m in _messages(workplan, "1.1"))
    assert any("§ 94" in m for m in _messages(workplan, "3.1"))
    assert {"79", "80"} <= {m.split("§ ")[1].split()[0] for m in _messages(workplan, "1.2.1")}
    for item in workplan.items:
        assert not {"79", "80", "84", "88", "89", "94", "95"} & set(item.service_paragraphs)
    # "pobytové služby" is a form, not a service type
    assert any("„pobytové služby“" in m for m in _messages(workplan, "4"))
    assert any("Opatření 9.1 nemá" in m for m in msgs)
    # free text after the last activity of a measure goes to the measure, reported
    assert any("Text za aktivitou 5.2.2" in m for m in msgs)
    assert "Transformace sociálních služeb pro osoby se zdravotním postižením je rovněž" in (
        workplan.item("5.2").description
    )
    assert "deinstitucionalizace" not in workplan.item("5.2.2").raw["Výstupy/dokumenty"]
    lines = [p.line_no for p in workplan.problems]
    assert lines == sorted(lines)
    assert all(isinstance(p, Problem) and p.message_cs for p in workplan.problems)
    # problem lines point at the text: § 95 of measure 1.1 is on line 53 of the seed
    assert any(p.line_no == 53 and "§ 95" in p.message_cs for p in workplan.problems)


# --------------------------------------------------------------------------- format 1 seed


def test_cards_format_header_and_counts(cards):
    assert cards.format == FORMAT_CARDS
    assert cards.region_hint == "Liberecký kraj"
    assert (cards.valid_from_year, cards.valid_to_year) == (2014, 2017)
    assert "Střednědobý plán rozvoje sociálních služeb v Libereckém kraji" in cards.title
    acts = cards.activities
    assert len(acts) == 45
    assert acts[0].number == "A01-01"
    assert acts[-1].number == "A10-04"
    assert [a.number for a in acts if a.number.startswith("A02")] == [f"A02-0{i}" for i in range(1, 8)]
    assert len({a.number for a in acts}) == 45
    # "Císlo aktivity" (misspelt label) and trailing tabs: A07-05, A09-02 are there, clean
    assert cards.item("A07-05").name == "Podpora návazného bydlení"
    assert cards.item("A09-02").name.endswith("včetně provázanosti se SPRSS LK")
    assert all(a.parent_number is None for a in acts)


def test_cards_goals_with_names_and_links(cards):
    goals = {g.number: g.name for g in cards.items_of("goal")}
    assert {f"SC{i}" for i in range(1, 10)} <= set(goals)
    assert goals["SC2"] == (
        "Humanizace a transformace pobytových služeb pro osoby se zdravotním postižením a seniory"
    )
    # "SC2 <text> <text of SC3>\tSC3" — the code after its text is split off correctly
    assert goals["SC3"] == "Podpora integrace OZP do běžného života (terénní a ambulantní služby)"
    assert goals["SC4"] == "Zlepšení nabídky služeb sociální prevence"
    assert all(goals.values())
    assert cards.item("A01-01").goals == ["SC2", "SC3"]  # "…služby)\tSC3"
    assert cards.item("A01-03").goals == ["SC2", "SC3"]  # "SC2 … SC3 …"
    assert cards.item("A03-01").goals == ["SC1", "SC2", "SC5"]  # "Vazba na další strategické cíle"
    assert cards.item("A10-02").goals == ["SC8", "SC9"]
    assert cards.item("A07-01").goals[-1] == "SC10"  # the card really names SC10


# (number, target groups, paragraphs) checked by hand against the seed text
HAND_CHECKED = [
    # "S, OZP\t" / "Odlehčovací služby (§ 44)\t"
    ("A01-01", ["S", "OZP"], ["44"]),
    # "Osobní asistence (§ 39), Pečovatelská služba (§ 40)"
    ("A01-02", ["S", "OZP"], ["39", "40"]),
    # "Týdenní stacionáře (§ 47), Domovy pro OZP (§ 48), Domovy pro seniory (§49), … (§50)"
    ("A03-01", ["S", "OZP"], ["47", "48", "49", "50"]),
    # "Podpora samostaného bydlení (§ 43)" (misspelt), "…zařízeních ústavní péče (§ 52)"
    ("A03-04", ["S", "OZP"], ["43", "51", "52", "67", "68", "70"]),
    # "rodina s dětmi" (alias) / twelve services incl. (§ 60a)
    ("A04-01", ["RD"], ["37", "44", "46", "54", "57", "58", "60", "60a", "62", "65", "69", "70"]),
    # "děti a mládež od 6 do 26 let"
    ("A04-05", ["DM"], ["62"]),
    # "rodina s dětmi, osoby ohrožené sociálním vyloučením, OZP, S, osoby ohrožené závislostí,"
    # / "Sociální poradenství (§37)" without a space
    ("A05-01", ["S", "OZP", "RD", "OSV", "ZAV"], ["37"]),
    # "osoby ohrožené sociálním vyloučením, včetně národnostních menšin a cizinců"
    ("A06-01", ["OSV", "NM"], ["69"]),
    # "…, děti a mládež do 26 let, rodiny s dětmi, cizinci, národnostní menšiny"
    ("A06-03", ["RD", "DM", "OSV", "NM"], ["57", "62", "65", "69", "70"]),
    # "uživatelé návykových látek"
    ("A07-01", ["OSV", "ZAV"], ["37", "69"]),
    # "…, Terapeutické komunity (§68), Terénní programy" — last name without a paragraph
    ("A07-03", ["OSV"], ["37", "50", "59", "64", "68", "69"]),
    # "osoby ohrožení závislostí" / "Terenní programy (§69)" (misspelt)
    ("A07-04", ["OSV", "ZAV"], ["37", "50", "59", "64", "68", "69"]),
    # "pracovníci v sociálních službách"
    ("A10-04", ["PSS"], []),
]


@pytest.mark.parametrize("number,groups,paragraphs", HAND_CHECKED)
def test_cards_hand_checked_sample(cards, number, groups, paragraphs):
    item = cards.item(number)
    assert item.target_groups == groups
    assert item.service_paragraphs == paragraphs
    assert item.inherited_paragraphs == []


def test_cards_misspelt_target_groups(cards):
    # "OZP, osoby ohrožené sociálních vyloučením" / "nerelevantní" services
    a = cards.item("A03-02")
    assert a.target_groups == ["OZP", "OSV"]
    assert a.not_relevant and not a.all_services and a.service_paragraphs == []
    # "nerrelevantní" in both fields
    b = cards.item("A09-01")
    assert b.target_groups_not_relevant and b.target_groups == []
    assert b.not_relevant and b.service_paragraphs == []
    assert not _messages(cards, "A09-01")


def test_cards_all_services_flag(cards):
    # "dopad na všechny druhy služeb" / "dopad na všechny cílové skupiny"
    a = cards.item("A08-01")
    assert a.all_services and a.all_target_groups
    assert a.service_paragraphs == [] and a.target_groups == []
    # "všechny" in both fields
    b = cards.item("A10-01")
    assert b.all_services and b.all_target_groups
    # all services but target groups "nerelevantní"
    c = cards.item("A10-02")
    assert c.all_services and c.target_groups_not_relevant and not c.all_target_groups
    # "všechny" target groups, services "nerrelevantní"
    d = cards.item("A09-03")
    assert d.all_target_groups and d.not_relevant and not d.all_services
    flagged = sorted(x.number for x in cards.activities if x.all_services)
    assert flagged == ["A08-01", "A08-03", "A08-04", "A09-02", "A09-04", "A09-05",
                       "A10-01", "A10-02", "A10-03", "A10-04"]  # fmt: skip


def test_cards_prefix_before_service_list(cards):
    # "služby sociální prevence: Raná péče (§54), …, Sociální rehabilitace (§70)"
    a = cards.item("A08-02")
    assert a.service_paragraphs == [
        "54", "55", "56", "57", "58", "59", "60", "60a", "61",
        "62", "63", "64", "65", "66", "67", "68", "69", "70",
    ]  # fmt: skip
    assert not a.all_services
    assert a.target_groups_not_relevant
    assert a.raw["prefix druhů služeb"] == "služby sociální prevence"


def test_cards_other_paragraphs_of_the_law_are_reported(cards):
    # A01-03: "Zařízení sociálních služeb (§ 34)"
    a = cards.item("A01-03")
    assert a.service_paragraphs == []
    [msg] = _messages(cards, "A01-03")
    assert "§ 34" in msg and "nepřevedeno" in msg
    # A09-02: "dopad na všechny druhy sociálních služeb a dále §94, §95. §96 zákona …"
    b = cards.item("A09-02")
    assert b.all_services and b.service_paragraphs == []
    msgs = _messages(cards, "A09-02")
    assert [m for m in msgs if "§ 94" in m] and [m for m in msgs if "§ 95" in m]
    assert [m for m in msgs if "§ 96" in m]
    assert not [m for m in msgs if "§ 108" in m or "§ 2006" in m]
    assert {p.line_no for p in cards.problems if p.item_number == "A09-02"} == {940}
    assert all(p.severity == "note" for p in cards.problems if p.item_number in ("A01-03", "A09-02"))


def test_cards_problem_list_is_exactly_the_unread_parts(cards):
    assert [(p.item_number, p.line_no) for p in cards.problems] == [
        ("A01-03", 78), ("A09-02", 940), ("A09-02", 940), ("A09-02", 940),
    ]  # fmt: skip


def test_cards_fields_and_html_description(cards):
    a = cards.item("A01-01")
    assert a.name == "Podpora a rozvoj odlehčovacích služeb"
    assert a.period_text == "2014-2017"
    assert a.responsible == "LK, obce"
    assert a.financing == "LK, obce"
    assert a.description.startswith("V rámci SPRSS LK je nutné zaměřit aktivity na potřeby")
    assert "----" not in a.description and "Střednědobý plán" not in a.description
    # <p>…</p> (and other tags) stripped
    b = cards.item("A04-01")
    assert b.raw["Popis aktivity"].startswith("<p>")
    assert "<" not in b.description and ">" not in b.description
    assert b.description.startswith("Podpora vzniku služeb, u kterých analýza")
    assert all("<" not in x.description for x in cards.activities)
    # no dashed line after the description (A04-04, A08-04): it ends at the next card
    c = cards.item("A04-04")
    assert c.description.endswith("bezdomovectví v ČR do roku 2020.")
    assert cards.item("A08-04").period_text == "2014-2016"
    assert all(x.description for x in cards.activities)


# --------------------------------------------------------------------------- determinism


def test_parsing_twice_gives_identical_output():
    for path in (WORKPLAN_SEED, CARDS_SEED):
        text = _seed(path)
        first, second = parse_plan(text), parse_plan(text)
        assert first == second
        assert dataclasses.asdict(first) == second.to_dict()


def test_parse_plan_file_and_crlf(tmp_path):
    text = _seed(CARDS_SEED)
    crlf = tmp_path / "cards.txt"
    crlf.write_bytes(("\ufeff" + text).replace("\n", "\r\n").encode("utf-8"))
    assert parse_plan_file(crlf) == parse_plan(text)
    cp = tmp_path / "cards-cp1250.txt"
    cp.write_bytes(text.encode("cp1250", errors="replace"))
    assert len(parse_plan_file(cp).activities) == 45


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "Lorem ipsum dolor sit amet.\nNákupní seznam: mléko, chléb.",
        "Priorita bez čísla\nAktivita bez čísla",
        "Číslo jednací: KK/123/SV/2024",
    ],
)
def test_garbage_raises_plan_format_error(text):
    with pytest.raises(PlanFormatError) as exc:
        parse_plan(text)
    assert "Soubor není v žádném ze známých formátů plánu" in str(exc.value)


def test_detect_format():
    assert detect_format("KARTA ROZVOJOVÉ AKTIVITY\nČíslo aktivity:\tA01-01") == FORMAT_CARDS
    assert detect_format("Císlo aktivity:\tA01-01") == FORMAT_CARDS
    assert detect_format("Priorita 1. Něco\nOpatření 1.1 Něco") == FORMAT_WORKPLAN
    assert detect_format("\tAktivita 2.1.1 Jednání") == FORMAT_WORKPLAN


# --------------------------------------------------------------------------- synthetic snippets


def _card(number: str | None, name: str, groups: str, services: str, extra: str = "") -> str:
    lines = []
    if number is not None:
        lines.append(f"Číslo aktivity:\t{number}\t")
    lines += [
        f"Název aktivity:\t{name}",
        "Vazba na strategický cíl:\tSC1 Rozvoj služeb pro seniory",
        f"Cílové skupiny uživatelů:\t{groups}",
        f"Dotčené druhy sociálních služeb (§):\t{services}",
        "Doba realizace:\t2015",
        "-----------\t----",
        "Odpovědnost za realizaci\tkraj",
        "Financování:\tkraj",
        "Popis aktivity:\tPopis.",
        "-----------\t--",
        "",
    ]
    return extra + "\n".join(lines) + "\n"


HEADER = "Střednědobý plán rozvoje sociálních služeb v Ústeckém kraji 2016-2018\n\nKARTA ROZVOJOVÉ AKTIVITY\n\nleden 2016\n\n"


def test_snippet_card_without_number_is_reported_not_dropped_silently():
    text = HEADER + _card("B01-01", "První", "S", "Osobní asistence (§ 39)") + _card(
        None, "Druhá bez čísla", "S", "Osobní asistence (§ 39)"
    )
    plan = parse_plan(text)
    assert [a.number for a in plan.activities] == ["B01-01"]
    [problem] = plan.problems
    assert problem.item_number is None
    assert "bez čísla" in problem.message_cs and "Druhá bez čísla" in problem.message_cs
    assert problem.severity == "error"
    assert plan.region_hint == "Ústecký kraj"
    assert (plan.valid_from_year, plan.valid_to_year) == (2016, 2018)


def test_snippet_unknown_names_and_fuzzy_matches():
    text = HEADER + _card(
        "B01-02",
        "Test",
        "senioři, lidé bez přístřeší, osoby s chronickým duševním onemocněním",
        "Pecovatelska sluzba, Osobní asistnce, Zahradní terapie (§ 108), Canisterapie, "
        "Tisnova pece (§41), Krizová pomoc (§ 39)",
    )
    plan = parse_plan(text)
    a = plan.item("B01-02")
    assert a.target_groups == ["S", "DUS"]
    # accent-less name, misspelt name (fuzzy), § 41 without space, § 39 kept despite the name
    assert a.service_paragraphs == ["39", "40", "41"]
    msgs = _messages(plan, "B01-02")
    assert any("Neznámá cílová skupina „lidé bez přístřeší“" in m for m in msgs)
    assert any("Neznámý druh sociální služby „Canisterapie“" in m for m in msgs)
    assert any("§ 108" in m for m in msgs)
    assert any("„Osobní asistnce“ přiřazen podle podobnosti k § 39" in m for m in msgs)
    assert any("„Krizová pomoc“ odpovídá § 60, ale uveden je § 39" in m for m in msgs)


def test_snippet_labels_without_tabs_and_unknown_lines():
    text = HEADER + (
        "Číslo aktivity: C02-01\n"
        "Název aktivity: Bez tabulátorů\n"
        "Vazba na další strategické cíle: SC4 Prevence\n"
        "Cílové skupiny uživatelů: RD\n"
        "Dotčené druhy sociálních služeb (§): Raná péče (§ 54)\n"
        "Odpovědnost za realizaci obce\n"
        "Popis aktivity: <p>První odstavec.</p><p>Druhý&nbsp;odstavec.</p>\n"
        "--------\n"
        "Poznámka: tohle pole karta nezná\n"
    )
    plan = parse_plan(text)
    a = plan.item("C02-01")
    assert (a.name, a.goals, a.target_groups, a.service_paragraphs) == (
        "Bez tabulátorů", ["SC4"], ["RD"], ["54"],
    )
    assert a.responsible == "obce"
    assert a.description == "První odstavec.\nDruhý odstavec."
    assert plan.item("SC4", kind="goal").name == "Prevence"
    assert any("Nerozpoznaný řádek karty" in m and "Poznámka" in m for m in _messages(plan))
    assert any("Doba realizace" in m for m in _messages(plan, "C02-01"))  # missing field reported


def test_snippet_goal_code_after_its_text():
    text = HEADER + _card("D01-01", "A", "S", "nerelevantní").replace(
        "SC1 Rozvoj služeb pro seniory", "SC1 Rozvoj služeb pro seniory SC2 Transformace pobytových služeb"
    ) + _card("D01-02", "B", "S", "nerelevantní").replace(
        "SC1 Rozvoj služeb pro seniory", "SC1 Rozvoj služeb pro seniory Transformace pobytových služeb\tSC2"
    )
    plan = parse_plan(text)
    assert plan.item("D01-02").goals == ["SC1", "SC2"]
    assert plan.item("SC1").name == "Rozvoj služeb pro seniory"
    assert plan.item("SC2").name == "Transformace pobytových služeb"


WORKPLAN_SNIPPET = """PLÁN PRÁCE NA OBDOBÍ 2013 – 2014
Střednědobý plán rozvoje sociálních služeb v Plzeňském kraji
2. Strategie
Priorita 1. Podpora služeb pro seniory.
Opatření 1.1 Síť služeb
Priorita 2. Podpora služeb sociální prevence. Zaměření pozornosti především na sociální služby: azylové domy, noclehárny, sociální šatníky.
Opatření 2.1 Krátký název
3. Priority, opatření, aktivity
3.1 Priorita 1.
Priorita 1. Podpora služeb pro seniory. Zaměření pozornosti především na sociální služby: pečovatelská služba, domovy pro seniory.
Opatření 1.1 Síť služeb pro seniory v kraji
Stručný popis opatření:
Mapování potřeb.
\tAktivita 1.1.1 Rozvoj pečovatelské služby

\tPopis aktivity
\tPodpora pečovatelské služby a odlehčovacích služeb v obcích, dále dle § 95 zákona.

\tZodpovídá/spolupráce
\todbor sociálních věcí

\tČasový harmonogram
\t2013 – 2014

\tFinancování
\trozpočet kraje

\tVýstupy/dokumenty
\tzpráva


3.2 Priorita 2.
Priorita 2. Podpora služeb sociální prevence. Zaměření pozornosti především na sociální služby: azylové domy, noclehárny, sociální šatníky.
Opatření 2.1 Krátký název
\tAktivita 2.1.1 Azylové bydlení
\tPopis aktivity
\tFinancování provozu azylových domů a Domu na půl cesty pro rodiny s dětmi.
\tAktivita 2.2.1 Sirotek bez opatření
\tPopis aktivity
\tNic.
4. Závěr
Schváleno.
"""


def test_snippet_workplan_inheritance_inflection_and_summary_dedup():
    plan = parse_plan(WORKPLAN_SNIPPET)
    assert plan.format == FORMAT_WORKPLAN
    assert plan.region_hint == "Plzeňský kraj"
    assert (plan.valid_from_year, plan.valid_to_year) == (2013, 2014)
    assert plan.counts() == {"priority": 2, "measure": 2, "activity": 3}
    # summary + detail merged; the longest name and description win
    p1 = plan.item("1", kind="priority")
    assert p1.name == "Podpora služeb pro seniory"
    assert p1.description.endswith("pečovatelská služba, domovy pro seniory.")
    assert p1.service_paragraphs == ["40", "49"]
    assert p1.target_groups == ["S"]
    m11 = plan.item("1.1")
    assert m11.name == "Síť služeb pro seniory v kraji"
    assert m11.description == "Mapování potřeb."
    a = plan.item("1.1.1")
    # "pečovatelské služby", "odlehčovacích služeb" (inflected) → direct; § 95 → note
    assert a.service_paragraphs == ["40", "44"]
    assert a.inherited_paragraphs == ["49"]
    assert a.inherited_target_groups == ["S"]
    assert a.period_text == "2013 – 2014"
    assert a.financing == "rozpočet kraje"
    assert a.raw["Výstupy/dokumenty"] == "zpráva"
    b = plan.item("2.1.1")
    # "azylových domů", "Domu na půl cesty" → 57, 58; "pro rodiny s dětmi" → RD
    assert b.service_paragraphs == ["57", "58"]
    assert b.target_groups == ["RD"]
    assert b.inherited_paragraphs == ["63"]
    msgs = _messages(plan)
    assert any("§ 95" in m for m in _messages(plan, "1.1.1"))
    assert sum("„sociální šatníky“" in m for m in msgs) == 1  # summary not reported twice
    assert any("Aktivita 2.2.1 nemá v plánu opatření 2.2" in m for m in msgs)
    assert plan.item("2.2.1").parent_number == "2.2"


def test_catalogue_override_via_data_dir(tmp_path):
    (tmp_path / "service-types.csv").write_text(
        "paragraph,name,category\n39,Osobní asistence,péče\n99,Zkušební služba,prevence\n", encoding="utf-8"
    )
    (tmp_path / "target-groups.csv").write_text(
        "code,name,aliases\nX,zkušební skupina,testovací lidé\nALL,všechny,\nNR,nerelevantní,\n",
        encoding="utf-8",
    )
    text = HEADER + _card("E01-01", "Test", "testovací lidé, S", "Zkušební služba, Osobní asistence (§ 40)")
    plan = parse_plan(text, data_dir=tmp_path)
    a = plan.item("E01-01")
    assert a.target_groups == ["X"]
    assert a.service_paragraphs == ["99"]
    msgs = _messages(plan, "E01-01")
    assert any("„S“" in m for m in msgs)  # S is not in this catalogue
    assert any("§ 40" in m for m in msgs)
    # the default catalogue is untouched
    assert parse_plan(text).item("E01-01").target_groups == ["S"]


def test_output_types():
    plan = parse_plan(WORKPLAN_SNIPPET)
    assert all(isinstance(item, ParsedItem) for item in plan.items)
    assert {item.kind for item in plan.items} <= {"priority", "measure", "activity", "goal"}
    for item in plan.items:
        assert all(isinstance(x, str) for x in item.service_paragraphs + item.target_groups)


# --------------------------------------------------------------------------- plan names as cited


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "PLÁN PRÁCE NA OBDOBÍ 2011 – 2012 ke Střednědobému plánu rozvoje sociálních služeb v Karlovarském kraji "
            "na období 2009 – 2013",
            "Plán práce na období 2011 – 2012 ke Střednědobému plánu rozvoje sociálních služeb v Karlovarském kraji "
            "na období 2009 – 2013",
        ),
        (
            "STŘEDNĚDOBÝ PLÁN ROZVOJE SOCIÁLNÍCH SLUŽEB LIBERECKÉHO KRAJE 2014–2017 (SPRSS)",
            "Střednědobý plán rozvoje sociálních služeb Libereckého kraje 2014–2017 (SPRSS)",
        ),
        ("Střednědobý plán rozvoje sociálních služeb Libereckého kraje", "Střednědobý plán rozvoje sociálních služeb Libereckého kraje"),
        ("„plán práce“ OP LZZ", "„Plán práce“ OP LZZ"),
    ],
)
def test_plan_names_are_cited_in_sentence_case(title, expected):
    from opinions.plan_parser.text import sentence_case

    assert sentence_case(title) == expected
