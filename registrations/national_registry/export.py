"""Our registry in the national registry's format (rpss.json), for keying it into the national
registry (§ 85 zákona 108/2006 Sb.). One record per service: our rows of one § 85
identifier (one row per form) become one record with several forms; a service without an
identifier yet is exported with ``"identifikator": null``."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from workflows.region import get_region

from ..models import RegisteredService
from .fileformat import FORM_NAMES


def _record(services: list[RegisteredService], region_name: str) -> dict:
    first = services[0]
    provider = first.provider
    forms: dict[str, int] = defaultdict(int)
    for s in services:
        forms[s.form] += s.capacity
    closed = [s.closed_on for s in services if s.closed_on]
    ended = all(s.state == RegisteredService.State.CLOSED for s in services)
    starts = [s.provided_from or s.registered_on for s in services]
    groups = sorted({g.name for s in services for g in s.target_groups.all()})
    ages = sorted({f"{s.age_from if s.age_from is not None else 0}–{s.age_to if s.age_to is not None else ''}".rstrip("–")
                   for s in services if s.age_from is not None or s.age_to is not None})
    return {
        "identifikator": first.national_id or None,
        "druhSocialniSluzby": {"kod": first.service_type.paragraph, "nazev": first.service_type.name,
                               "paragraf": first.service_type.paragraph},
        "poskytovatel": {"ico": provider.ico or None, "nazev": provider.name, "pravniForma": provider.legal_form or None,
                         "adresa": {"textovaAdresa": provider.address}},
        "zarizeni": [{"nazev": None, "adresa": {"textovaAdresa": place}} for place in sorted({s.place for s in services})],
        "formy": [{"forma": FORM_NAMES[form], "kapacity": [{"typ": "počet klientů", "hodnota": capacity}]}
                  for form, capacity in sorted(forms.items())],
        "ciloveSkupiny": groups,
        "vekoveSkupiny": ages,
        "datumPoskytovaniOd": min(starts).isoformat(),
        "datumPoskytovaniDo": max(closed).isoformat() if ended and closed else None,
        "kontakty": {"telefon": provider.phone or None, "email": provider.email or None, "web": None},
        "registrujiciUrad": {"kodKraje": get_region().code or None, "nazev": region_name},
    }


def registry_as_national(*, include_closed: bool = False) -> dict:
    services = (RegisteredService.objects.select_related("provider", "service_type")
                .prefetch_related("target_groups").order_by("provider__name", "service_type__sort_key", "pk"))
    if not include_closed:
        services = services.filter(state=RegisteredService.State.ACTIVE)
    grouped: dict[str, list] = defaultdict(list)
    for s in services:
        grouped[s.national_id or f"local-{s.pk}"].append(s)
    region_name = get_region().name
    return {"datumAktualizace": timezone.localdate().isoformat(),
            "polozky": [_record(group, region_name) for group in grouped.values()]}
