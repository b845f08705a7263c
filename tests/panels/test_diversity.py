"""Representativeness: small cells withheld, and nothing withheld can be worked out.

The property test checks panels.diversity.protect against an independent oracle: for every
withheld count, an exact integer program (scipy's HiGHS MILP) finds the smallest and the
largest value that count can take in a table of whole, non-negative counts agreeing with
everything published (the shown cells, every row total, the shown column totals and the
grand total). The count is safe if and only if the two differ.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from django.contrib import admin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from panels.diversity import THRESHOLD, ProtectedTable, protect, share_range, tabulate
from panels.models import DiversityDeclaration

# --- an independent oracle -----------------------------------------------------------------


def _bounds_of(
    published: ProtectedTable, target: tuple[int, int], m: int, n: int
) -> tuple[int, int]:
    """The least and greatest value ``target`` can take in any table of whole, non-negative
    counts consistent with ``published``. ``target`` is (row, column) of the body, or
    (m, column) for a column total. Variables are the m x n body counts."""
    constraints = []

    def row_of(cells: Sequence[tuple[int, int]]) -> np.ndarray:
        row = np.zeros(m * n)
        for r, c in cells:
            row[r * n + c] = 1
        return row

    lower, upper = np.zeros(m * n), np.full(m * n, np.inf)
    for r in range(m):
        for c in range(n):
            shown = published.cells[r][c]
            if shown is not None:
                lower[r * n + c] = upper[r * n + c] = shown
        total = published.row_totals[r]
        constraints.append(LinearConstraint(row_of([(r, c) for c in range(n)]), total, total))
    for c in range(n):
        shown = published.column_totals[c]
        if shown is not None:
            constraints.append(LinearConstraint(row_of([(r, c) for r in range(m)]), shown, shown))
    everything = row_of([(r, c) for r in range(m) for c in range(n)])
    constraints.append(LinearConstraint(everything, published.total, published.total))

    r, c = target
    objective = row_of([(row, c) for row in range(m)] if r == m else [(r, c)])
    found = []
    for sign in (1, -1):
        result = milp(
            sign * objective,
            constraints=constraints,
            integrality=np.ones(m * n, dtype=np.int_),
            bounds=Bounds(lower, upper),
        )
        assert result.status == 0, "the true table must be consistent with what is published"
        found.append(round(sign * result.fun))
    return found[0], found[1]


def _can_differ(
    body: Sequence[Sequence[int]], published: ProtectedTable, target: tuple[int, int]
) -> bool:
    """Whether a table consistent with ``published`` has another value at ``target``."""
    low, high = _bounds_of(published, target, len(body), len(body[0]))
    return low < high


def _check(body: list[list[int]]) -> ProtectedTable:
    published = protect(body, columns=len(body[0]))
    m, n = len(body), len(body[0])
    columns = [sum(row[c] for row in body) for c in range(n)]
    # Published values are the true ones; every small count is withheld; row totals and the
    # grand total are always shown.
    assert published.row_totals == tuple(sum(row) for row in body)
    assert published.total == sum(columns)
    for r in range(m):
        for c in range(n):
            shown = published.cells[r][c]
            assert shown is None or shown == body[r][c] >= THRESHOLD
    for c in range(n):
        shown = published.column_totals[c]
        assert shown is None or shown == columns[c] >= THRESHOLD
    # Nothing withheld can be worked out from what is shown.
    withheld = [(r, c) for r in range(m) for c in range(n) if published.cells[r][c] is None]
    withheld += [(m, c) for c in range(n) if published.column_totals[c] is None]
    for cell in withheld:
        assert _can_differ(body, published, cell), f"{cell} is recoverable from {published}"
    return published


@st.composite
def tables(draw: st.DrawFn) -> list[list[int]]:
    n = draw(st.integers(min_value=2, max_value=9))  # sex has 3 answers, religion 9
    body = draw(
        st.lists(
            st.lists(
                st.one_of(st.integers(0, 9), st.integers(10, 18)), min_size=n, max_size=n
            ).filter(lambda row: sum(row) > 0),
            min_size=1,
            max_size=6,
        )
    )
    return body


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_withheld_count_can_be_worked_out(body: list[list[int]]) -> None:
    _check(body)


# --- the rule on examples ----------------------------------------------------------------------


def test_one_small_cell_in_a_row_takes_the_next_smallest_with_it() -> None:
    published = _check([[25, 14, 3, 30]])
    assert published.cells == ((25, None, None, 30),)
    assert published.column_totals == (25, None, None, 30)


def test_a_category_total_is_withheld_where_the_others_would_give_it() -> None:
    # Column 2's total (8) is small; the grand total and the other column totals would give it
    # away, so another column total goes too.
    published = _check([[6, 7, 3], [7, 6, 5]])
    assert published.column_totals[2] is None
    assert sum(v is None for v in published.column_totals) >= 2


def test_a_panel_where_everyone_gave_one_answer_reveals_nothing() -> None:
    # All twelve declared "female": publishing 12 with the other answers withheld would still
    # give it away (withheld zeros must add up to nothing), so the 12 is withheld too.
    published = _check([[12, 0, 0]])
    assert published.cells == ((None, None, None),)
    assert published.row_totals == (12,)


def test_large_counts_are_shown() -> None:
    published = _check([[40, 15, 12, 11], [30, 14, 10, 20]])
    assert published.withheld == 0


def test_rows_with_no_declarations_are_refused() -> None:
    with pytest.raises(ValueError, match="no declarations"):
        protect([[0, 0]], columns=2)


def test_an_empty_borough_shows_nothing() -> None:
    published = protect([], columns=3)
    assert published.total == 0
    assert published.column_totals == (None, None, None)


def test_tabulate_gives_one_protected_table_per_characteristic() -> None:
    white = {
        "age_band": "35_49",
        "sex": "female",
        "ethnic_group": "white",
        "disability": "no",
        "religion": "none",
        "sexual_orientation": "straight",
    }
    declarations = [(1, white)] * 12 + [(2, white | {"ethnic_group": "asian"})] * 3
    tables = tabulate(declarations)
    assert [t.characteristic.field for t in tables] == [
        "age_band",
        "sex",
        "ethnic_group",
        "disability",
        "religion",
        "sexual_orientation",
    ]
    ethnic = next(t for t in tables if t.characteristic.field == "ethnic_group")
    assert ethnic.panel_ids == (1, 2)
    assert ethnic.panel_total(1) == 12
    assert ethnic.panel_total(3) == 0
    # Panel 1's twelve White members would be shown alone; its zeros would give it away.
    assert ethnic.panel_row(1) is not None
    assert all(f.withheld for f in ethnic.panel_row(2) or [])


def test_share_range_uses_only_what_is_shown() -> None:
    answers = ["asian", "black", "mixed", "white", "other", "prefer_not_to_say"]
    figures = list(zip(answers, [11, 11, None, 37, None, None], strict=True))
    low, high = share_range(
        figures, 68, part={"asian", "black", "mixed", "other"}, excluded={"prefer_not_to_say"}
    ) or (0, 0)
    # Nine withheld answers: all "prefer not to say" (22 of 59) or all Black, Asian or
    # minority ethnic (31 of 68).
    assert low == pytest.approx(100 * 22 / 59)
    assert high == pytest.approx(100 * 31 / 68)
    exact = share_range(
        list(zip(["a", "b", "x"], [12, 18, 0], strict=True)), 30, part={"a"}, excluded={"x"}
    )
    assert exact == (40.0, 40.0)
    assert share_range([("a", None), ("b", None)], 5, part={"a"}, excluded=set()) is None


def test_declarations_are_not_in_the_admin() -> None:
    assert DiversityDeclaration not in admin.site._registry
