"""The deployment's region (kraj) and office, read from the YAML file in settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import yaml
from django.conf import settings


@dataclass(frozen=True)
class Office:
    name: str
    department: str
    address: str
    place: str
    phone: str = ""
    email: str = ""
    data_box: str = ""
    #: úřední hodiny and the room where parties inspect the file (§ 36 odst. 3, § 38 SŘ)
    hours: str = ""
    inspection_place: str = ""
    #: optional letterhead logo (path relative to the repository), empty = none
    logo: str = ""


@dataclass(frozen=True)
class Region:
    name: str
    code: str
    districts: tuple[str, ...]
    office: Office
    appeal_authority: str = "Ministerstvo práce a sociálních věcí"
    extra: dict = field(default_factory=dict)


@lru_cache(maxsize=4)
def _load(path: str) -> Region:
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    office = Office(**raw.pop("office"))
    return Region(
        name=raw.pop("name"),
        code=raw.pop("code"),
        districts=tuple(raw.pop("districts")),
        office=office,
        appeal_authority=raw.pop("appeal_authority", Region.appeal_authority),
        extra=raw,
    )


def get_region() -> Region:
    return _load(str(settings.OSV_REGION_FILE))
