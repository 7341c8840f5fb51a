"""Service: correct a provider's identification (name, legal form, seat, statutory body),
typically after "Načíst z ARES" on the provider page. Kept out of services.py so the ARES
integration stays one small module; the registry history is written the same way."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Provider
from .services import _provider_snapshot, _version

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
    before = _provider_snapshot(provider)
    for field, value in changed.items():
        setattr(provider, field, value)
    provider.full_clean()
    provider.save(update_fields=list(changed))
    _version(provider=provider, action="provider_changed", summary="Opraveny identifikační údaje poskytovatele",
             before={k: before[k] for k in changed}, after=changed, actor=actor)
    return True
