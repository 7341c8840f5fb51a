"""Correct a provider's identification (name, legal form, seat, statutory body), typically
after "Načíst z ARES" on the provider page; the change goes to the registry history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Provider
from .common import registry_version_add

FIELDS = ("name", "legal_form", "address", "statutory_body")


@transaction.atomic
def provider_update_identity(*, provider: Provider, actor=None, **values) -> bool:
    """Write the changed fields with a registry version (before → after); False if nothing changed."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    clean = {f: (values.get(f) or "").strip() for f in FIELDS}
    if not clean["name"]:
        raise ValidationError({"name": "Zadejte název nebo jméno poskytovatele."})
    if not clean["address"]:
        raise ValidationError({"address": "Zadejte sídlo nebo adresu poskytovatele."})
    changed = {f: v for f, v in clean.items() if getattr(provider, f) != v}
    if not changed:
        return False
    before = {f: getattr(provider, f) for f in FIELDS}
    for field, value in changed.items():
        setattr(provider, field, value)
    provider.full_clean()
    provider.save(update_fields=list(changed))
    registry_version_add(provider=provider, action="provider_changed", summary="Opraveny identifikační údaje poskytovatele",
                         before={k: before[k] for k in changed}, after=changed, actor=actor)
    return True
