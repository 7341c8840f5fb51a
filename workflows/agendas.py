"""The agenda registry: how the engine meets the agendas without naming one.

Each agenda's ``AppConfig.ready()`` calls :func:`register` with an :class:`Agenda` that says
what it contributes: its case kinds, the roles that work on it, its flows (for the Viewflow
site and the task lists), list filters, case search, dashboard tiles, role permissions,
document templates, demo data and API routes. The engine only ever asks this registry; it
imports no agenda module, so an agenda's error is never hidden behind an optional import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FlowEntry:
    """A flow of an agenda and the icon of its Viewflow screens."""

    flow_class: type
    icon: str = "assignment"


@dataclass(frozen=True)
class Agenda:
    name: str  #: the app label, e.g. "registrations"
    label: str  #: Czech name shown to users
    roles: frozenset[str]  #: roles that work on the agenda (see every case of it)
    case_kinds: tuple[tuple[str, str], ...] = ()  #: (Case.kind value, Czech label)
    event_actions: tuple[tuple[str, str], ...] = ()  #: (CaseEvent.action value, Czech label)
    flows: tuple[FlowEntry, ...] = ()
    role_permissions: dict[str, list[str]] = field(default_factory=dict)
    task_filters: Callable[[], list] | None = None  #: -> [workflows.selectors.TaskListFilter]
    case_search_q: Callable[[str], Any] | None = None  #: term -> Q over Case
    registry_search: Callable[..., list[dict]] | None = None  #: (term, limit) -> rows for /hledat/
    case_detail: Callable[[Any, Any], dict] | None = None  #: (case, user) -> context for the case page
    dashboard: Callable[[Any], dict] | None = None  #: user -> extra context of the dashboard
    document_specs: dict[str, list] = field(default_factory=dict)  #: template code -> spec
    #: template code -> fields its context gives beyond those its spec uses (office uploads may use them)
    document_fields: dict[str, list] = field(default_factory=dict)
    demo_seed: Callable[..., Any] | None = None  #: (stdout=None) -> None
    api_routes: Callable[[], list] | None = None  #: -> URL patterns added to /api/
    start_links: Callable[..., list[dict]] | None = None  #: (user, **context) -> [{"label", "url"}] "Nový případ"
    nav_links: Callable[[Any], list[dict]] | None = None  #: user -> [{"label", "url", "key"}] main navigation


_AGENDAS: dict[str, Agenda] = {}
_ENGINE_FLOWS: list[FlowEntry] = []
_ENGINE_SPECS: dict[str, list] = {}
_ENGINE_PERMISSIONS: dict[str, list[str]] = {}


def register(agenda: Agenda) -> None:
    """Called from an agenda's ``AppConfig.ready()``; registering twice replaces (reloads)."""
    _AGENDAS[agenda.name] = agenda


def register_engine_flow(flow_class: type, icon: str = "assignment") -> None:
    """Flows of the engine itself (the letter), which belong to whatever case they run on."""
    if all(entry.flow_class is not flow_class for entry in _ENGINE_FLOWS):
        _ENGINE_FLOWS.append(FlowEntry(flow_class, icon))


def register_engine_specs(specs: dict[str, list]) -> None:
    _ENGINE_SPECS.update(specs)


def register_engine_permissions(permissions: dict[str, list[str]]) -> None:
    for role, perms in permissions.items():
        _ENGINE_PERMISSIONS.setdefault(role, []).extend(p for p in perms if p not in _ENGINE_PERMISSIONS.get(role, []))


def agendas() -> list[Agenda]:
    return list(_AGENDAS.values())


def get(name: str) -> Agenda | None:
    return _AGENDAS.get(name)


def agenda_roles() -> dict[str, frozenset[str]]:
    return {a.name: a.roles for a in _AGENDAS.values()}


def agenda_of_kind(kind: str) -> str:
    for agenda in _AGENDAS.values():
        if any(kind == value for value, _label in agenda.case_kinds):
            return agenda.name
    return ""


def kinds_of(agenda_names: Iterable[str]) -> list[str]:
    names = set(agenda_names)
    return [value for a in _AGENDAS.values() if a.name in names for value, _label in a.case_kinds]


def case_kind_choices() -> list[tuple[str, str]]:
    """Choices of ``Case.kind`` (a callable, so the model names no agenda)."""
    return [choice for a in _AGENDAS.values() for choice in a.case_kinds]


def event_action_choices() -> list[tuple[str, str]]:
    """Choices of ``CaseEvent.action``: the engine's own, then every agenda's."""
    from .models import CaseEvent

    return list(CaseEvent.Action.choices) + [choice for a in _AGENDAS.values() for choice in a.event_actions]


def flows() -> list[FlowEntry]:
    return list(_ENGINE_FLOWS) + [entry for a in _AGENDAS.values() for entry in a.flows]


def flow_classes() -> list[type]:
    return [entry.flow_class for entry in flows()]


def engine_flow_classes() -> list[type]:
    return [entry.flow_class for entry in _ENGINE_FLOWS]


def document_specs() -> dict[str, list]:
    specs = dict(_ENGINE_SPECS)
    for a in _AGENDAS.values():
        specs.update(a.document_specs)
    return specs


def document_fields() -> dict[str, set[str]]:
    fields: dict[str, set[str]] = {}
    for a in _AGENDAS.values():
        for code, names in a.document_fields.items():
            fields.setdefault(code, set()).update(names)
    return fields


def role_permissions() -> dict[str, set[str]]:
    """Permissions per role declared by the engine's flows and by every agenda."""
    merged: dict[str, set[str]] = {role: set(perms) for role, perms in _ENGINE_PERMISSIONS.items()}
    for a in _AGENDAS.values():
        for role, perms in a.role_permissions.items():
            merged.setdefault(role, set()).update(perms)
    return merged
