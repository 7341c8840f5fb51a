"""Finding 8: the OpenAPI schema describes what the API really answers.

* Every API route (URL resolver × HTTP methods) is an operation of the schema, so nothing
  escapes the generated tests by being left out (both passes).
* schemathesis (all checks, all phases, 25 examples per operation) against a live test
  server on PostgreSQL, as the portal and as the head of department: 0 failures."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import get_resolver

from tests.conftest import ROOT, server_only

CONFIG = Path(__file__).with_name("schemathesis.toml")
NOT_OPERATIONS = {"/api/schema/", "/api/docs/"}  # the schema itself and its human-readable page


def api_operations_from_routes() -> set[tuple[str, str]]:
    """(method, OpenAPI path) for every route under /api/ and every method its view answers."""
    found = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, route)
                continue
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + ("id" if m.group(1) == "pk" else m.group(1)) + "}",
                                route)
            if not path.startswith("/api/") or path in NOT_OPERATIONS:
                continue
            view = getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)
            assert view is not None, f"{path}: API route without a DRF view class"
            for method in view().allowed_methods:
                if method not in ("OPTIONS", "HEAD"):
                    found.add((method.lower(), path))

    walk(get_resolver().url_patterns)
    return found


@pytest.mark.django_db
def test_schema_has_one_operation_per_api_route_and_method():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    routes = api_operations_from_routes()
    assert routes, "no API routes found"
    assert routes - in_schema == set(), "API routes missing from the OpenAPI schema"
    assert in_schema - routes == set(), "schema operations without a route"
    assert len(in_schema) == len(routes)
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for code in ("400", "401", "403", "404", "414"):
                assert code in op["responses"], (method, path, code)
    providers = schema["paths"]["/api/providers/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert providers["$ref"].endswith("PaginatedProvider")
    body = schema["components"]["schemas"]["OpinionRequest"]["properties"]
    assert body["applicant_ico"]["pattern"] == "^[0-9]{8}$" and body["project_title"]["maxLength"] == 400


def _st_executable() -> str:
    candidate = Path(sys.executable).with_name("st")
    return str(candidate) if candidate.exists() else (shutil.which("st") or "st")


@server_only
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_nothing(live_server, demo_users, tmp_path):
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from registrations import demo

    demo.seed()
    schema_url = f"{live_server.url}/api/schema/?format=json"
    generated = 0
    for username in ("portal", "vedouci"):
        token = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))[0].key
        result = subprocess.run(
            [_st_executable(), "--config-file", str(CONFIG), "run", schema_url,
             "-H", f"Authorization: Token {token}", "--checks", "all", "--max-examples", "25",
             "--seed", "1313", "--output-truncate", "true", "--no-color"],
            cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"},
        )
        out = result.stdout + result.stderr
        (tmp_path / f"schemathesis-{username}.txt").write_text(out)
        summary = re.search(r"(\d+) generated, (\d+) (?:passed|found)", out)
        assert result.returncode == 0, f"schemathesis ({username}) failed:\n{out[-6000:]}"
        assert summary and "failure" not in out.split("SUMMARY")[-1].lower(), out[-3000:]
        assert "Selected: 8/8" in out or re.search(r"Selected: (\d+)/\1", out), out[-2000:]
        generated += int(summary.group(1))
    print(f"schemathesis: {generated} generated cases, 0 failures")
    assert generated >= 500
