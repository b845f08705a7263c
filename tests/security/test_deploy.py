"""Production settings pass `manage.py check --deploy`, and responses carry the secure
headers."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.test_settings import start_django

CHECK = (
    "from django.core.management import execute_from_command_line; "
    "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
)
# Variables this module's settings read that tests/test_settings.py's helper does not clear.
EXTRA_VARIABLES = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SNT_SESSION_IDLE_MINUTES",
    "SNT_SESSION_MAX_HOURS",
    "SNT_LOGIN_FAILURE_LIMIT",
    "SNT_LOGIN_COOLOFF_MINUTES",
    "RATELIMIT_IP_META_KEY",
)
PRODUCTION = {
    "SECRET_KEY": "k3Y-" + "aZ9qLm2Xp7Rt5Vw8Bn4Cd6Fg1Hj0Ks3" * 2,
    "ALLOWED_HOSTS": "portal.example.police.uk",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.police.uk",
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in EXTRA_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_check_deploy_reports_nothing_with_production_settings() -> None:
    result = start_django(CHECK, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_warns_when_https_is_switched_off() -> None:
    # Plain HTTP for local use is a choice the check still points out.
    result = start_django(CHECK, **PRODUCTION, SECURE_COOKIES="false")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({}, "True 31536000 True", id="production"),
        pytest.param({"SECURE_COOKIES": "false"}, "False 0 False", id="plain-http"),
        pytest.param(
            {"SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "3600"},
            "False 3600 True",
            id="tls-terminated-elsewhere",
        ),
    ],
)
def test_https_settings_come_from_the_environment(env: dict[str, str], expected: str) -> None:
    result = start_django(PRINT, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.django_db
def test_responses_carry_the_secure_headers() -> None:
    response = Client().get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"]


@pytest.mark.django_db
def test_plain_http_is_redirected_except_the_health_check() -> None:
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = Client().get(reverse("login"))
        assert response.status_code == 301
        assert response["Location"].startswith("https://")
        assert Client().get(reverse("healthz")).status_code in (200, 503)
