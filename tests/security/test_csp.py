"""Every response carries the Content Security Policy: pages, the API, the admin and error
pages, with nothing allowed inline and no eval. SNT_CSP_REPORT_ONLY switches it to report-only
for trialling a change. (tests/browser/test_csp.py shows the pages work under it.)"""

from __future__ import annotations

import ast

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.test_settings import last_line, start_django
from tests.world import World

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def assert_strict_policy(response) -> None:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response}"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, header
    assert directives(header) == EXPECTED


@pytest.mark.parametrize(
    ("role", "url"),
    [
        pytest.param("anonymous", lambda w: reverse("login"), id="sign-in"),
        pytest.param("anonymous", lambda w: reverse("home"), id="redirect-to-sign-in"),
        pytest.param("sergeant", lambda w: reverse("home"), id="home"),
        pytest.param(
            "sergeant", lambda w: reverse("wards:ward_detail", args=[w.a1.code]), id="ward"
        ),
        pytest.param(
            "sergeant", lambda w: reverse("wards:ward_detail", args=[w.b1.code]), id="not-found"
        ),
        pytest.param("pcso", lambda w: reverse("api:docs"), id="api-docs"),
        pytest.param("anonymous", lambda w: reverse("api:schema"), id="api-schema"),
        pytest.param("admin", lambda w: reverse("admin:index"), id="admin"),
        pytest.param(
            "admin", lambda w: reverse("admin:wards_ward_change", args=[w.a1.pk]), id="admin-form"
        ),
    ],
)
def test_pages_carry_the_strict_policy(world: World, role: str, url) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    response = client.get(url(world))
    assert response.status_code in (200, 302, 404)
    assert_strict_policy(response)


def test_the_api_carries_the_strict_policy(world: World) -> None:
    token = Token.objects.create(user=world.users["pcso"])
    client = Client(headers={"Authorization": f"Token {token.key}"})
    for url in (reverse("api:epic_types"), reverse("api:activity_list")):
        response = client.get(url)
        assert response.status_code == 200
        assert_strict_policy(response)
    # Refusals too: an anonymous request is told 401, with the same header.
    refused = Client().get(reverse("api:activity_list"))
    assert refused.status_code == 401
    assert_strict_policy(refused)


# Builds a response through the middleware in a fresh process: settings are read once.
HEADERS = (
    "import django; django.setup(); "
    "from django.http import HttpResponse; from django.test import RequestFactory; "
    "from csp.middleware import CSPMiddleware; "
    "r = CSPMiddleware(lambda request: HttpResponse())(RequestFactory().get('/')); "
    "print(repr(r.get('Content-Security-Policy'))); "
    "print(repr(r.get('Content-Security-Policy-Report-Only')))"
)


@pytest.fixture(autouse=True)
def _no_policy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SNT_CSP_REPORT_ONLY", raising=False)
    monkeypatch.delenv("SNT_CSP_REPORT_URI", raising=False)


def _headers(**env: str) -> tuple[str | None, str | None]:
    result = start_django(HEADERS, DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    enforced, report_only = (ast.literal_eval(line) for line in result.stdout.splitlines())
    return enforced, report_only


def test_report_only_sends_the_same_policy_without_enforcing_it() -> None:
    enforced, report_only = _headers()
    assert enforced and report_only is None
    enforced_ro, report_only_ro = _headers(SNT_CSP_REPORT_ONLY="true")
    assert enforced_ro is None and report_only_ro is not None
    assert directives(report_only_ro) == directives(enforced) == EXPECTED


def test_violation_reports_go_where_the_setting_says() -> None:
    enforced, _ = _headers(SNT_CSP_REPORT_URI="https://reports.example.police.uk/csp")
    assert enforced is not None
    assert directives(enforced)["report-uri"] == ["https://reports.example.police.uk/csp"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param(
            {"SNT_CSP_REPORT_ONLY": "sometimes"},
            "SNT_CSP_REPORT_ONLY must be one of true/false/1/0/yes/no, not 'sometimes'.",
            id="report-only-not-a-boolean",
        ),
        pytest.param(
            {"SNT_CSP_REPORT_URI": "reports.example/csp"},
            "SNT_CSP_REPORT_URI must be a URL starting with one of https://, http://; "
            "got 'reports.example/csp'.",
            id="report-uri-not-a-url",
        ),
    ],
)
def test_a_bad_policy_setting_stops_start_up_naming_it(env: dict[str, str], message: str) -> None:
    result = start_django(DEBUG="true", **env)
    assert result.returncode != 0
    assert last_line(result.stderr).endswith(message)
