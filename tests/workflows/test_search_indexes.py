"""The search and the queue's provider filter read trigram indexes on PostgreSQL (migrations
workflows 0012, registrations 0011); on SQLite the migrations do nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q

from tests.conftest import server_only
from workflows.views_case import _case_search_q, _or_branches

pytestmark = pytest.mark.django_db

TRIGRAM = {"osv_case_file_mark_trgm", "osv_case_title_trgm", "osv_case_applicant_trgm", "osv_document_refno_trgm",
           "osv_document_title_trgm", "osv_caseparty_name_trgm", "osv_provider_name_trgm",
           "osv_serviceapp_place_trgm"}


@server_only  # trigram indexes are PostgreSQL's
def test_trigram_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'osv_%%_trgm'")
        found = dict(cursor.fetchall())
    assert set(found) == TRIGRAM
    assert all("gin_trgm_ops" in d and "upper(" in d for d in found.values())


def test_search_is_split_into_one_branch_per_column():
    """Each alternative becomes a subquery of its own (joined by UNION), so each reads its index."""
    branches = _or_branches(_case_search_q("Domov"))
    assert len(branches) == 11
    assert all(isinstance(b, Q) and len(b.children) == 1 for b in branches)
