"""Settings fail at start-up, naming the variable, when the environment gives a bad value.

Each case starts Django in a fresh interpreter with the production settings module, because
settings are read once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# Every variable settings.py reads: each case starts from none of them set.
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_TASK_TIME_LIMIT",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_HOST_PASSWORD_FILE",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "SECURE_COOKIES",
    "SNT_ESTABLISHMENT_MODEL",
    "SNT_WEEKLY_HOURS",
    "SNT_SHARED_DATA_DIR",
    "LOG_LEVEL",
)

SETUP = "import django; django.setup()"


def start_django(code: str = SETUP, **env: str) -> subprocess.CompletedProcess[str]:
    # Not this process's settings variables, nor the browser tests' relaxed async guard
    # (DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly reports).
    dropped = {*SETTINGS_VARIABLES, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in dropped}
    clean["DJANGO_SETTINGS_MODULE"] = "snt_portal.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def last_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else ""


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param(
            {"DEBUG": "maybe"},
            "DEBUG must be one of true/false/1/0/yes/no, not 'maybe'.",
            id="debug-not-a-boolean",
        ),
        pytest.param(
            {},
            "SECRET_KEY must be set when DEBUG is off",
            id="no-secret-key-without-debug",
        ),
        pytest.param(
            {"SECRET_KEY": "x", "DATABASE_URL": "mysql://x"},
            "DATABASE_URL must be a URL starting with one of sqlite://, postgres://",
            id="database-url-scheme",
        ),
        pytest.param(
            {"SECRET_KEY": "x", "REDIS_URL": "http://x"},
            "REDIS_URL must be a URL starting with one of redis://, rediss://; got 'http://x'.",
            id="redis-url-scheme",
        ),
        pytest.param(
            {"SECRET_KEY": "x", "SNT_ESTABLISHMENT_MODEL": "1999"},
            "SNT_ESTABLISHMENT_MODEL must be one of 2007, 2016, not '1999'.",
            id="establishment-model",
        ),
        pytest.param(
            {"SECRET_KEY": "x", "EMAIL_PORT": "abc"},
            "EMAIL_PORT must be a whole number, not 'abc'.",
            id="email-port-not-a-number",
        ),
        pytest.param(
            {"SECRET_KEY": "x", "SNT_WEEKLY_HOURS": "0"},
            "SNT_WEEKLY_HOURS must be at least 1, not 0.",
            id="weekly-hours-below-minimum",
        ),
        pytest.param(
            {"SECRET_KEY": "x", "LOG_LEVEL": "LOUD"},
            "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'LOUD'.",
            id="log-level",
        ),
        pytest.param(
            {"SECRET_KEY": "x", "SNT_ROLLUP_WORK_MEM": "lots"},
            "SNT_ROLLUP_WORK_MEM must be an amount like 256MB or 1GB, not 'lots'.",
            id="rollup-work-mem",
        ),
        pytest.param(
            {"SECRET_KEY": "x", "SNT_OPENDATA_RATE_LIMITS": "30/s,fast"},
            "SNT_OPENDATA_RATE_LIMITS must be rates like 30/s,900/m, not '30/s,fast'.",
            id="opendata-rates",
        ),
        pytest.param(
            {"SECRET_KEY": "x", "SNT_UPLOAD_MAX_BYTES": "2MB"},
            "SNT_UPLOAD_MAX_BYTES must be a whole number, not '2MB'.",
            id="upload-max-bytes",
        ),
        pytest.param(
            {"SECRET_KEY_FILE": "/nonexistent/secret-key"},
            "SECRET_KEY_FILE points at '/nonexistent/secret-key'",
            id="secret-key-file-missing",
        ),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(env: dict[str, str], message: str) -> None:
    result = start_django(**env)

    assert result.returncode != 0, result.stdout
    assert last_line(result.stderr).startswith(
        "django.core.exceptions.ImproperlyConfigured: " + message
    ), result.stderr


def test_the_embedded_default_starts_with_debug_alone() -> None:
    result = start_django(
        SETUP + "; from django.conf import settings as s;"
        " print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)",
        DEBUG="true",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_secret_key_file_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-mounted-secret\n")

    result = start_django(
        SETUP + "; from django.conf import settings as s; print(s.SECRET_KEY)",
        SECRET_KEY_FILE=str(secret),
        SECRET_KEY="ignored-when-the-file-is-given",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-a-mounted-secret"


def test_redis_url_turns_off_eager_tasks_in_the_celery_app() -> None:
    code = (
        SETUP + "; from snt_portal.celery import app;"
        " print(app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)"
    )

    with_redis = start_django(code, DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/15")
    without = start_django(code, DEBUG="true")

    assert with_redis.returncode == 0, with_redis.stderr
    assert with_redis.stdout.split() == [
        "False",
        "redis://127.0.0.1:6379/15",
        "redis://127.0.0.1:6379/15",
    ]
    assert without.returncode == 0, without.stderr
    assert without.stdout.split() == ["True", "memory://", "cache+memory://"]
