"""Admin upload of a plan file: imports in one transaction and shows the report; bad files write nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from opinions.models import Plan, PlanImportUpload, PlanItem

from .conftest import LK_PLAN, seed_text

pytestmark = pytest.mark.django_db


def test_admin_upload_imports_and_reports(client, catalogues):
    client.force_login(catalogues["users"]["spravce"])
    url = "/admin/opinions/planimportupload/add/"
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("liberec.txt", seed_text(LK_PLAN).encode("utf-8"), content_type="text/plain")
    response = client.post(url, {"file": upload, "region_name": "Liberecký kraj"})
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert plan.region_name == "Liberecký kraj"
    assert PlanItem.objects.filter(plan=plan, kind="activity").count() == 45
    record = PlanImportUpload.objects.get()
    assert record.plan == plan and "Plán byl nově založen" in record.report

    bad = SimpleUploadedFile("zapis.txt", "Zápis z porady\n".encode("utf-8"), content_type="text/plain")
    client.post(url, {"file": bad, "region_name": ""}, follow=True)
    assert Plan.objects.count() == 1
    failed = PlanImportUpload.objects.order_by("-pk").first()
    assert failed.plan is None and failed.report.startswith("Import se nezdařil: Soubor není v žádném ze známých formátů")
