"""Load the shared catalogues (service types, target groups) from workflows/data/."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from .models import ServiceType, TargetGroup

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_catalogues(data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Upsert service types and target groups; running it twice changes nothing."""
    created = {"service_types": 0, "target_groups": 0}
    with open(data_dir / "service-types.csv", encoding="utf-8") as fh:
        for index, row in enumerate(csv.DictReader(fh)):
            _, was_created = ServiceType.objects.update_or_create(
                paragraph=row["paragraph"],
                defaults={"name": row["name"], "category": row["category"], "sort_key": index},
            )
            created["service_types"] += was_created
    with open(data_dir / "target-groups.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            _, was_created = TargetGroup.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "aliases": row["aliases"] or ""}
            )
            created["target_groups"] += was_created
    return created
