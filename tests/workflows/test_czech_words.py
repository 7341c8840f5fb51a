"""Every word Czech (issue 12, item 10): the pages each role reaches — dashboard, inbox, queue,
team, search, registry, provider pages, opinions, case pages, every start and task form, the
error pages, the headers of the exports — are crawled with the test client as every role, and
their visible text (with the titles, labels and placeholders a screen reader reads) is checked
against English words and the mistakes issue 12 lists: wrong Czech plurals ("chybí 1 položek"),
logins in place of names, internal file names, Czech without diacritics, doubled history lines.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from viewflow.workflow import flow as vf_flow

from workflows import agendas
from workflows.models import Case

from .test_one_frame import NON_ADMIN, demo_world, human_nodes, task_at  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

#: English a user might meet (Viewflow's, Django's and our own leftovers); whole words, case-sensitive
#: where the word is also Czech-looking in lower case
ENGLISH = re.compile(
    r"\b(Start|End|Render Error|today|Today|Case List|Django|Material|Error|Submit|Cancel|Save|Delete|Search|"
    r"Next|Previous|Loading|None|True|False|and|or|Yes|No|Process(es)?|Tasks?|Assign|Unassign|Details?|"
    r"Back|Home|Page not found|Server [Ee]rror|Select|This field|Enter a valid|required|Unknown|Name|"
    r"Status|Created|Updated|Actions?|Download|Upload|Filter|Sort|Dashboard|Inbox|Queue|Logout|Login|"
    r"Password|Username|Issue|Deficiency|Decision|Notice|Opinion|Draft|Approve|Reject|Registry|"
    r"deadline|overdue|pending|granted|refused|terminated|assigned|scheduled|canceled|done|new|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b")
#: Czech plural mistakes: 1 takes the singular, 2–4 the paucal, 0 and 5+ the genitive plural
PLURALS = re.compile(
    r"\b1 (položek|položky|dní|dnů|dny|chyb|chyby|úkolů|úkoly|případů|případy|dokumentů|dokumenty)\b|"
    r"\b[2-4] (položek|položka|chyb|chyba|úkolů|úkol|případů|případ|dokumentů|dokument)\b|"
    r"\b([5-9]|\d\d+) (položky|položka|chyby|chyba|úkoly|úkol|případy|případ|dokumenty|dokument)\b")
#: Czech written without its diacritics (match reasons, labels)
NO_DIACRITICS = re.compile(r"\b(cilov\w*|sluzb\w*|uzemi|obdobi|zadost\w*|rizeni|vyjadreni|prilo\w*|"
                           r"skupin[ay] (osob|sluzeb)|planu rozvoje|dvoji financovani|financovani)\b", re.I)
#: internal file names (the seed importer's 000_…txt, hashes, uploads' temporary names)
FILE_NAMES = re.compile(r"\b\d{3}_[0-9a-f]{4,}\w*|\b\w+\.(txt|tmp|py)\b|\b[0-9a-f]{32,}\.\w+\b")
#: logins that are no Czech word: shown where a person's name belongs
LOGINS = re.compile(r"(?<![\w/@.-])(referent2|planovac|koordinator|vedouci|zastupce|spravce|ctenar)(?![\w@.-])")

READ_ATTRS = {"title", "aria-label", "placeholder", "alt"}


class VisibleText(HTMLParser):
    """The text a user sees or hears: text outside script/style/svg-defs, and the attributes a
    screen reader reads; a hidden input's value and the SHA-256 column are not text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self.skip += 1
            return
        for name in READ_ATTRS:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    text = "\n".join(parser.parts)
    return re.sub(r"\b[0-9a-f]{64}\b", "", text)  # document hashes are shown on purpose


def history_doubles(html: str) -> list[str]:
    """Consecutive identical lines of a case's history."""
    match = re.search(r'id="history".*?</(ol|ul)>', html, re.S)
    if not match:
        return []
    lines = [re.sub(r"\s+", " ", visible_text(li)).strip() for li in re.findall(r"<li[^>]*>(.*?)</li>", match.group(0), re.S)]
    return [a for a, b in zip(lines, lines[1:]) if a and a == b]


def problems_of(text: str) -> list[str]:
    found = []
    for name, pattern in (("anglicky", ENGLISH), ("plurál", PLURALS), ("bez diakritiky", NO_DIACRITICS),
                          ("interní soubor", FILE_NAMES), ("login místo jména", LOGINS)):
        for match in pattern.finditer(text):
            line = text[max(0, match.start() - 40):match.end() + 40].replace("\n", " ⏎ ")
            found.append(f"{name}: {match.group(0)!r} v „…{line}…“")
    return found


def _pages(user) -> list[str]:
    """The URLs the role reaches from the navigation and the lists (ids from the demo data)."""
    from opinions.models import Opinion
    from registrations.models import Provider

    urls = ["/", "/prehled/", "/ukoly/", "/fronta/", "/tym/", "/hledat/?q=a", "/hledat/?q=Sokolov",
            "/registry/", "/registry/?q=a", "/opinions/", "/registry/celostatni-registr/",
            "/tato-stranka-neexistuje/"]
    urls += [f"/registry/poskytovatel/{pk}/" for pk in Provider.objects.order_by("pk").values_list("pk", flat=True)[:4]]
    urls += [f"/opinions/{pk}/" for pk in Opinion.objects.order_by("pk").values_list("pk", flat=True)[:6]]
    for agenda in agendas.agendas():
        for kind, _label in agenda.case_kinds:
            cases = Case.objects.filter(kind=kind).order_by("pk").values_list("pk", flat=True)
            urls += [f"/pripady/{pk}/" for pk in cases[:3]]
    return urls


def test_every_page_every_role_reaches_is_czech(client, demo_world):
    from workflows.demo import ensure_demo_users  # noqa: F401 (the world has the demo users)

    problems: list[str] = []
    served = 0
    for role in NON_ADMIN:
        user = demo_world[role]
        client.force_login(user)
        urls = _pages(user)
        for entry in agendas.flows():
            for node in entry.flow_class.instance.nodes():
                if isinstance(node, vf_flow.Start):
                    urls.append(node.reverse("execute"))
            for node in human_nodes(entry.flow_class):
                task = task_at(node, user)
                if task is not None:
                    urls.append(node.reverse("execute", args=[task.process_id, task.pk]))
        for url in urls:
            response = client.get(url)
            if response.status_code in (301, 302):
                continue
            if response.status_code not in (200, 403, 404):
                problems.append(f"{role} {url}: HTTP {response.status_code}")
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            served += response.status_code == 200
            html = response.content.decode(errors="ignore")
            problems += [f"{role} {url}: {p}" for p in problems_of(visible_text(html))]
            problems += [f"{role} {url}: zdvojená řádka historie {d!r}" for d in history_doubles(html)]
    assert served >= 150, served  # the crawl really reached the pages
    assert not problems, f"{len(problems)} problémů:\n" + "\n".join(dict.fromkeys(problems))


def test_export_headers_are_czech(client, demo_world):
    """The column headers of the registry's exports (CSV) are Czech."""
    client.force_login(demo_world["referent"])
    response = client.get("/registry/export.csv")
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.count(";") >= 5
    assert problems_of(header.replace("_", " ")) == [], header


def test_the_checks_catch_what_issue_12_lists():
    """The patterns are not blind: each mistake the issue names is found."""
    samples = {
        "Start": "anglicky", "Render Error": "anglicky", "dnes a today": "anglicky", "Case List": "anglicky",
        "Materiál - Django Material": "anglicky", "okres Cheb and okres Sokolov": "anglicky",
        "Žádost je neúplná: chybí 1 položek": "plurál", "5 položky": "plurál",
        "cilova skupina se shoduje": "bez diakritiky", "000_f437a9c1.txt": "interní soubor",
        "Přiděleno: vedouci": "login místo jména",
    }
    for text, kind in samples.items():
        assert any(p.startswith(kind) for p in problems_of(text)), (text, problems_of(text))
    assert problems_of("Žádost je neúplná: chybí 1 položka; Kontrola úplnosti žádosti; Eva Chaloupková") == []
    html = '<ol id="history"><li>Založen případ</li><li>Posouzení</li><li>Posouzení</li></ol>'
    assert history_doubles(html) == ["Posouzení"]
