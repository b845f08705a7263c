"""The OpenAPI schema: valid, complete (every endpoint, its bodies and its errors), served at
/api/schema/; the documentation page, with no inline script; and the response checker that
holds every other API test to the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openapi_spec_validator import validate

from tests.api import openapi


def test_the_schema_is_valid_openapi() -> None:
    validate(openapi.spec())


def test_drf_spectacular_generates_it_without_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["openapi"].startswith("3.0")


def test_it_is_served_at_api_schema(world: object) -> None:
    as_yaml = Client().get(reverse("api:schema"))
    assert as_yaml.status_code == 200
    served = yaml.safe_load(as_yaml.content)
    as_json = Client().get(reverse("api:schema"), {"format": "json"})
    assert json.loads(as_json.content) == served
    assert set(served["paths"]) == set(openapi.spec()["paths"])


def _api_patterns() -> list[URLPattern]:
    resolver = next(
        r
        for r in get_resolver().url_patterns
        if isinstance(r, URLResolver) and r.namespace == "api"
    )
    return [
        p
        for p in resolver.url_patterns
        if isinstance(p, URLPattern) and str(p.pattern).startswith("v1/")
    ]


def test_every_api_url_is_in_the_schema_and_nothing_else() -> None:
    documented = set(openapi.spec()["paths"])
    expected = {
        "/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern)).replace("{pk}", "{id}")
        for p in _api_patterns()
    }
    assert documented == expected


def test_every_operation_documents_its_bodies_and_errors() -> None:
    spec = openapi.spec()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            codes = set(op["responses"])
            name = f"{method.upper()} {path}"
            assert codes & {"200", "201", "204"}, name
            public = path == "/api/v1/auth/token/"
            if not public:
                assert "401" in codes, name
                # A role refused, no CSRF token, or a session without its second factor.
                assert "403" in codes, name
                assert op["security"] == [{"tokenAuth": []}, {"cookieAuth": []}], name
            if "{" in path:
                assert "404" in codes, name
            if method in ("post", "patch"):
                assert {"400", "415"} <= codes, name
                assert set(op["requestBody"]["content"]) == {"application/json"}, name
            for code, response in op["responses"].items():
                assert response["description"], (name, code)
                if code != "204":
                    assert response["content"], (name, code)
            error = {"$ref": "#/components/schemas/Error"}
            for code in codes - {"200", "201", "204", "400"}:
                assert op["responses"][code]["content"]["application/json"]["schema"] == error
            if "400" in codes:
                assert op["responses"]["400"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ValidationError"
                }


def test_the_schema_describes_both_ways_to_authenticate() -> None:
    schemes = openapi.spec()["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["in"] == "header"
    assert schemes["tokenAuth"]["name"] == "Authorization"
    assert schemes["cookieAuth"]["in"] == "cookie"


# --- the checker the other tests rely on ------------------------------------------------------


def test_the_checker_refuses_an_undocumented_status() -> None:
    with pytest.raises(AssertionError, match="does not document"):
        openapi.check("GET", "/api/v1/epic/types/", HttpResponse(status=418))


def test_the_checker_refuses_a_body_unlike_the_schema() -> None:
    with pytest.raises(AssertionError, match="required"):
        openapi.check("GET", "/api/v1/epic/types/", JsonResponse([{"key": "arrest"}], safe=False))
    wrong = JsonResponse({"count": "many", "results": []})
    with pytest.raises(AssertionError, match="count"):
        openapi.check("GET", "/api/v1/epic/activities/", wrong)


def test_the_checker_tells_literal_paths_from_parameters() -> None:
    template, _ = openapi.operation("GET", "/api/v1/priorities/reviews/")
    assert template == "/api/v1/priorities/reviews/"
    template, _ = openapi.operation("GET", "/api/v1/priorities/12/")
    assert template == "/api/v1/priorities/{id}/"


# --- the documentation page ---------------------------------------------------------------------


def test_the_docs_page_loads_swagger_ui_without_inline_script(world: object) -> None:
    response = Client().get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-schema-url="{reverse("api:schema")}"' in page
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts, "the page loads its scripts"
    for attributes, body in scripts:
        assert "src=" in attributes and not body.strip(), "no inline script"
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"<[^>]+\son\w+=", page), "no inline event handlers"
    # Its assets come from the installed packages, served as static files.
    for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', page):
        assert Client().get(src).status_code == 200, src


def test_a_filters_choices_are_the_values_it_takes() -> None:
    from epic.catalogue import LOGGED_TYPES

    operation = openapi.spec()["paths"]["/api/v1/epic/activities/"]["get"]
    by_name = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert set(by_name["type"]["enum"]) == {t.key for t in LOGGED_TYPES}
    assert set(by_name["category"]["enum"]) == {"E", "P", "I", "C"}
