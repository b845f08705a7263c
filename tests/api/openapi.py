"""Checking the API's responses against its own OpenAPI schema.

``check(response)`` finds the operation a response answered (by method and path), requires its
status to be documented for that operation, its media type to be one the operation documents,
and a JSON body to validate against the documented schema (OpenAPI 3.0, read direction).
tests/api/conftest.py runs it on every response any test in tests/api receives.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from typing import Any

from django.http import HttpResponse
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30ReadValidator

PREFIX = "/api/v1/"
# Every (method, path template, status) checked in this run, for the report at the end.
SEEN: Counter[tuple[str, str, str]] = Counter()


@functools.cache
def spec() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-any-return]


@functools.cache
def _routes() -> list[tuple[re.Pattern[str], int, str]]:
    routes = []
    for template in spec()["paths"]:
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        routes.append((re.compile(f"^{pattern}$"), template.count("{"), template))
    # A literal segment beats a parameter (/priorities/reviews/ is not /priorities/{id}/).
    return sorted(routes, key=lambda r: r[1])


def operation(method: str, path: str) -> tuple[str, dict[str, Any] | None]:
    for pattern, _, template in _routes():
        if pattern.match(path):
            return template, spec()["paths"][template].get(method.lower())
    raise AssertionError(f"{path} is not a path of the schema")


def validate(body: Any, schema: dict[str, Any]) -> None:
    rooted = {**schema, "components": spec()["components"]}
    errors = sorted(OAS30ReadValidator(rooted).iter_errors(body), key=str)
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def check(method: str, path: str, response: HttpResponse) -> None:
    if not path.startswith(PREFIX):
        return
    template, op = operation(method, path)
    status = str(response.status_code)
    if op is None:
        # A method the path does not have (DELETE on an event): DRF's 405, or 401 first, or 403
        # first for a session still to enter its second factor's code (snt_portal/otp.py).
        assert status in {"405", "401", "403"}, (
            f"{method} {path}: {status} for an undocumented method"
        )
        SEEN[(method, template, status)] += 1
        return
    responses = op["responses"]
    assert status in responses, (
        f"{method} {template} answered {status}, which its schema does not document "
        f"(documents {sorted(responses)}): {response.content[:300]!r}"
    )
    SEEN[(method, template, status)] += 1
    content = responses[status].get("content")
    if not content:
        assert not response.content, (
            f"{method} {template} {status}: a body where none is documented"
        )
        return
    media = response["Content-Type"].split(";")[0].strip()
    assert media in content, f"{method} {template} {status}: {media} is not documented"
    if media == "application/json":
        validate(json.loads(response.content), content[media]["schema"])
