"""A search term with a number in it is looked up in the trigram index by the number and checked
whole on the candidates (``workflows.substring``): the same cases as the plain ``icontains``
search, on both databases."""

from __future__ import annotations

import pytest
from django.db.models import Q

from tests.workflows.factories import CaseFactory, DocumentFactory
from workflows.models import Case
from workflows.substring import narrow, selective_part
from workflows.views_case import _case_search_q, _matching_case_ids

pytestmark = pytest.mark.django_db


def test_selective_part_is_the_longest_number_not_a_year():
    assert selective_part("SZ BENCH/1234/SV") == "1234"
    assert selective_part("KUKV 12345/2026") == "12345"
    assert selective_part("SZ KUKV/1234/2026/SV") == "1234"  # a year only when nothing else is there
    assert selective_part("č. j. KK/2026") == "2026"
    assert selective_part("KK/12/SV") is None  # no trigram of its own: the whole term
    assert selective_part("Domov Pod Lesem") is None
    assert selective_part("25596641") is None  # the term is the number itself


def test_narrow_rewrites_only_the_contains_tests_of_the_term():
    q = Q(file_mark__icontains="SZ X/1234/SV") | Q(ico__startswith="SZ X/1234/SV")
    out = narrow(q, "SZ X/1234/SV")
    assert out.connector == Q.OR and out.children[1] == ("ico__startswith", "SZ X/1234/SV")
    assert out.children[0] == Q(file_mark__icontains="1234") & Q(file_mark__osv_substring="SZ X/1234/SV")
    assert narrow(q, "Domov") is q


@pytest.fixture
def marked_cases():
    marks = ["SZ X/1234/SV", "SZ X/11234/SV", "SZ X/12345/SV", "XSZ X/1234/SV-2", "sz x/1234/sv-3", "SZ Y/1234/SV",
             "SZ X/1234/2026", "SZ X/4321/SV"]
    cases = [CaseFactory(title=f"Případ {n}", applicant_name=f"Poskytovatel {n}") for n in range(len(marks))]
    for case, mark in zip(cases, marks):  # as written, not as the numbering service would issue them
        Case.objects.filter(pk=case.pk).update(file_mark=mark)
    CaseFactory(title="Žádost SZ X/1234/SV opakovaná")  # the term in the title
    CaseFactory(applicant_name="Spolek 1234 SZ X/1234/SVX")  # … in the name
    DocumentFactory(case=cases[-1], reference_number="KK SZ X/1234/SV/2026")  # … in a document's č. j.
    DocumentFactory(case=cases[-1], reference_number="KK/1234/SV")
    return cases


@pytest.mark.parametrize("term", ["SZ X/1234/SV", "x/1234/sv", "1234/SV", "X/1234", "SZ X/12345/SV",
                                  "SZ X/1234/2026", "KK/1234", "Případ 12", "Poskytovatel", "99999/SV"])
def test_same_cases_as_the_plain_search(marked_cases, term):
    plain = set(Case.objects.filter(_case_search_q(term)).values_list("pk", flat=True))
    found = set(Case.objects.filter(pk__in=_matching_case_ids(term)).values_list("pk", flat=True))
    assert found == plain
    if term == "SZ X/1234/SV":  # the fixture holds the term in every searched place
        assert len(plain) == 6
