"""Finding 4, the rest: the access log keeps a retention period, and reads of lists with
personal data are logged — one entry per request (however many rows), naming the natural
persons shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from workflows.access_log import LIST_ID, AccessLogEntry

pytestmark = pytest.mark.django_db


def _entry(at, **kw):
    entry = AccessLogEntry(at=at, username="referent", object_type="workflows.case", object_id="1",
                           object_repr="Případ", view="case_detail", **kw)
    entry.save()
    return entry


def test_the_beat_purges_entries_older_than_the_retention_period(settings):
    from worker import schedules, tasks

    now = timezone.now()
    old = _entry(now - timedelta(days=5 * 365 + 2))
    kept = _entry(now - timedelta(days=4 * 365))
    today = _entry(now)
    assert tasks.purge_access_log.apply().get() == 1  # the default: 5 years (1 826 days)
    assert set(AccessLogEntry.objects.values_list("pk", flat=True)) == {kept.pk, today.pk}
    assert not AccessLogEntry.objects.filter(pk=old.pk).exists()

    settings.OSV_ACCESS_LOG_RETENTION_DAYS = 30  # configurable
    assert tasks.purge_access_log.apply().get() == 1
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [today.pk]
    entry = next(e for e in schedules.BEAT_SCHEDULE.values() if e["task"] == "osv.purge_access_log")
    assert entry["schedule"].hour == {3}  # once a night


def test_purge_works_in_batches():
    from workflows import access_log

    long_ago = timezone.now() - timedelta(days=6 * 365)
    for _ in range(7):
        _entry(long_ago)
    assert access_log.purge(batch=3) == 7
    assert not AccessLogEntry.objects.exists()


@pytest.fixture
def demo(demo_users):
    from registrations.catalogues import ensure_default_checklist
    from workflows.demo import seed_agendas

    ensure_default_checklist()
    seed_agendas()
    return demo_users


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _new_entries(client, url):
    before = AccessLogEntry.objects.count()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return list(AccessLogEntry.objects.order_by("pk")[before:])


def test_lists_with_personal_data_write_one_entry_per_request(demo):
    referent = _as(demo["referent"])
    natural = "Marie Smyšlená – pečovatelská služba"  # an applicant, a natural person (registrations.demo)

    [registry] = _new_entries(referent, "/registry/")
    assert registry.view == "registry" and registry.object_id == LIST_ID
    assert registry.object_type == "registrations.provider" and natural in registry.object_repr
    assert registry.user == demo["referent"] and registry.path == "/registry/"

    [api] = _new_entries(referent, "/api/providers/?q=Mar")
    assert api.view == "api_provider_list" and natural in api.object_repr and "„Mar“" in api.object_repr

    [search] = _new_entries(referent, "/hledat/?q=Smyšlená")
    assert search.view == "search" and "„Smyšlená“" in search.object_repr

    for url, view in [("/registry/export.csv", "registry_export_csv"), ("/registry/export.json", "registry_export_json"),
                      ("/ukoly/?export=csv", "inbox_export"), ("/fronta/?export=xlsx", "queue_export"),
                      ("/hledat/?q=Domov&export=csv", "search_export")]:
        entries = _new_entries(referent, url)
        assert [e.view for e in entries] == [view], url  # one entry, however many rows

    # a page without a natural person (the public registry of the reader: legal persons only here)
    # and a search without a term write nothing
    assert _new_entries(_as(demo["ctenar"]), "/registry/") == []
    assert _new_entries(referent, "/hledat/") == []


def test_the_administrator_finds_who_listed_a_natural_person(demo):
    _as(demo["referent2"]).get("/registry/")
    admin = _as(demo["spravce"])
    found = admin.get("/admin/workflows/accesslogentry/", {"q": "Smyšlená"})
    assert found.status_code == 200
    assert [e.username for e in found.context["cl"].result_list] == ["referent2"]
