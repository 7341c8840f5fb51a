"""docs/acts.md: the act catalogue for the office's lawyer, generated from the data files.

One section per entry (basis, výrok, poučení, fixed wordings, signer, delivery, valid from, what
was verified), the placeholders of each file, the fields each template may use (an uploaded
template is refused when it uses another), and a rendered first page (docs/acts/<code>.png,
made by scripts/render_acts.sh). ``manage.py acts_doc`` rewrites it; a test checks it is current.
"""

from __future__ import annotations

from pathlib import Path

from .acts import catalogue_files
from .documents import FORM_FIELDS, template_fields

FORM = {"decision": "rozhodnutí", "resolution": "usnesení", "notice": "písemnost", "letter": "dopis",
        "opinion": "vyjádření"}
DELIVERY = {
    "delivered": "doručuje se účastníkům (do vlastních rukou, datovou schránkou)",
    "file_note": "pouze se poznamená do spisu; účastník se vyrozumí",
    "sent": "zasílá se adresátovi",
}


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in (text or "—").strip().splitlines())


def render_markdown(png_dir: Path | None = None) -> str:
    out = [
        "# Katalog písemností (pro právníka úřadu)",
        "",
        "Vygenerováno příkazem `python manage.py acts_doc` z datových souborů `*/acts.yaml`; neupravujte ručně.",
        "Zdrojem pravdy jsou datové soubory; úřad může položku upravit v administraci (Katalog písemností) –",
        "úprava se zapíše do historie a další načtení datového souboru ji ponechá. Novela zákona = nová položka",
        "se stejným kódem a pozdějším datem „platí od“. Texty v `{složených závorkách}` doplní systém z případu.",
        "",
        "Ověření právních bodů (zdroje, co ověřeno a co ne) je u každé položky v odstavci „Ověření“.",
        "",
        "## Pole společná všem šablonám (úřední forma)",
        "",
        ", ".join(f"`{f}`" for f in sorted(FORM_FIELDS)),
        "",
    ]
    for cfile in catalogue_files():
        out += [f"## Agenda `{cfile.agenda}` (`{cfile.path.parent.name}/{cfile.path.name}`)", ""]
        if cfile.sources:
            out += ["Zdroje, proti nimž autor katalogu citace ověřoval (žádný není konsolidovaným zněním Sbírky; "
                    "právník úřadu je potvrdí proti e-Sbírce):", ""]
            out += [f"- {source}" for source in cfile.sources]
            out.append("")
        if cfile.placeholders:
            out += ["Proměnné v textech:", ""]
            out += [f"- `{{{name}}}` – {desc}" for name, desc in cfile.placeholders.items()]
            out.append("")
        for entry in cfile.entries:
            code = entry["code"]
            template = entry.get("template") or code
            out += [
                f"### {entry['title']} (`{code}`)",
                "",
                f"- **Forma:** {FORM[entry['form']]}; **platí od:** {entry['valid_from']:%-d. %-m. %Y}",
                f"- **Právní základ:** {' '.join(entry['legal_basis'].split())}",
                f"- **Podepisuje:** {entry['signer_function']} (v dokumentu vlastní funkce podepisující osoby, "
                f"jinak tato); **razítko:** {'ano' if entry.get('seal') else 'ne'}",
                f"- **Doručení:** {DELIVERY[entry['delivery']]}",
                f"- **Odvolání:** " + (f"ano, {entry.get('appeal_days')} dnů, odkladný účinek "
                                       f"{'ano' if entry.get('suspensive_effect') else 'ne'}"
                                       if entry.get("appealable") else "ne"),
                "",
            ]
            if entry.get("verdict"):
                out += ["**Výrok:**", "", _quote(" ".join(entry["verdict"].split())), ""]
            out += ["**Poučení:**", "", _quote(" ".join((entry.get("instruction") or "").split()) or "—"), ""]
            for key, text in (entry.get("texts") or {}).items():
                out += [f"**Pevné znění `{key}`:**", "", _quote(" ".join(str(text).split())), ""]
            if entry.get("review_note"):
                out += [f"**Ověření:** {' '.join(entry['review_note'].split())}", ""]
            fields = sorted(template_fields(template) - FORM_FIELDS)
            out += [f"**Pole šablony `{template}`:** " + (", ".join(f"`{f}`" for f in fields) or "jen společná"), ""]
            if png_dir is not None and (png_dir / f"{code}.png").exists():
                out += [f"![{entry['title']}](acts/{code}.png)", ""]
        if cfile.received:
            out += ["### Akty jiného orgánu, které úřad jen zapisuje", "",
                    "Úřad je nevydává: zapíše je z doručeného rozhodnutí (č. j., den vydání, den oznámení, soubor) "
                    "a systém podle nich upraví stav případu, lhůty, právní moc a rejstřík.", ""]
            for entry in cfile.received:
                out += [
                    f"#### {entry['title']} (`{entry['code']}`)",
                    "",
                    f"- **Právní základ:** {entry['legal_basis']}",
                    f"- **Vydává:** {entry['issued_by']}",
                    f"- **Co zápis udělá:** {entry['effect']}",
                    "",
                ]
                if entry.get("review_note"):
                    out += [f"**Ověření:** {entry['review_note']}", ""]
    return "\n".join(out).rstrip() + "\n"
