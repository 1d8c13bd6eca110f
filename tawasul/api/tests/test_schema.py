from __future__ import annotations

import re

import yaml
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate


def test_schema_is_valid_openapi_3_with_bearer_auth(db):
    response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    for path in ("/api/v1/organizations/", "/api/v1/organizations/{id}/", "/api/v1/services/",
                 "/api/v1/services/{id}/", "/api/v1/contacts/", "/api/v1/contacts/{id}/",
                 "/api/v1/me/"):
        assert path in schema["paths"], path
    list_op = schema["paths"]["/api/v1/organizations/"]["get"]
    assert {"bearerAuth": []} in list_op["security"]
    assert {p["name"] for p in list_op["parameters"]} >= {"kind", "country", "domain", "q",
                                                          "page", "page_size"}
    paginated = schema["components"]["schemas"]["PaginatedOrganizationList"]
    assert "results" in paginated["required"]
    patch = schema["paths"]["/api/v1/me/"]["patch"]
    assert "bidirectional controls" in patch["description"]


def test_default_yaml_schema_is_valid_too(db):
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    validate(yaml.safe_load(response.content))


def test_schema_generation_has_no_warnings(tmp_path):
    # --fail-on-warn makes any warning or error raise.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    validate(yaml.safe_load((tmp_path / "schema.yaml").read_text()))


def test_docs_page_is_served_locally_with_no_cdn(db):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert references, "the page loads its assets"
    assert all(not re.match(r"^(https?:)?//", ref) for ref in references), references
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
