"""One Czech date input and one searchable multi-select on every form of every agenda."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError

from workflows import agendas
from workflows.forms_widgets import CzechDateField, CzechDateInput, SearchableSelectMultiple, parse_czech_date


def _view_form_class(view):
    if view is None:
        return None
    return getattr(view, "view_initkwargs", {}).get("form_class") or \
        getattr(getattr(view, "view_class", None), "form_class", None)


def flow_form_classes() -> set[type]:
    """The form of every start and task node of every flow the agendas (and the engine) register."""
    entries = [e for a in agendas.agendas() for e in a.flows] + list(agendas._ENGINE_FLOWS)
    found = set()
    for entry in entries:
        for node in entry.flow_class.instance.nodes():
            for attr in ("view", "_view", "_start_view"):
                form_class = _view_form_class(getattr(node, attr, None))
                if form_class is not None:
                    found.add(form_class)
    return found


def module_form_classes() -> set[type]:
    """Every Form class the agendas and the engine define (filters and page forms included);
    the administrators' Django admin forms keep the admin's widgets."""
    found = set()
    for package_name in ["workflows", *[a.name for a in agendas.agendas()]]:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if ".migrations" in info.name or info.name.endswith(".admin") or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for _name, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                    found.add(obj)
    return found


def instantiated_fields(form_class) -> dict:
    """Fields of a form as it is shown (forms that add fields in ``__init__`` are built with
    the data that makes them add every kind: e.g. the opinion draft with an IP warning)."""
    from opinions.forms import DraftForm

    if form_class is DraftForm:
        warning = SimpleNamespace(pk=1, reason="", reason_from=None, reason_to=None, reason_groups=[],
                                  reason_districts=[], answer="")
        return DraftForm(warnings=[warning]).fields
    try:
        return form_class().fields
    except TypeError:
        return dict(form_class.base_fields)


@pytest.mark.django_db
def test_every_date_field_of_every_agenda_uses_the_one_czech_date_input():
    classes = flow_form_classes() | module_form_classes()
    assert len(classes) >= 20, sorted(c.__name__ for c in classes)  # the enumeration really finds the forms
    wrong, dates, multis = [], 0, 0
    for form_class in classes:
        for name, field in instantiated_fields(form_class).items():
            label = f"{form_class.__module__}.{form_class.__name__}.{name}"
            if isinstance(field, forms.DateField):
                dates += 1
                if not isinstance(field, CzechDateField) or type(field.widget) is not CzechDateInput:
                    wrong.append(f"{label}: {type(field).__name__}/{type(field.widget).__name__}")
            if isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
                multis += 1
                if not isinstance(field.widget, (SearchableSelectMultiple, forms.CheckboxSelectMultiple)):
                    wrong.append(f"{label}: multi-select {type(field.widget).__name__} (Ctrl-click)")
    assert dates >= 25 and multis >= 10, (dates, multis)
    assert wrong == []


def test_czech_date_accepts_the_typed_forms_and_iso():
    expected = datetime.date(2026, 11, 24)
    for text in ("24. 11. 2026", "24.11.2026", " 24 . 11 . 2026 ", "2026-11-24", "24.\u00a011.\u00a02026"):
        assert parse_czech_date(text) == expected, text
    field = CzechDateField()
    assert field.clean("1. 7. 2011") == datetime.date(2011, 7, 1)
    assert CzechDateInput().format_value(expected) == "24. 11. 2026"


def test_impossible_dates_get_a_czech_reason():
    with pytest.raises(ValidationError) as exc:
        CzechDateField().clean("31. 2. 2026")
    assert exc.value.messages == ["Datum 31. 2. 2026 neexistuje – únor 2026 má jen 28 dní."]
    with pytest.raises(ValidationError) as exc:
        CzechDateField().clean("29. 2. 2027")
    assert "únor 2027 má jen 28 dní" in exc.value.messages[0]
    assert CzechDateField().clean("29. 2. 2028") == datetime.date(2028, 2, 29)
    with pytest.raises(ValidationError) as exc:
        CzechDateField().clean("12. 13. 2026")
    assert exc.value.messages == ["Měsíc 13 neexistuje – zadejte číslo měsíce 1 až 12."]
    with pytest.raises(ValidationError) as exc:
        CzechDateField().clean("zítra")
    assert exc.value.messages == ["Zadejte datum ve tvaru 24. 11. 2026 (den. měsíc. rok)."]
    with pytest.raises(ValidationError) as exc:
        CzechDateField().clean("1. 1. 1999")
    assert "mezi 1. 1. 2000 a 31. 12. 2100" in exc.value.messages[0]


def test_a_received_day_is_not_in_the_future():
    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        CzechDateField(received=True).clean(f"{tomorrow.day}. {tomorrow.month}. {tomorrow.year}")
    assert exc.value.messages == ["Datum doručení nemůže být v budoucnosti."]


def test_the_widgets_render_for_the_script_and_work_without_it():
    html = CzechDateInput().render("received_on", datetime.date(2026, 11, 24), attrs={"id": "id_received_on"})
    assert 'type="text"' in html and 'value="24. 11. 2026"' in html and "data-osv-date" in html
    assert 'type="date"' not in html  # the calendar is the script's companion, the text box is the field
    select = SearchableSelectMultiple(choices=[("a", "Senioři"), ("b", "Děti")]).render("groups", ["a"])
    assert "<select" in select and "multiple" in select and "data-osv-multiselect" in select
    assert '<option value="a" selected>' in select  # without script: an ordinary list
