"""schemathesis over the API's own schema against a live server: no 5xx, and every response
conforms to /api/schema/ (status, content type, headers, body).

Used two ways:

- tests/api/test_schemathesis.py, against pytest-django's live server, in every test run;
- ``make api-fuzz``: ``python -m tests.api.fuzzing`` migrates the database named by
  DATABASE_URL, fills it with :func:`seed`, serves the portal with gunicorn on a free port and
  runs schemathesis against it (see README "Fuzzing the API").
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

BASE_DIR = Path(__file__).resolve().parents[2]
# The checks that together mean "no 5xx and no schema violation".
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
MAX_EXAMPLES = 25
SEED = 20260701


class Seeded(NamedTuple):
    token: str  # an administrator's API key
    borough: str  # a borough's code, and a ward's in it, for the dashboards' {code}
    ward: str


def seed() -> Seeded:
    """A small London with something to read behind every endpoint, and the API token of an
    administrator (who may read and write everywhere, so every operation is reached)."""
    from api import services
    from tests.api import data
    from tests.factories import (
        BoroughFactory,
        EngagementEventFactory,
        PanelFactory,
        PostingFactory,
        RoleAssignmentFactory,
        TeamFactory,
        UserFactory,
        WardFactory,
    )
    from wards.models import Posting, RoleAssignment

    borough = BoroughFactory.create(name="Fuzzborough")
    wards = [WardFactory.create(name=name, borough=borough) for name in ("Alpha", "Amber")]
    officer = UserFactory.create(username="fuzz.pcso")
    team = TeamFactory.create(ward=wards[0])
    PostingFactory.create(person=officer, team=team, role=Posting.Role.PCSO)
    admin = UserFactory.create(username="fuzz.admin", is_staff=True, is_superuser=True)
    RoleAssignmentFactory.create(user=admin, role=RoleAssignment.Role.ADMINISTRATOR)
    for ward in wards:
        data.activity(ward, officer)
        EngagementEventFactory.create(ward=ward, created_by=officer)
        panel = PanelFactory.create(ward=ward)
        data.review(data.priority(ward), panel, admin)
    key: str = services.token_for(acting_user=admin).key
    return Seeded(token=key, borough=borough.code, ward=wards[0].code)


def config(seeded: Seeded) -> str:
    """schemathesis.toml for the seeded data: the dashboards' {code} and {table} are a real
    borough, ward and table (schemathesis cannot guess them), so their logic is reached."""
    table = '"path.table" = "epic_by_category"'
    return (
        # No state kept between runs (.schemathesis/): each run is its seed's alone.
        "[cache]\nenabled = false\n"
        '[[operations]]\ninclude-path-regex = "^/api/v1/dashboards/london/tables/"\n'
        f"parameters = {{ {table} }}\n"
        '[[operations]]\ninclude-path-regex = "^/api/v1/dashboards/boroughs/"\n'
        f'parameters = {{ "path.code" = "{seeded.borough}", {table} }}\n'
        '[[operations]]\ninclude-path-regex = "^/api/v1/dashboards/wards/"\n'
        f'parameters = {{ "path.code" = "{seeded.ward}", {table} }}\n'
    )


def command(
    base_url: str, seeded: Seeded, config_file: Path, *, max_examples: int, seed: int
) -> list[str]:
    """The schemathesis command line for the portal at base_url, config_file holding
    :func:`config`."""
    token = seeded.token
    return [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config_file),
        "run",
        f"{base_url}/api/schema/",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        # Nor an example database.
        "--generation-database",
        "none",
        # One thread: with two, hypothesis's ast.parse of its strategies' lambdas races inside
        # CPython 3.11 ("SystemError: AST constructor recursion depth mismatch"), a runtime
        # error of the fuzzer's own that failed a run of the suite.
        "--workers",
        "1",
        "--header",
        f"Authorization: Token {token}",
        "--no-color",
        "--output-truncate",
        "false",
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} seconds")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=MAX_EXAMPLES)
    parser.add_argument("--seed", type=int, default=SEED)
    options = parser.parse_args()

    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "snt_portal.settings")
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    # Error pages name static files: served as in production, from the collected manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    seeded = seed()
    config_file = Path(tempfile.mkdtemp()) / "schemathesis.toml"
    config_file.write_text(config(seeded))

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "snt_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=BASE_DIR,
    )
    try:
        _wait_until_up(f"{base_url}/api/schema/", server)
        run = command(
            base_url, seeded, config_file, max_examples=options.max_examples, seed=options.seed
        )
        return subprocess.run(run, cwd=BASE_DIR, check=False).returncode
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
