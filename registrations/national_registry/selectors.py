"""Reads: what differs between our registry and the national one (the last successful import).

Matching, per service: by the § 85 identifier; a service of ours without one (or with one the
national data does not know) is matched by the provider's IČO and the kind of service. Then
forms, capacity per form, address, target groups and the end of provision are compared.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from workflows.collation import czech_sort_key
from workflows.formats import czech_date
from workflows.models import TargetGroup

from ..models import RegisteredService, ServiceForm
from .models import NationalRegistryImport, NationalService

KINDS = {
    "missing_national": "chybí v celostátním registru",
    "missing_local": "chybí v našem registru",
    "identifier": "identifikátor",
    "forms": "formy",
    "capacity": "kapacita",
    "address": "adresa / místo poskytování",
    "target_groups": "okruh osob",
    "end_date": "ukončení poskytování",
}
FORM_LABELS = dict(ServiceForm.choices)
EXPORT_HEADER = ["Druh rozdílu", "Identifikátor", "Poskytovatel", "IČO", "Služba", "U nás", "V celostátním registru"]


@dataclass
class Difference:
    kind: str
    identifier: str
    provider_name: str
    provider_ico: str
    service: str
    ours: str
    national: str
    provider_pk: int | None = None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def row(self) -> list:
        return [self.kind_label, self.identifier, self.provider_name, self.provider_ico, self.service, self.ours, self.national]


def latest_import() -> NationalRegistryImport | None:
    return NationalRegistryImport.objects.filter(status=NationalRegistryImport.Status.DONE).order_by("-started_at", "-pk").first()


def recent_imports(limit: int = 10):
    return NationalRegistryImport.objects.select_related("started_by").order_by("-started_at", "-pk")[:limit]


def normalize_address(text: str) -> str:
    """Case, punctuation, spacing and the PSČ do not make a difference (our place of provision
    is free text and often omits the PSČ; the street, number and town must agree)."""
    text = (text or "").casefold().replace("č.p.", " ").replace("čp.", " ")
    text = re.sub(r"\b\d{3}\s?\d{2}\b", " ", text)
    return " ".join(re.sub(r"[,;.\-–]", " ", text).split())


def _group_codes() -> dict[str, str]:
    names: dict[str, str] = {}
    for group in TargetGroup.objects.all():
        for name in [group.name, group.code, *group.aliases.split("|")]:
            if name.strip():
                names[name.strip().casefold()] = group.code
    return names


def _forms_text(forms: dict[str, int]) -> str:
    return ", ".join(f"{FORM_LABELS.get(f, f)} ({forms[f]})" for f in sorted(forms)) or "—"


def _date_text(day: datetime.date | None) -> str:
    return czech_date(day) or "—"


class _Ours:
    """Our registered services of one national service (one row per form in our registry)."""

    def __init__(self, services: list[RegisteredService]):
        self.services = services
        self.active = [s for s in services if s.state == RegisteredService.State.ACTIVE]
        first = services[0]
        self.provider = first.provider
        self.identifier = first.national_id
        self.label = f"{first.service_type.name} (§ {first.service_type.paragraph})"
        self.paragraph = first.service_type.paragraph

    def forms(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for s in self.active:
            out[s.form] += s.capacity
        return dict(out)

    def closed_on(self) -> datetime.date | None:
        days = [s.closed_on for s in self.services if s.closed_on]
        return max(days) if days else None


def _diff(kind, ours: _Ours | None, national: NationalService | None, ours_text: str, national_text: str) -> Difference:
    provider = ours.provider if ours else None
    return Difference(
        kind=kind,
        identifier=(national.identifier if national else "") or (ours.identifier if ours else ""),
        provider_name=provider.name if provider else national.provider_name,
        provider_ico=(provider.ico or "") if provider else national.provider_ico,
        service=ours.label if ours else f"{national.service_name}" + (f" (§ {national.service_paragraph})" if national.service_paragraph else ""),
        ours=ours_text, national=national_text, provider_pk=provider.pk if provider else None,
    )


def _compare(ours: _Ours, national: NationalService, codes: dict[str, str], today) -> list[Difference]:
    out = []
    if not ours.active:  # cancelled with us: only the end of provision matters
        closed = ours.closed_on()
        if national.provided_to != closed:
            out.append(_diff("end_date", ours, national, f"registrace zrušena k {_date_text(closed)}",
                             f"poskytována do {_date_text(national.provided_to)}" if national.provided_to else "bez data ukončení"))
        return out
    if national.provided_to and national.provided_to <= today:
        out.append(_diff("end_date", ours, national, "registrována",
                         f"poskytování ukončeno k {_date_text(national.provided_to)}"))
    mine, theirs = ours.forms(), {k: int(v) for k, v in (national.forms or {}).items()}
    if set(mine) != set(theirs):
        out.append(_diff("forms", ours, national, _forms_text(mine), _forms_text(theirs)))
    changed = [f for f in sorted(set(mine) & set(theirs)) if mine[f] != theirs[f]]
    if changed:
        out.append(_diff("capacity", ours, national, ", ".join(f"{FORM_LABELS[f]}: {mine[f]}" for f in changed),
                         ", ".join(f"{FORM_LABELS[f]}: {theirs[f]}" for f in changed)))
    places = {normalize_address(s.place) for s in ours.active}
    addresses = {normalize_address(a) for a in national.addresses or []}
    if addresses and not places & addresses:
        out.append(_diff("address", ours, national, "; ".join(sorted({s.place for s in ours.active})),
                         "; ".join(national.addresses)))
    our_groups = {g.code for s in ours.active for g in s.target_groups.all()}
    their_groups = {codes.get(name.strip().casefold(), name) for name in national.target_groups or []}
    if our_groups != their_groups:
        names = {g.code: g.name for s in ours.active for g in s.target_groups.all()}
        out.append(_diff("target_groups", ours, national, ", ".join(sorted(names.get(c, c) for c in our_groups)) or "—",
                         ", ".join(sorted(national.target_groups)) or "—"))
    return out


def differences(batch: NationalRegistryImport | None = None) -> list[Difference]:
    """Every difference between our registry and ``batch`` (default: the last successful import)."""
    batch = batch or latest_import()
    if batch is None:
        return []
    today = timezone.localdate()
    codes = _group_codes()
    national = list(NationalService.objects.filter(batch=batch))
    by_id = {n.identifier: n for n in national if n.identifier}
    by_key: dict[tuple[str, str], list[NationalService]] = defaultdict(list)
    for n in national:
        by_key[(n.provider_ico, n.service_paragraph)].append(n)
    matched: set[int] = set()

    services = (RegisteredService.objects.select_related("provider", "service_type")
                .prefetch_related("target_groups").order_by("provider__name", "service_type__sort_key", "pk"))
    groups: dict[str, list] = defaultdict(list)
    for s in services:
        groups[s.national_id or f"local-{s.pk}"].append(s)

    out: list[Difference] = []
    for key, members in groups.items():
        ours = _Ours(members)
        hit = by_id.get(ours.identifier) if ours.identifier else None
        if hit is None:
            candidates = [n for n in by_key.get((ours.provider.ico or "", ours.paragraph), []) if n.pk not in matched
                          and n.identifier not in groups]
            hit = candidates[0] if candidates else None
            if hit is None:
                if ours.active:
                    out.append(_diff("missing_national", ours, None,
                                     f"registrována od {_date_text(min(s.registered_on for s in ours.active))}"
                                     + ("" if ours.identifier else " (bez identifikátoru)"), "—"))
                continue
            out.append(_diff("identifier", ours, hit, ours.identifier or "bez identifikátoru", hit.identifier))
        matched.add(hit.pk)
        out.extend(_compare(ours, hit, codes, today))

    for n in national:
        if n.pk in matched or not n.in_region:
            continue
        if n.provided_to and n.provided_to <= today:
            continue  # ended there, absent here: nothing to reconcile
        out.append(_diff("missing_local", None, n, "—",
                         f"{_forms_text({k: int(v) for k, v in n.forms.items()})}, od {_date_text(n.provided_from)}"))
    out.sort(key=lambda d: (czech_sort_key(d.provider_name), d.identifier, list(KINDS).index(d.kind)))
    return out
