"""The national registry's open data: a generated file with deliberate differences yields
exactly those differences on the officers' page and in the XLSX export; the import streams
a large file in bounded memory; our registry exports in the same format."""

from __future__ import annotations

import io
import json
import resource
import threading
import time
import tracemalloc
from datetime import date
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from tests.integrations import rpss_files as rpss

TODAY = date(2026, 12, 1)

EXPECTED = {
    ("capacity", "1000002"), ("forms", "1000003"), ("address", "1000004"), ("target_groups", "1000005"),
    ("end_date", "1000006"), ("identifier", "1000007"), ("missing_national", "1000008"), ("missing_local", "1000009"),
}


def _service(provider, paragraph, form, capacity, *, national_id="", place="Zahradní 1017/12, 360 01 Karlovy Vary",
             groups=("S",), closed_on=None):
    from registrations.models import RegisteredService, RegistrationCaseKind
    from workflows.models import Case, ServiceType, TargetGroup

    case = Case.objects.create(kind=RegistrationCaseKind.REGISTRATION, title=f"Registrace {provider.name}", ico=provider.ico or "",
                               state=Case.State.CLOSED)
    service = RegisteredService.objects.create(
        provider=provider, national_id=national_id, service_type=ServiceType.objects.get(paragraph=paragraph), form=form,
        capacity=capacity, place=place, registered_on=date(2015, 1, 1), provided_from=date(2015, 1, 1),
        registration_case=case, state="closed" if closed_on else "active", closed_on=closed_on)
    service.target_groups.set(TargetGroup.objects.filter(code__in=groups))
    return service


@pytest.fixture
def registry(roles):
    """Our registry: two providers, eight services (S1 agrees with the national data)."""
    from registrations.models import Provider

    p1 = Provider.objects.create(ico="26593661", name="Domov Slunečnice, z. ú.", address="Zahradní 1017/12, Karlovy Vary",
                                 legal_form="Ústav")
    p2 = Provider.objects.create(ico="05472130", name="Pečovatelé Krušné hory s.r.o.", address="Rokycanova 258, Sokolov")
    _service(p1, "49", "residential", 24, national_id="1000001")
    _service(p1, "50", "residential", 30, national_id="1000002")
    _service(p1, "40", "field", 10, national_id="1000003")
    _service(p1, "37", "outpatient", 15, national_id="1000004", place="Nádražní 5, Cheb")
    _service(p1, "39", "field", 8, national_id="1000005", groups=("S", "OZP"))
    _service(p2, "40", "field", 6, national_id="1000006", place="Rokycanova 258, Sokolov", closed_on=date(2026, 6, 30))
    _service(p2, "40", "outpatient", 12, place="Rokycanova 258, Sokolov")  # no identifier yet
    _service(p2, "49", "residential", 40, national_id="1000008", place="Rokycanova 258, Sokolov")
    return p1, p2


def national_records():
    p2 = {"ico": "05472130", "provider": "Pečovatelé Krušné hory s.r.o.", "addresses": ("Rokycanova 258, 356 01 Sokolov",)}
    yield rpss.record("1000001")
    yield rpss.record("1000002", paragraph="50", forms={"residential": 28})
    yield rpss.record("1000003", paragraph="40", forms={"field": 10, "outpatient": 4})
    yield rpss.record("1000004", paragraph="37", forms={"outpatient": 15}, addresses=("Evropská 1502/7, 350 02 Cheb",))
    yield rpss.record("1000005", paragraph="39", forms={"field": 8}, groups=("senioři",))
    yield rpss.record("1000006", paragraph="40", forms={"field": 6}, **p2)  # still provided there
    yield rpss.record("1000007", paragraph="40", forms={"outpatient": 12}, with_paragraph=False, **p2)
    yield rpss.record("1000009", paragraph="43", ico="71088211", provider="Alena Veselá", forms={"field": 3},
                      addresses=("Evropská 1502/7, 350 02 Cheb",))
    yield rpss.record("2000001", ico="45000001", provider="Pražský domov", region="Hlavní město Praha")  # not ours
    bad = rpss.record("1000010")
    del bad["poskytovatel"]
    bad["datumPoskytovaniOd"] = "1. 1. 2020"
    yield bad
    yield rpss.record("1000011", forms={"residential": -1})


@pytest.fixture
def national_file(tmp_path):
    return rpss.write(tmp_path / "rpss.json", national_records())


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _run(path, **kwargs):
    from registrations.national_registry import services

    return services.import_source(str(path), **kwargs)


def test_import_yields_exactly_the_deliberate_differences(registry, national_file):
    from registrations.national_registry.selectors import differences

    batch = _run(national_file)
    assert batch.status == "done", batch.message
    assert (batch.total, batch.valid, batch.invalid) == (11, 9, 2)
    assert batch.stored == 8  # the Prague service is not ours
    assert batch.file_updated_on == date(2026, 11, 30)
    found = {(d.kind, d.identifier) for d in differences()}
    assert found == EXPECTED
    assert sum(batch.summary.values()) == len(EXPECTED)
    by_kind = {d.kind: d for d in differences()}
    assert (by_kind["capacity"].ours, by_kind["capacity"].national) == ("pobytová: 30", "pobytová: 28")
    assert by_kind["identifier"].ours == "bez identifikátoru"
    assert "30. 6. 2026" in by_kind["end_date"].ours
    messages = " ".join(e["message"] for e in batch.errors)
    assert "chybí povinná položka „poskytovatel“" in messages
    assert "není platné datum" in messages and "je menší než 0" in messages


def test_page_and_xlsx_list_the_same_differences(client, demo_users, registry, national_file):
    from openpyxl import load_workbook

    _run(national_file)
    client.force_login(demo_users["referent"])
    html = client.get("/registry/celostatni-registr/").content.decode()
    for kind, identifier in EXPECTED:
        assert identifier in html
    assert html.count('<span class="badge') == len(EXPECTED)
    assert "chybí v našem registru" in html and "Neplatné záznamy celostátního souboru (2)" in html

    response = client.get("/registry/celostatni-registr/rozdily.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Druh rozdílu"
    from registrations.national_registry.selectors import KINDS

    labels = {label: kind for kind, label in KINDS.items()}
    assert {(labels[r[0]], r[1]) for r in rows[1:]} == EXPECTED

    only = client.get("/registry/celostatni-registr/", {"druh": "capacity"}).content.decode()
    assert only.count('<span class="badge') == 1


def test_permissions_by_action(client, demo_users, registry, national_file):
    _run(national_file)
    for username, view, export in [("vedouci", 200, 200), ("planovac", 403, 403), ("ctenar", 403, 403)]:
        client.force_login(demo_users[username])
        assert client.get("/registry/celostatni-registr/").status_code == view, username
        assert client.get("/registry/celostatni-registr/rozdily.xlsx").status_code == export, username
    client.force_login(demo_users["vedouci"])
    assert client.post("/registry/celostatni-registr/spustit/").status_code == 403
    assert client.get("/registry/celostatni-registr/nas-registr.json").status_code == 403


def test_a_broken_file_fails_clearly_and_keeps_the_last_good_import(registry, national_file, tmp_path):
    from registrations.national_registry.selectors import differences, latest_import

    good = _run(national_file)
    broken = tmp_path / "broken.json"
    broken.write_text('{"polozky": [{"identifikator": "1000001", ', encoding="utf-8")
    failed = _run(broken)
    assert failed.status == "failed" and "není platný JSON" in failed.message
    no_items = tmp_path / "no-items.json"
    no_items.write_text('{"data": []}', encoding="utf-8")
    assert "polozky" in _run(no_items).message
    assert "neexistuje" in _run(tmp_path / "missing.json").message
    assert latest_import() == good
    assert {(d.kind, d.identifier) for d in differences()} == EXPECTED


def test_command_with_progress_bar_and_url_source(registry, national_file, settings):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_national_registry", str(national_file), stdout=out, stderr=err)
    assert "Načteno 11 záznamů, neplatných 2" in out.getvalue()
    assert "kapacita: 1" in out.getvalue()
    assert "Načítám celostátní registr" in err.getvalue()  # tqdm's bar

    handler = partial(SimpleHTTPRequestHandler, directory=str(national_file.parent))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        from registrations.national_registry import services

        settings.OSV_NATIONAL_REGISTRY_SOURCE = f"http://127.0.0.1:{server.server_address[1]}/rpss.json"
        result = services.run_scheduled()
        assert result["status"] == "done" and result["differences"] == len(EXPECTED)
        settings.OSV_NATIONAL_REGISTRY_SOURCE = f"http://127.0.0.1:{server.server_address[1]}/chybi.json"
        assert "HTTP 404" in services.run_scheduled()["message"]
    finally:
        server.shutdown()
        server.server_close()


def test_daily_beat_job_is_scheduled_and_thin():
    from worker import tasks
    from worker.schedules import BEAT_SCHEDULE

    job = BEAT_SCHEDULE["import-national-registry"]
    assert job["task"] == tasks.import_national_registry.name == "osv.import_national_registry"
    assert job["schedule"].hour == {5} and job["schedule"].minute == {30}
    assert tasks.import_national_registry.run() == {"status": "not_configured"}


def test_our_registry_exports_in_the_national_format_and_reads_back(client, demo_users, registry, tmp_path):
    from registrations.national_registry import fileformat
    from registrations.national_registry.selectors import differences

    client.force_login(demo_users["referent"])
    response = client.get("/registry/celostatni-registr/nas-registr.json", {"vse": "1"})
    data = json.loads(response.content)
    assert not list(fileformat.file_validator().iter_errors(data))
    assert len(data["polozky"]) == 8
    path = tmp_path / "nase.json"
    path.write_bytes(response.content)
    batch = _run(path)
    # everything agrees except the service without an identifier, which the national data cannot hold yet
    assert batch.invalid == 1
    assert [(d.kind, d.identifier) for d in differences()] == [("missing_national", "")]


def test_large_file_streams_in_bounded_memory(registry, tmp_path, capsys):
    """32 000 services (over 30 MB, like the real file): time and peak memory are printed; the
    Python heap and the process's growth stay far below the file's size."""
    path = rpss.write(tmp_path / "rpss-big.json", (r for part in (national_records(), rpss.elsewhere(32000)) for r in part))
    size = path.stat().st_size
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    started = time.perf_counter()
    batch = _run(path)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with capsys.disabled():
        print(f"\n[celostátní registr] {batch.total} záznamů, soubor {size / 2**20:.1f} MB, {elapsed:.1f} s "
              f"(se sledováním paměti), špička haldy Pythonu {peak / 2**20:.1f} MB, špička RSS procesu "
              f"{rss_after / 2**20:.0f} MB (nárůst během importu {(rss_after - rss_before) / 2**20:.0f} MB)")
    assert batch.status == "done" and batch.total == 32011 and batch.stored == 8
    assert size > 30 * 2**20
    assert peak < size / 4  # json.load of this file alone would need several times its size
    assert rss_after - rss_before < size / 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_run_now_button_imports_in_the_real_worker(client, demo_users, registry, national_file, settings, celery_worker):
    from registrations.models import NationalRegistryImport
    from tests.conftest import wait_for

    settings.OSV_NATIONAL_REGISTRY_SOURCE = str(national_file)
    client.force_login(demo_users["referent"])
    response = client.post("/registry/celostatni-registr/spustit/")
    assert response.status_code == 302
    wait_for(lambda: NationalRegistryImport.objects.filter(status="done").exists(), timeout=90,
             message="worker nenačetl celostátní registr")
    run = NationalRegistryImport.objects.get(status="done")
    assert run.started_by == demo_users["referent"] and sum(run.summary.values()) == len(EXPECTED)
