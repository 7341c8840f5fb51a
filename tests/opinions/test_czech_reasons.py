"""Every word Czech (issue 12, item 10) in the opinion agenda: match reasons keep their
diacritics, an IP warning names its source by the document's name (no internal file names,
no English "and")."""

import re
from datetime import date

import pytest

from opinions import selectors
from opinions.models import IndividualProject

pytestmark = pytest.mark.django_db


def test_a_match_reason_spells_the_title_words_with_their_diacritics(kk_plan):
    from opinions.models import PlanItem

    checked = 0
    for item in PlanItem.objects.filter(plan=kk_plan).order_by("sort_order"):
        words = [w for w in re.findall(r"\w+", item.name) if len(w) >= 6 and re.search(r"[áčďéěíňóřšťúůýž]", w)]
        if not words:
            continue
        found = selectors.suggest_activities(paragraphs=[], target_groups=[], title=f"Projekt {words[0]}",
                                             period_start=date(2011, 1, 1), period_end=date(2012, 12, 31), limit=500)
        reasons = [s.reason for s in found if s.item.pk == item.pk]
        if reasons:
            assert f"{words[0].lower()}" in reasons[0] and "slova názvu:" in reasons[0], (words[0], reasons)
            checked += 1
        if checked >= 3:
            break
    assert checked >= 3


def test_an_individual_project_names_its_source_in_czech(catalogues):
    sources = [p.source_label for p in IndividualProject.objects.all() if p.source]
    assert sources and all(not re.search(r"\d{3}_[0-9a-f]+|\.txt|\band\b", s) for s in sources), sources
    old = IndividualProject(source="000_f437bd62eee4e5d3.txt (Aktivity 6.1.1 and 7.2.1)")
    assert old.source_label == "Aktivity 6.1.1 a 7.2.1"
