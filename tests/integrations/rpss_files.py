"""Files in the national registry's format (rpss.json), written by the tests: records built
field by field like the open data, streamed to disk one record at a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

REGION = "Karlovarský kraj"
NAMES = {"37": "Sociální poradenství", "39": "Osobní asistence", "40": "Pečovatelská služba",
         "49": "Domovy pro seniory", "50": "Domovy se zvláštním režimem"}
FORMS = {"residential": "pobytová", "outpatient": "ambulantní", "field": "terénní"}


def record(identifier, *, paragraph="49", ico="26593661", provider="Domov Slunečnice, z. ú.", forms=None,
           addresses=("Zahradní 1017/12, 36001 Karlovy Vary",), groups=("senioři",), since="2015-01-01", until=None,
           region=REGION, with_paragraph=True) -> dict:
    forms = forms or {"residential": 24}
    druh = {"kod": f"D{paragraph}", "nazev": NAMES.get(paragraph, f"Služba § {paragraph}")}
    if with_paragraph:
        druh["paragraf"] = paragraph
    return {
        "identifikator": identifier,
        "druhSocialniSluzby": druh,
        "poskytovatel": {"ico": ico, "nazev": provider, "pravniForma": "Ústav",
                         "adresa": {"ulice": "Zahradní", "cisloDomovni": "1017", "cisloOrientacni": "12",
                                    "obec": "Karlovy Vary", "psc": "360 01"}},
        "zarizeni": [{"nazev": f"Zařízení {identifier}", "adresa": {"textovaAdresa": a}} for a in addresses],
        "formy": [{"forma": FORMS[f], "kapacity": [{"typ": "počet lůžek" if f == "residential" else "počet klientů",
                                                     "hodnota": c}]} for f, c in forms.items()],
        "ciloveSkupiny": list(groups),
        "vekoveSkupiny": ["mladší senioři (65–80 let)", "starší senioři (nad 80 let)"],
        "datumPoskytovaniOd": since,
        "datumPoskytovaniDo": until,
        "kontakty": {"telefon": "+420 353 000 000", "email": "info@example.cz", "web": None},
        "registrujiciUrad": {"kodKraje": "CZ041" if region == REGION else "CZ010", "nazev": region},
    }


def write(path: Path, records: Iterable, *, updated_on="2026-11-30") -> Path:
    """Stream ``records`` into ``path`` as {"datumAktualizace": …, "polozky": [...]}."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"datumAktualizace": %s, "polozky": [\n' % json.dumps(updated_on))
        for index, item in enumerate(records):
            if index:
                out.write(",\n")
            out.write(item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
        out.write("\n]}\n")
    return path


def elsewhere(count: int, start: int = 3000000):
    """Services of other regions (not ours): the bulk of a national file."""
    for n in range(count):
        yield record(f"{start + n:07d}", paragraph=("37", "39", "40", "49", "50")[n % 5],
                     ico=f"{40000000 + n:08d}", provider=f"Poskytovatel {n} o. p. s.", region="Hlavní město Praha",
                     forms={"outpatient": 10 + n % 7, "field": 5}, addresses=(f"Ulice {n} {n % 300 + 1}, 110 00 Praha",),
                     groups=("senioři", "osoby se zdravotním postižením"), since="2012-05-01")
