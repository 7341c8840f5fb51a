"""Importing the two seed plans into the database: counts, hand-checked sample, repeatability."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from opinions.models import Plan, PlanItem, PlanItemService
from opinions.plan_import import import_plan

from .conftest import KK_PLAN, LK_PLAN, seed_text

pytestmark = pytest.mark.django_db


def _item(plan, number, kind="activity"):
    return PlanItem.objects.get(plan=plan, number=number, kind=kind)


def _pars(item, inherited=None):
    qs = item.service_links.all()
    if inherited is not None:
        qs = qs.filter(inherited=inherited)
    return sorted((link.service_type.paragraph for link in qs), key=lambda p: (int(p.rstrip("a")), p))


def _groups(item, inherited=False):
    return sorted(link.target_group.code for link in item.group_links.filter(inherited=inherited))


def test_work_plan_of_karlovarsky_kraj_imports_with_right_counts(kk_plan):
    assert kk_plan.region_name == "Karlovarský kraj"
    assert kk_plan.format == Plan.Format.WORKPLAN
    assert (kk_plan.valid_from.isoformat(), kk_plan.valid_to.isoformat()) == ("2011-01-01", "2012-12-31")
    counts = {k: PlanItem.objects.filter(plan=kk_plan, kind=k).count() for k in ("priority", "measure", "activity")}
    assert counts == {"priority": 9, "measure": 16, "activity": 27}
    # hierarchy priority → measure → activity
    a = _item(kk_plan, "1.2.3")
    assert a.parent.number == "1.2" and a.parent.parent.number == "1"
    # service types named at priority level are inherited by the activities, marked
    assert _pars(_item(kk_plan, "4", "priority"), inherited=False) == ["39", "40", "46"]
    assert _pars(_item(kk_plan, "4.1.1"), inherited=True) == ["39", "40", "46"]
    assert _pars(_item(kk_plan, "7.1.1"), inherited=True) == ["57", "58"]
    # direct § in the activity's prose
    assert _pars(_item(kk_plan, "6.1.1"), inherited=False) == ["43", "57", "58", "60a", "61", "62", "65", "67", "69", "70"]
    assert _pars(_item(kk_plan, "5.2.2"), inherited=False) == ["48"]
    assert _groups(_item(kk_plan, "5.2.2")) == ["OZP"]
    assert _groups(_item(kk_plan, "9.2.1")) == ["DUS", "ZAV"]
    # other paragraphs of the law (§ 79, § 80, § 95) are never service types
    assert not PlanItemService.objects.filter(item__plan=kk_plan, service_type__paragraph__in=["79", "80", "95"]).exists()
    assert "§ 95" in kk_plan.last_report


def test_activity_cards_of_liberecky_kraj_import_45_cards(lk_plan):
    assert lk_plan.region_name == "Liberecký kraj"
    assert lk_plan.format == Plan.Format.CARDS
    assert (lk_plan.valid_from.year, lk_plan.valid_to.year) == (2014, 2017)
    assert PlanItem.objects.filter(plan=lk_plan, kind="activity").count() == 45
    assert PlanItem.objects.filter(plan=lk_plan, kind="goal").count() >= 9
    # hand-checked sample, including the misspelled ones
    assert _pars(_item(lk_plan, "A01-02")) == ["39", "40"]
    assert _groups(_item(lk_plan, "A01-02")) == ["OZP", "S"]
    assert _pars(_item(lk_plan, "A03-04")) == ["43", "51", "52", "67", "68", "70"]  # "samostaného"
    assert _pars(_item(lk_plan, "A05-01")) == ["37"]  # "(§37)" without a space
    assert _pars(_item(lk_plan, "A07-04")) == ["37", "50", "59", "64", "68", "69"]  # "Terenní programy"
    assert _groups(_item(lk_plan, "A07-04")) == ["OSV", "ZAV"]  # "osoby ohrožení závislostí"
    assert _groups(_item(lk_plan, "A03-02")) == ["OSV", "OZP"]  # "sociálních vyloučením"
    a = _item(lk_plan, "A03-02")
    assert a.services_not_relevant and not a.service_links.exists()
    assert _item(lk_plan, "A08-01").all_services
    assert sorted(g.number for g in _item(lk_plan, "A01-01").goals.all()) == ["SC2", "SC3"]


def test_importing_the_same_file_twice_changes_nothing(kk_plan):
    text = seed_text(KK_PLAN)
    before = list(PlanItem.objects.filter(plan=kk_plan).order_by("pk").values())
    links = list(PlanItemService.objects.filter(item__plan=kk_plan).order_by("pk").values())
    stamp = Plan.objects.get(pk=kk_plan.pk).updated_at
    report = import_plan(text, region_name="Karlovarský kraj", region_code="KK")
    assert not report.changed and report.changes == []
    assert "Beze změn" in report.text()
    assert list(PlanItem.objects.filter(plan=kk_plan).order_by("pk").values()) == before
    assert list(PlanItemService.objects.filter(item__plan=kk_plan).order_by("pk").values()) == links
    assert Plan.objects.get(pk=kk_plan.pk).updated_at == stamp
    assert Plan.objects.count() == 1


def test_changed_file_updates_and_reports(lk_plan):
    text = seed_text(LK_PLAN)
    changed = text.replace("Podpora a rozvoj odlehčovacích služeb", "Podpora a rozvoj odlehčovacích služeb v regionu", 1)
    changed = changed.replace("Odlehčovací služby (§ 44)", "Odlehčovací služby (§ 44), Denní stacionáře (§ 46)", 1)
    report = import_plan(changed, region_name="Liberecký kraj")
    assert report.changed
    joined = "\n".join(report.changes)
    assert "Aktivita A01-01: změněno (název)" in joined
    assert "Aktivita A01-01 – §: přidáno § 46" in joined
    a = _item(lk_plan, "A01-01")
    assert a.name.endswith("v regionu") and _pars(a) == ["44", "46"]
    assert PlanItem.objects.filter(plan=lk_plan, kind="activity").count() == 45


def test_a_file_in_neither_format_is_refused_and_nothing_written(catalogues):
    with pytest.raises(ValidationError) as exc:
        import_plan("Toto je zápis z porady.\nNic dalšího.\n", region_name="Karlovarský kraj")
    assert "není v žádném ze známých formátů" in exc.value.messages[0]
    assert Plan.objects.count() == 0 and PlanItem.objects.count() == 0


def test_management_command_imports_and_reports(catalogues, capsys):
    if not KK_PLAN.exists():
        pytest.skip("seed missing")
    call_command("import_plan", str(KK_PLAN), "--region", "Karlovarský kraj", "--region-code", "KK")
    lines = capsys.readouterr().out.splitlines()
    # progress every 20 items and at the end, then the report
    assert [line.strip() for line in lines[:3]] == ["… 20/52 položek", "… 40/52 položek", "… 52/52 položek"]
    assert lines[3].startswith("Plán: PLÁN PRÁCE NA OBDOBÍ 2011 – 2012") and lines[3].endswith("(Karlovarský kraj, 2011–2012)")
    assert lines[4] == "Položky: Aktivita 27, Opatření 16, Priorita 9"
    assert lines[5] == "Plán byl nově založen."
    assert lines[6].startswith("Nepřečteno / k prověření (")
    call_command("import_plan", str(KK_PLAN), "--region", "Karlovarský kraj")
    again = capsys.readouterr().out.splitlines()
    assert again[4:6] == ["Položky: Aktivita 27, Opatření 16, Priorita 9", "Beze změn – soubor odpovídá uloženému plánu."]
    assert Plan.objects.count() == 1


def test_individual_projects_load_from_yaml_and_reload_without_changes(catalogues):
    from opinions.catalogues import load_individual_projects
    from opinions.models import IndividualProject, IndividualProjectService

    assert IndividualProject.objects.count() == 4
    ip = IndividualProject.objects.get(name="Podpora sítě služeb sociální prevence v Karlovarském kraji")
    assert (ip.start.isoformat(), ip.end.isoformat()) == ("2012-08-01", "2015-02-28")
    dus70 = ip.services.get(service_type__paragraph="70", target_groups__code="DUS")
    assert not dus70.whole_region and dus70.districts == ["Cheb", "Sokolov", "Karlovy Vary"]
    pks = sorted(IndividualProjectService.objects.values_list("pk", flat=True))
    load_individual_projects()
    assert sorted(IndividualProjectService.objects.values_list("pk", flat=True)) == pks


def test_import_is_one_transaction_nothing_half_imported(catalogues, monkeypatch):
    from opinions import plan_import

    calls = {"n": 0}
    original = PlanItemService.objects.bulk_create

    def failing(objs, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 5:
            raise RuntimeError("disk full")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(PlanItemService.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        plan_import.import_plan(seed_text(KK_PLAN), region_name="Karlovarský kraj")
    assert Plan.objects.count() == 0 and PlanItem.objects.count() == 0 and PlanItemService.objects.count() == 0


def test_report_warns_of_region_mismatch_and_overlapping_plans(catalogues):
    text = seed_text(KK_PLAN)
    report = import_plan(text, region_name="Liberecký kraj")
    assert "Text plánu uvádí kraj „Karlovarský kraj“, importováno jako plán kraje „Liberecký kraj“" in report.problems[0]
    renamed = text.replace("PLÁN PRÁCE NA OBDOBÍ 2011 – 2012", "PLÁN PRÁCE NA OBDOBÍ 2011 – 2012 (oprava)", 1)
    second = import_plan(renamed, region_name="Liberecký kraj")
    assert second.created
    assert any("s překrývající se platností" in p for p in second.problems)
