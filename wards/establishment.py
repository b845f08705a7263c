"""Establishment rules: how many officers of each rank a ward's team should have.

"2007": 1 Sergeant, 2 PCs, 3 PCSOs, and 3 more PCSOs where the population exceeds 14,000.
"2016": two dedicated ward officers (PCs) and one PCSO; sergeants oversee several wards.
Which rule applies is a deployment setting, SNT_ESTABLISHMENT_MODEL.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings

from wards.models import PostingRole

LARGE_WARD_POPULATION = 14_000

# The ranks establishment counts, in the order pages show them.
COUNTED_ROLES = (PostingRole.SERGEANT, PostingRole.PC, PostingRole.PCSO)


def rule_2007(population: int | None) -> dict[PostingRole, int]:
    pcsos = 3 + (3 if population is not None and population > LARGE_WARD_POPULATION else 0)
    return {PostingRole.SERGEANT: 1, PostingRole.PC: 2, PostingRole.PCSO: pcsos}


def rule_2016(population: int | None) -> dict[PostingRole, int]:
    return {PostingRole.SERGEANT: 0, PostingRole.PC: 2, PostingRole.PCSO: 1}


RULES: dict[str, Callable[[int | None], dict[PostingRole, int]]] = {
    "2007": rule_2007,
    "2016": rule_2016,
}


@dataclass(frozen=True)
class StrengthLine:
    role: PostingRole
    required: int
    actual: int

    @property
    def gap(self) -> int:
        """Posts unfilled (positive) or officers over establishment (negative)."""
        return self.required - self.actual

    @property
    def is_short(self) -> bool:
        return self.actual < self.required


@dataclass(frozen=True)
class Strength:
    model: str
    lines: tuple[StrengthLine, ...]

    @property
    def required(self) -> int:
        return sum(line.required for line in self.lines)

    @property
    def actual(self) -> int:
        return sum(line.actual for line in self.lines)

    @property
    def shortfall(self) -> int:
        return sum(max(line.gap, 0) for line in self.lines)

    @property
    def is_short(self) -> bool:
        return self.shortfall > 0


def strength(
    population: int | None, actual: Mapping[str, int], model: str | None = None
) -> Strength:
    """Compare counts of current postings by role with the establishment for a population."""
    model = model or settings.SNT_ESTABLISHMENT_MODEL
    required = RULES[model](population)
    return Strength(
        model=model,
        lines=tuple(
            StrengthLine(role=role, required=required[role], actual=actual.get(role, 0))
            for role in COUNTED_ROLES
        ),
    )
