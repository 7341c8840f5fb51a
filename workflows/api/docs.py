"""A plain, offline API documentation page rendered from the OpenAPI schema.

Swagger UI / Redoc load their scripts from a CDN, which an office network may block; this page
needs nothing but the server. The machine-readable schema is at /api/schema/.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator


@login_required
@require_GET
def api_docs(request):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = body.get("$ref", "").rsplit("/", 1)[-1]
            fields = []
            if ref:
                component = schema["components"]["schemas"].get(ref, {})
                required = set(component.get("required", []))
                for name, prop in component.get("properties", {}).items():
                    fields.append({"name": name, "type": prop.get("type", prop.get("$ref", "").rsplit("/", 1)[-1]),
                                   "required": name in required, "help": prop.get("description", "")})
            endpoints.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "tags": ", ".join(op.get("tags", [])),
                "params": [{"name": p["name"], "in": p["in"], "help": p.get("description", "")} for p in op.get("parameters", [])],
                "fields": fields,
            })
    return render(request, "osv/api_docs.html", {"endpoints": endpoints, "info": schema.get("info", {}),
                                                 "title": "Dokumentace API", "active_nav": "api"})
