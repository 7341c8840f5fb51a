"""Company lookup by IČO in ARES (Administrativní registr ekonomických subjektů, MF ČR).

A plain httpx client of ARES's public REST interface (OpenAPI description:
https://ares.gov.cz/ekonomicke-subjekty-v-be/rest/v3/api-docs, browsable at
https://ares.gov.cz/swagger-ui/):

- ``GET {base}/ekonomicke-subjekty/{ico}`` — the basic record (name, legal form code, seat,
  dates of creation and dissolution, which source registers list the subject as active);
- ``GET {base}/ekonomicke-subjekty-vr/{ico}`` — the public-register record with the
  statutory body (404 for subjects outside the public registers, e.g. most sole traders).

Answers are cached (``OSV_ARES_CACHE_SECONDS``, a day by default): ARES asks its users not to
repeat the same query. Every failure is an ``AresError`` with a Czech message for the form.
"""

from __future__ import annotations

import datetime
import re
import logging
from dataclasses import asdict, dataclass, field

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from .formats import czech_date
from .validators import clean_ico

logger = logging.getLogger(__name__)

DEFAULT_URL = "https://ares.gov.cz/ekonomicke-subjekty-v-be/rest"

# ČSÚ codebook of legal forms (ARES returns the code only); the common forms of providers of
# social services. An unknown code is shown as "kód NNN".
LEGAL_FORMS = {
    "100": "Podnikající fyzická osoba tuzemská",
    "101": "Fyzická osoba podnikající dle živnostenského zákona",
    "105": "Fyzická osoba podnikající dle jiných zákonů než živnostenského a zákona o zemědělství",
    "107": "Zemědělský podnikatel – fyzická osoba",
    "111": "Veřejná obchodní společnost",
    "112": "Společnost s ručením omezeným",
    "113": "Společnost komanditní",
    "117": "Nadace",
    "118": "Nadační fond",
    "121": "Akciová společnost",
    "141": "Obecně prospěšná společnost",
    "145": "Společenství vlastníků jednotek",
    "161": "Ústav",
    "205": "Družstvo",
    "325": "Organizační složka státu",
    "331": "Příspěvková organizace zřízená územním samosprávným celkem",
    "706": "Spolek",
    "707": "Odborová organizace",
    "721": "Církve a náboženské společnosti",
    "722": "Evidovaná církevní právnická osoba",
    "736": "Pobočný spolek",
    "801": "Obec",
    "804": "Kraj",
}


class AresError(Exception):
    """A lookup failed; ``message`` is Czech, for the user."""

    status = 502

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AresUnavailable(AresError):
    status = 503


class AresNotFound(AresError):
    status = 404


class AresInvalidIco(AresError):
    status = 400


@dataclass
class Company:
    ico: str
    name: str
    legal_form: str = ""
    legal_form_code: str = ""
    address: str = ""
    founded_on: str = ""  # ISO date
    dissolved_on: str = ""
    statutory_body: str = ""
    active: bool = True
    dic: str = ""
    sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["founded_on_display"] = _czech_date(self.founded_on)
        data["dissolved_on_display"] = _czech_date(self.dissolved_on)
        data["status_display"] = "aktivní" if self.active else "zaniklý / neaktivní"
        return data


def _czech_date(iso: str) -> str:
    try:
        return czech_date(datetime.date.fromisoformat(iso))
    except (TypeError, ValueError):
        return ""


def _address(sidlo: dict | None) -> str:
    """ARES's ready text address, or one built from its parts."""
    if not sidlo:
        return ""
    if sidlo.get("textovaAdresa"):
        return sidlo["textovaAdresa"]
    street = sidlo.get("nazevUlice") or sidlo.get("nazevCastiObce") or sidlo.get("nazevObce") or ""
    number = str(sidlo.get("cisloDomovni") or "")
    if sidlo.get("cisloOrientacni"):
        number += f"/{sidlo['cisloOrientacni']}{sidlo.get('cisloOrientacniPismeno', '')}"
    psc = str(sidlo.get("psc") or "")
    psc = f"{psc[:3]} {psc[3:]}" if len(psc) == 5 else psc
    return ", ".join(p for p in [" ".join(p for p in [street, number] if p), " ".join(p for p in [psc, sidlo.get("nazevObce", "")] if p)] if p)


def _current(entries) -> list[dict]:
    return [e for e in entries or [] if isinstance(e, dict) and not e.get("datumVymazu")]


def _person(member: dict) -> str:
    person = member.get("fyzickaOsoba")
    if person:
        name = " ".join(p for p in [person.get("titulPredJmenem"), (person.get("jmeno") or "").title(),
                                     (person.get("prijmeni") or "").title()] if p)
        if person.get("titulZaJmenem"):
            name += f", {person['titulZaJmenem']}"
    else:
        legal = member.get("pravnickaOsoba") or {}
        name = legal.get("obchodniJmeno") or ""
    role = ((member.get("clenstvi") or {}).get("funkce") or {}).get("nazev") or member.get("nazevAngazma") or ""
    return f"{name} ({role})" if role and name else name


def statutory_body(vr: dict) -> str:
    """Current members of the statutory bodies in the primary public-register record."""
    records = vr.get("zaznamy") or []
    record = next((r for r in records if r.get("primarniZaznam")), records[0] if records else {})
    members = []
    for body in _current(record.get("statutarniOrgany")):
        members += [_person(m) for m in _current(body.get("clenoveOrganu"))]
    return "; ".join(m for m in members if m)


def parse_subject(data: dict, vr: dict | None = None) -> Company:
    registrations = data.get("seznamRegistraci") or {}
    active_in = sorted(k.removeprefix("stavZdroje") for k, v in registrations.items() if v == "AKTIVNI")
    code = str(data.get("pravniForma") or "")
    return Company(
        ico=data.get("ico", ""),
        name=data.get("obchodniJmeno", ""),
        legal_form=LEGAL_FORMS.get(code, f"kód {code}" if code else ""),
        legal_form_code=code,
        address=_address(data.get("sidlo")),
        founded_on=data.get("datumVzniku") or "",
        dissolved_on=data.get("datumZaniku") or "",
        statutory_body=statutory_body(vr) if vr else "",
        active=not data.get("datumZaniku") and (bool(active_in) or not registrations),
        dic=data.get("dic") or "",
        sources=active_in,
    )


class AresClient:
    def __init__(self, base_url: str | None = None, timeout: float | None = None):
        self.base_url = (base_url or getattr(settings, "OSV_ARES_URL", DEFAULT_URL)).rstrip("/")
        self.timeout = timeout if timeout is not None else float(getattr(settings, "OSV_ARES_TIMEOUT", 5))

    def _get(self, client: httpx.Client, path: str, ico: str, *, optional=False) -> dict | None:
        try:
            response = client.get(f"{self.base_url}{path}/{ico}", headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            logger.warning("ARES nedostupný (%s): %s", path, exc)
            raise AresUnavailable("Registr ARES teď není dostupný. Vyplňte prosím údaje ručně, "
                                  "nebo to zkuste později.") from exc
        if response.status_code == 404:
            if optional:
                return None
            raise AresNotFound(f"Subjekt s IČO {ico} v registru ARES není. Zkontrolujte IČO, nebo údaje vyplňte ručně.")
        if response.status_code == 400:
            raise AresInvalidIco(f"Registr ARES odmítl IČO {ico} jako neplatné.")
        if response.status_code >= 400:
            logger.warning("ARES %s vrátil HTTP %s", path, response.status_code)
            raise AresUnavailable(f"Registr ARES odpověděl chybou (HTTP {response.status_code}). "
                                  "Vyplňte prosím údaje ručně, nebo to zkuste později.")
        try:
            return response.json()
        except ValueError as exc:
            raise AresUnavailable("Registr ARES vrátil nečitelnou odpověď. Vyplňte prosím údaje ručně.") from exc

    def lookup(self, ico: str) -> Company:
        try:
            ico = clean_ico(ico)
        except ValidationError as exc:
            raise AresInvalidIco(" ".join(exc.messages)) from exc
        if not ico:
            raise AresInvalidIco("Zadejte IČO.")
        with httpx.Client(timeout=self.timeout, follow_redirects=True) as client:
            subject = self._get(client, "/ekonomicke-subjekty", ico)
            vr = None
            if (subject.get("seznamRegistraci") or {}).get("stavZdrojeVr") not in (None, "NEEXISTUJICI"):
                try:
                    vr = self._get(client, "/ekonomicke-subjekty-vr", ico, optional=True)
                except AresUnavailable:
                    vr = None  # the basic record is enough; the statutory body stays empty
        return parse_subject(subject, vr)


def ico_widget_attrs(fill: dict[str, str]) -> dict[str, str]:
    """Attributes for an IČO input that get it a "Načíst z ARES" button (static/osv/ares.js):
    ``fill`` maps Company fields (name, legal_form, address, statutory_body, …) to the names of
    the form's inputs they pre-fill. Empty when ARES lookups are switched off."""
    import json

    from django.urls import reverse

    if not getattr(settings, "OSV_ARES_ENABLED", True):
        return {}
    return {"data-ares-url": reverse("cases:ares_lookup"), "data-ares-fill": json.dumps(fill)}


def lookup(ico: str) -> Company:
    """The company with this IČO, from the cache or ARES (raises ``AresError``)."""
    key = "osv-ares:" + re.sub(r"\s+", "", ico or "")
    cached = cache.get(key)
    if cached is not None:
        return Company(**cached)
    company = AresClient().lookup(ico)
    cache.set(key, asdict(company), timeout=int(getattr(settings, "OSV_ARES_CACHE_SECONDS", 86400)))
    return company
