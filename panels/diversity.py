"""Representativeness: members' self-declared diversity, published only as protected aggregates.

The rule, in plain words:

* For each characteristic (age band, sex, ethnic group, disability, religion or belief, sexual
  orientation) a borough's figures form one table: a row per panel with at least one
  declaration, a column per answer ("prefer not to say" included), with each panel's total,
  each answer's borough total and the borough's grand total.
* How many members of each panel have declared, and the borough's total, are always shown:
  they say that people chose to answer, not what anyone answered.
* Primary suppression: every count under 10 (0 included) is withheld, in the body of the table
  and among the answer totals.
* Secondary suppression: a withheld count must not be recoverable from what is shown. After
  the primary step, every withheld count is tested (exactly, see ``_determined``); while one
  could be worked out, the smallest shown count in its row or column is withheld as well
  (if there is none, the smallest shown count anywhere). For example, if exactly one count in a
  row is withheld, the row's total gives it away, so the next-smallest count in that row is
  withheld too; an answer total is withheld where the others and the grand total would give it.
* The panel page shows its panel's row exactly as the borough table publishes it, so putting
  the two pages side by side reveals nothing more than either.

What "recoverable" means: someone who knows every shown count and total, that counts are whole
numbers and never negative, may not be able to pin down any withheld count to one value. The
test in ``_determined`` is exact for such tables: a withheld count can take another value if
and only if it lies on a cycle of withheld cells along which counts can rise and fall in turn
without any going below zero (the tables' constraint matrix is totally unimodular, so whole
numbers add nothing). tests/panels/test_diversity.py checks it against a brute-force search.

Declarations are never shown one by one: not on any page, not in the admin.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from panels.models import DiversityDeclaration

THRESHOLD = 10

Cell = tuple[int, int]  # (row, column) in the table with its totals: the totals row is m,
# the totals column n, for a body of m rows and n columns.


@dataclass(frozen=True)
class ProtectedTable:
    """A table as published: ``None`` where a count is withheld."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int, ...]  # always shown: how many declared on each panel
    column_totals: tuple[int | None, ...]
    total: int

    @property
    def withheld(self) -> int:
        return sum(v is None for row in self.cells for v in row) + sum(
            v is None for v in self.column_totals
        )


def protect(
    body: Sequence[Sequence[int]], *, columns: int, threshold: int = THRESHOLD
) -> ProtectedTable:
    """Apply primary and secondary suppression to ``body`` (rows x ``columns`` counts).

    Every row must have a positive total: a panel nobody has declared on is left out of the
    table (its row would be zeros that describe nobody).
    """
    m, n = len(body), columns
    if any(len(row) != n for row in body):
        raise ValueError("Every row of the table needs the same number of columns.")
    if any(v < 0 for row in body for v in row):
        raise ValueError("Counts cannot be negative.")
    if any(sum(row) == 0 for row in body):
        raise ValueError("Leave out rows with no declarations.")
    values = _extended(body, n)
    suppressed: set[Cell] = {
        cell for cell in _suppressible(m, n) if values[cell[0]][cell[1]] < threshold
    }
    if m and n >= 2:
        while exposed := sorted(_determined(values, suppressed)):
            suppressed.add(_complement(values, suppressed, exposed[0], m, n))
    elif m:
        suppressed |= set(_suppressible(m, n))  # one answer only: nothing can be hidden
    return ProtectedTable(
        cells=tuple(
            tuple(None if (r, c) in suppressed else values[r][c] for c in range(n))
            for r in range(m)
        ),
        row_totals=tuple(values[r][n] for r in range(m)),
        column_totals=tuple(None if (m, c) in suppressed else values[m][c] for c in range(n)),
        total=values[m][n],
    )


def _extended(body: Sequence[Sequence[int]], n: int) -> list[list[int]]:
    """The body with its row totals as column n, column totals as row m, grand total at (m, n)."""
    rows = [[*row, sum(row)] for row in body]
    totals = [sum(row[c] for row in rows) for c in range(n + 1)]
    return [*rows, totals]


def _suppressible(m: int, n: int) -> Iterable[Cell]:
    """The body and the column totals; row totals and the grand total are always shown."""
    for r in range(m):
        for c in range(n):
            yield (r, c)
    for c in range(n):
        yield (m, c)


def _complement(values: list[list[int]], suppressed: set[Cell], cell: Cell, m: int, n: int) -> Cell:
    """The shown cell to withhold next so that ``cell`` stops being recoverable: the smallest in
    its row or column (body before totals), else the smallest anywhere."""
    shown = [c for c in _suppressible(m, n) if c not in suppressed]
    near = [c for c in shown if c[0] == cell[0] or c[1] == cell[1]]
    # A fully withheld table is always safe (see tests), so there is always a candidate.
    return min(near or shown, key=lambda c: (values[c[0]][c[1]], c[0] == m, c))


def _determined(values: list[list[int]], suppressed: set[Cell]) -> set[Cell]:
    """The withheld cells whose value follows from the shown ones.

    Write each total with a minus sign: every row and column of the extended table then sums to
    zero, so any other table consistent with what is shown differs from this one by a
    circulation on the bipartite graph of rows and columns, carried by withheld cells only. A
    cell of value 0 cannot fall, so it carries flow only in the direction that raises it. A
    withheld cell can differ iff some directed cycle passes through it (conformal decomposition
    of the difference); a cell on no such cycle is determined.
    """
    m, n = len(values) - 1, len(values[0]) - 1
    edges: dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]] = {}
    for r, c in suppressed:
        value = values[r][c]
        total = (r == m) != (c == n)  # the margins carry a minus sign; the grand total does not
        row, col = ("r", r), ("c", c)
        # Flow row -> column raises the signed entry: the count rises (body) or falls (total).
        if not total or value >= 1:
            edges.setdefault(row, []).append((col, (r, c)))
        if total or value >= 1:
            edges.setdefault(col, []).append((row, (r, c)))
    determined = set()
    for r, c in suppressed:
        row, col = ("r", r), ("c", c)
        forward = any(cell == (r, c) for _, cell in edges.get(row, ()))
        backward = any(cell == (r, c) for _, cell in edges.get(col, ()))
        if not (
            (forward and _reaches(edges, col, row, without=(r, c)))
            or (backward and _reaches(edges, row, col, without=(r, c)))
        ):
            determined.add((r, c))
    return determined


def _reaches(
    edges: dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]],
    start: tuple[str, int],
    goal: tuple[str, int],
    *,
    without: Cell,
) -> bool:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for nxt, cell in edges.get(node, ()):
            if cell != without and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False


# The characteristics -----------------------------------------------------------------------


@dataclass(frozen=True)
class Characteristic:
    field: str
    label: str
    choices: tuple[tuple[str, str], ...]


D = DiversityDeclaration
CHARACTERISTICS: tuple[Characteristic, ...] = (
    Characteristic("age_band", "Age", tuple(D.AgeBand.choices)),
    Characteristic("sex", "Sex", tuple(D.Sex.choices)),
    Characteristic("ethnic_group", "Ethnic group", tuple(D.EthnicGroup.choices)),
    Characteristic("disability", "Disability", tuple(D.YesNo.choices)),
    Characteristic("religion", "Religion or belief", tuple(D.Religion.choices)),
    Characteristic("sexual_orientation", "Sexual orientation", tuple(D.Orientation.choices)),
)
DECLARATION_FIELDS = tuple(ch.field for ch in CHARACTERISTICS)


@dataclass(frozen=True)
class Figure:
    """One published count: ``None`` when withheld."""

    label: str
    value: int | None

    @property
    def withheld(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class CharacteristicTable:
    """One characteristic across a borough's panels, as published."""

    characteristic: Characteristic
    panel_ids: tuple[int, ...]  # the rows, in order
    table: ProtectedTable

    def panel_row(self, panel_id: int) -> list[Figure] | None:
        if panel_id not in self.panel_ids:
            return None
        cells = self.table.cells[self.panel_ids.index(panel_id)]
        return [
            Figure(label, value)
            for (_, label), value in zip(self.characteristic.choices, cells, strict=True)
        ]

    def panel_total(self, panel_id: int) -> int:
        if panel_id not in self.panel_ids:
            return 0
        return self.table.row_totals[self.panel_ids.index(panel_id)]

    @property
    def borough_row(self) -> list[Figure]:
        return [
            Figure(label, value)
            for (_, label), value in zip(
                self.characteristic.choices, self.table.column_totals, strict=True
            )
        ]

    def published(self, panel_id: int | None, answer: str) -> int | None:
        """The shown count of ``answer`` for one panel (or the borough when None)."""
        index = [value for value, _ in self.characteristic.choices].index(answer)
        if panel_id is None:
            return self.table.column_totals[index]
        if panel_id not in self.panel_ids:
            return 0
        return self.table.cells[self.panel_ids.index(panel_id)][index]


def tabulate(
    declarations: Iterable[tuple[int, dict[str, str]]], *, threshold: int = THRESHOLD
) -> list[CharacteristicTable]:
    """Protected tables for one borough from (panel id, answers) pairs, one per declaration."""
    by_panel: dict[int, list[dict[str, str]]] = {}
    for panel_id, answers in declarations:
        by_panel.setdefault(panel_id, []).append(answers)
    panel_ids = tuple(sorted(by_panel))
    tables = []
    for characteristic in CHARACTERISTICS:
        values = [value for value, _ in characteristic.choices]
        body = [
            [
                sum(1 for declared in by_panel[pid] if declared[characteristic.field] == value)
                for value in values
            ]
            for pid in panel_ids
        ]
        tables.append(
            CharacteristicTable(
                characteristic,
                panel_ids,
                protect(body, columns=len(values), threshold=threshold),
            )
        )
    return tables


# A range of a share wider than this says nothing useful: the figure is shown as withheld.
MAX_RANGE_POINTS = 50.0


def share_range(
    figures: Sequence[tuple[str, int | None]],
    total: int,
    *,
    part: set[str],
    excluded: set[str],
) -> tuple[float, float] | None:
    """The share (%) of answers in ``part`` among those not ``excluded`` (e.g. "prefer not to
    say"), as the narrowest range that the shown figures and the total allow: (low, high),
    equal when exact. Uses nothing withheld, so it reveals nothing the table does not; None
    when nobody answered or the range is too wide to mean anything.
    """
    shown = {"part": 0, "rest": 0, "excluded": 0}
    hidden = {"part": False, "rest": False, "excluded": False}
    for answer, value in figures:
        group = "part" if answer in part else "excluded" if answer in excluded else "rest"
        if value is None:
            hidden[group] = True
        else:
            shown[group] += value
    withheld = total - sum(shown.values())
    a, b = shown["part"], shown["rest"]
    # Lowest: the withheld answers go to the rest if they can, else to "excluded".
    if hidden["rest"]:
        low_part, low_rest = a, b + withheld
    elif hidden["excluded"]:
        low_part, low_rest = a, b
    else:
        low_part, low_rest = a + withheld, b
    # Highest: the withheld answers go to the part if they can, else to "excluded".
    if hidden["part"]:
        high_part, high_rest = a + withheld, b
    elif hidden["excluded"]:
        high_part, high_rest = a, b
    else:
        high_part, high_rest = a, b + withheld
    if low_part + low_rest <= 0 or high_part + high_rest <= 0:
        return None
    low = 100 * low_part / (low_part + low_rest)
    high = 100 * high_part / (high_part + high_rest)
    if high - low > MAX_RANGE_POINTS:
        return None
    return low, high
