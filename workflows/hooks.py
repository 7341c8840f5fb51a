"""Optional agenda modules the engine looks for (roles, demo data, document specs, selectors…)."""

from __future__ import annotations

import importlib
from types import ModuleType


def import_optional(name: str) -> ModuleType | None:
    """The module, or None when it (or its package) does not exist; an import error
    *inside* an existing module is not hidden."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            return None
        raise


def optional_modules(names) -> list[ModuleType]:
    return [module for module in map(import_optional, names) if module is not None]
