"""Writes: import the national registry's file (a path or a URL) into ``NationalService`` rows.

Streams the file (fileformat.records), validates each record, keeps the records that concern
our office, and records the run with its counts, the invalid records and the differences per
kind. A failed run leaves the previous successful one in place.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from pathlib import Path
from typing import Callable

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from workflows.region import get_region

from ..models import Provider, RegisteredService
from . import fileformat
from .models import NationalRegistryImport, NationalService

logger = logging.getLogger(__name__)
BATCH_SIZE = 500
MAX_STORED_ERRORS = 200


class ImportFailed(Exception):
    """The run failed as a whole; ``message`` is Czech."""


def configured_source() -> str:
    return getattr(settings, "OSV_NATIONAL_REGISTRY_SOURCE", "") or ""


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


@contextlib.contextmanager
def open_source(source: str, progress_total: Callable[[int | None], None] | None = None):
    """A binary file of the source: the path itself, or the URL downloaded in chunks to a
    temporary file (bounded memory; the parser then reads it like a local file)."""
    if not _is_url(source):
        path = Path(source)
        if not path.is_file():
            raise ImportFailed(f"Soubor celostátního registru „{source}“ neexistuje.")
        if progress_total:
            progress_total(path.stat().st_size)
        with path.open("rb") as handle:
            yield handle
        return
    timeout = float(getattr(settings, "OSV_NATIONAL_REGISTRY_TIMEOUT", 120))
    with tempfile.TemporaryFile(prefix="rpss-") as tmp:
        try:
            with httpx.stream("GET", source, timeout=timeout, follow_redirects=True) as response:
                if response.status_code != 200:
                    raise ImportFailed(f"Stažení celostátního registru selhalo: server odpověděl HTTP {response.status_code}.")
                for chunk in response.iter_bytes(1 << 16):
                    tmp.write(chunk)
        except httpx.HTTPError as exc:
            raise ImportFailed(f"Celostátní registr se nepodařilo stáhnout ({source}): {exc}") from exc
        if progress_total:
            progress_total(tmp.tell())
        tmp.seek(0)
        yield tmp


def _scope() -> tuple[str, set[str], set[str]]:
    """What concerns us: our region's name, our services' identifiers, our providers' IČO."""
    ids = set(RegisteredService.objects.exclude(national_id="").values_list("national_id", flat=True))
    icos = set(Provider.objects.exclude(ico__isnull=True).exclude(ico="").values_list("ico", flat=True))
    return get_region().name.strip().casefold(), ids, icos


def import_source(source: str | None = None, *, actor=None, progress: Callable[[int], None] | None = None,
                  progress_total: Callable[[int | None], None] | None = None) -> NationalRegistryImport:
    """Import the file at ``source`` (default: ``OSV_NATIONAL_REGISTRY_SOURCE``)."""
    source = source or configured_source()
    if not source:
        raise ImportFailed("Zdroj celostátního registru není nastaven (OSV_NATIONAL_REGISTRY_SOURCE).")
    batch = NationalRegistryImport.objects.create(source=source[:500], started_by=actor if getattr(actor, "pk", None) else None)
    try:
        with open_source(source, progress_total) as raw:
            _load(batch, raw, progress)
    except (ImportFailed, fileformat.FileFormatError) as exc:
        return _fail(batch, str(exc))
    except Exception as exc:  # an unexpected failure is still recorded on the run, then raised
        _fail(batch, f"Neočekávaná chyba: {exc}")
        raise
    return _finish(batch)


def _paragraphs() -> dict[str, str]:
    """Kind of service by name → its paragraph (when the file gives no ``paragraf``)."""
    from workflows.models import ServiceType

    return {t.name.strip().casefold(): t.paragraph for t in ServiceType.objects.all()}


def _load(batch: NationalRegistryImport, raw, progress) -> None:
    region, ids, icos = _scope()
    paragraphs = _paragraphs()
    meta = fileformat.FileMeta()
    pending: list[NationalService] = []
    errors: list[dict] = []
    counts = {"total": 0, "valid": 0, "invalid": 0, "stored": 0}
    for index, record in enumerate(fileformat.records(raw, meta, progress), start=1):
        counts["total"] += 1
        problems = fileformat.record_errors(record) if isinstance(record, dict) else ["záznam není objekt"]
        if problems:
            counts["invalid"] += 1
            if len(errors) < MAX_STORED_ERRORS:
                ident = record.get("identifikator") if isinstance(record, dict) else None
                errors.append({"index": index, "identifikator": ident if isinstance(ident, str) else "",
                               "message": "; ".join(problems)[:1000]})
            continue
        counts["valid"] += 1
        values = fileformat.comparable(record)
        in_region = bool(region) and values.pop("region").strip().casefold() == region
        if not values["service_paragraph"]:
            values["service_paragraph"] = paragraphs.get(values["service_name"].strip().casefold(), "")
        if not (in_region or values["identifier"] in ids or values["provider_ico"] in icos):
            continue
        pending.append(NationalService(batch=batch, in_region=in_region, **values))
        if len(pending) >= BATCH_SIZE:
            counts["stored"] += _flush(pending)
    counts["stored"] += _flush(pending)
    NationalRegistryImport.objects.filter(pk=batch.pk).update(file_updated_on=meta.updated_on, errors=errors, **counts)


def _flush(pending: list[NationalService]) -> int:
    count = len(pending)
    if count:
        NationalService.objects.bulk_create(pending, batch_size=BATCH_SIZE)
        pending.clear()
    return count


def _fail(batch: NationalRegistryImport, message: str) -> NationalRegistryImport:
    logger.warning("Načtení celostátního registru selhalo: %s", message)
    NationalService.objects.filter(batch=batch).delete()
    NationalRegistryImport.objects.filter(pk=batch.pk).update(
        status=NationalRegistryImport.Status.FAILED, message=message[:2000], finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


@transaction.atomic
def _finish(batch: NationalRegistryImport) -> NationalRegistryImport:
    from .selectors import differences

    NationalService.objects.filter(batch__status=NationalRegistryImport.Status.DONE).exclude(batch=batch).delete()
    batch.refresh_from_db()
    batch.status = NationalRegistryImport.Status.DONE
    batch.finished_at = timezone.now()
    summary: dict[str, int] = {}
    for diff in differences(batch):
        summary[diff.kind] = summary.get(diff.kind, 0) + 1
    batch.summary = summary
    batch.message = (f"Načteno {batch.total} záznamů, neplatných {batch.invalid}, týká se kraje {batch.stored}; "
                     f"rozdílů {sum(summary.values())}.")
    batch.save()
    return batch


def run_scheduled(*, source: str | None = None, user_pk: int | None = None) -> dict:
    """The beat job and the "run now" button: import when a source is configured; a plain summary."""
    from django.contrib.auth import get_user_model

    source = source or configured_source()
    if not source:
        return {"status": "not_configured"}
    actor = get_user_model().objects.filter(pk=user_pk).first() if user_pk else None
    try:
        batch = import_source(source, actor=actor)
    except ImportFailed as exc:
        return {"status": "failed", "message": str(exc)}
    return {"status": batch.status, "import": batch.pk, "total": batch.total, "invalid": batch.invalid,
            "differences": sum(batch.summary.values()) if batch.summary else 0, "message": batch.message}
