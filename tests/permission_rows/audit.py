"""Permission-matrix rows for the audit viewer: administrators only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#             anon pcso  pc  sgt insp panM panC  bm  cen  adm
ADMIN_ONLY = (302, 403, 403, 403, 403, 403, 403, 403, 403, 200)

ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {
    "audit:change_list": ("get", lambda w: {}, ADMIN_ONLY),
}
