"""Permission-matrix rows for the ballots URLs (merged into tests/test_permission_matrix.py).

Each row: "namespace:name[variant]": (method, target(world) -> URL kwargs, statuses in
tests.world.ROLES order: anon, pcso, pc, sergeant, inspector, panel_member, panel_chair,
borough_manager, central_analyst, admin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ROWS: dict[str, tuple[str, Callable[[Any], dict[str, Any]], tuple[int, ...]]] = {}
