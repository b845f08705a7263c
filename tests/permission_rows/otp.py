"""Permission-matrix rows for the second factor's pages (merged into
tests/test_permission_matrix.py); statuses in tests.world.ROLES order.

The matrix signs everyone in with ``force_login``, which also verifies the sessions of the roles
that need a second factor (tests/conftest.py). So every signed-in role is passed on (302): to
where it was going once verified, and home when it needs no second factor at all. What an
unverified session sees is tests/security/test_otp.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#             anon  everyone signed in
PASSED_ON = (302,) * 10

ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {
    "otp_verify": ("get", lambda w: {}, PASSED_ON),
    "otp_enrol": ("get", lambda w: {}, PASSED_ON),
}
