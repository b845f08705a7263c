"""schemathesis, run as people run it (its command line), against a live server: every
operation of /api/schema/ with a bounded number of generated requests, none answered 5xx or
outside the schema. Then what it found, pinned down one by one."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api import fuzzing
from tests.world import World

# Enough to reach every operation through every phase in about a minute; `make api-fuzz` runs
# more (API_FUZZ_EXAMPLES).
EXAMPLES = int(os.environ.get("SNT_API_FUZZ_EXAMPLES", "10"))


@pytest.fixture(autouse=True)
def responses_match_the_schema() -> None:
    """Not here: these requests are to paths the schema does not have, on purpose (tests/conftest.py
    checks every other API test's responses against it)."""


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    transactional_db: None, live_server, tmp_path: Path
) -> None:
    seeded = fuzzing.seed()
    config_file = tmp_path / "schemathesis.toml"
    config_file.write_text(fuzzing.config(seeded))
    command = fuzzing.command(
        live_server.url, seeded, config_file, max_examples=EXAMPLES, seed=fuzzing.SEED
    )
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL, check=False
    )
    # On failure, schemathesis's own report: each failing operation, the check it broke and a
    # curl command reproducing it.
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
    # ... and it reached every operation of the schema.
    selected = re.search(r"Selected:\s+(\d+)/(\d+)", result.stdout)
    tested = re.search(r"Tested:\s+(\d+)", result.stdout)
    assert selected and tested, result.stdout
    assert tested[1] == selected[1] == selected[2], result.stdout


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/epic/activities/null,null/",
        "/api/v1/priorities/reviews/-4967/",
        "/api/v1/dashboards/london/tables/%C2%B6Y/",
        "/api/v1/dashboards/wards/%0A%18/tables/%20%19/",
        "/api/v1/no-such-thing/",
    ],
)
def test_a_path_under_the_api_that_names_nothing_is_a_json_404(
    token_client, world: World, path: str
) -> None:
    # Found by schemathesis: these were the portal's HTML 404 page, which the schema's
    # operations do not document.
    response = token_client("pcso").get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_it_asks_an_anonymous_caller_to_authenticate_first(world: World) -> None:
    response = APIClient().get("/api/v1/epic/activities/null/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_a_known_path_without_its_slash_is_still_redirected(token_client, world: World) -> None:
    response = token_client("pcso").get(reverse("api:activity_list").rstrip("/"))
    assert response.status_code == 301
    assert response["Location"] == reverse("api:activity_list")
