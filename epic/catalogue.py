"""The EPIC catalogue: the four categories and the controlled list of activity types.

EPIC (Enforcement, Prevention, Intelligence, Communication) is how the Met counted what a
Safer Neighbourhoods team did (seed 004 §78-81). Each type belongs to one category and is
counted in one unit: a number of things done, or hours spent.

Communication is mostly engagement: every engagement event held (engagement.EventKind) counts
as the Communication type of the same name, read from the engagement records themselves, so
it is never entered twice. Officers log only the Communication types that are not engagement
events (a social media update, a panel meeting attended). ``ENGAGEMENT_TYPES`` maps each event
kind to its type key ("engagement:<kind>").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from engagement.models import EventKind


class Category(models.TextChoices):
    ENFORCEMENT = "E", "Enforcement"
    PREVENTION = "P", "Prevention"
    INTELLIGENCE = "I", "Intelligence"
    COMMUNICATION = "C", "Communication"


class Unit(models.TextChoices):
    COUNT = "count", "number"
    HOURS = "hours", "hours"


@dataclass(frozen=True)
class ActivityType:
    key: str
    label: str
    category: Category
    unit: Unit = Unit.COUNT
    # Logged through the engagement app, never on the EPIC forms.
    from_engagement: bool = False

    @property
    def loggable(self) -> bool:
        return not self.from_engagement

    def check_quantity(self, quantity: Decimal) -> str | None:
        """Why ``quantity`` is wrong for this type, or None."""
        if quantity <= 0:
            return "Enter a quantity greater than 0."
        if self.unit == Unit.COUNT:
            if quantity != quantity.to_integral_value():
                return f"“{self.label}” is counted in whole numbers."
            if quantity > MAX_COUNT:
                return f"Enter at most {MAX_COUNT} for one record."
        else:
            if (quantity * 4) != (quantity * 4).to_integral_value():
                return "Enter hours in quarter hours (for example 1.5 or 2.25)."
            if quantity > MAX_HOURS:
                return f"Enter at most {MAX_HOURS} hours for one record."
        return None


MAX_COUNT = 500
MAX_HOURS = 24

ENF, PRE, INT, COM = (
    Category.ENFORCEMENT,
    Category.PREVENTION,
    Category.INTELLIGENCE,
    Category.COMMUNICATION,
)

_LOGGED: tuple[ActivityType, ...] = (
    ActivityType("arrest", "Arrest", ENF),
    ActivityType("warrant", "Warrant executed", ENF),
    ActivityType("stop_search", "Stop and search", ENF),
    ActivityType("fixed_penalty", "Fixed penalty notice", ENF),
    ActivityType("asb_warning", "ASB warning", ENF),
    ActivityType("abc", "Acceptable behaviour contract", ENF),
    ActivityType("asb_injunction", "ASB injunction", ENF),
    ActivityType("cpn", "Community protection notice", ENF),
    ActivityType("dispersal", "Dispersal order used", ENF),
    ActivityType("patrol_hours", "High-visibility patrol", PRE, Unit.HOURS),
    ActivityType("crime_prevention_visit", "Crime prevention visit", PRE),
    ActivityType("youth_diversion", "Youth diversion session", PRE),
    ActivityType("licensed_premises_visit", "Licensed premises visit", PRE),
    ActivityType("intelligence_report", "Intelligence report submitted", INT),
    ActivityType("community_intelligence", "Community intelligence item", INT),
    ActivityType("social_media", "Social media update", COM),
    ActivityType("panel_meeting", "Panel meeting attended", COM),
)

ENGAGEMENT_TYPES: dict[str, ActivityType] = {
    kind: ActivityType(f"engagement:{kind}", str(label), COM, from_engagement=True)
    for kind, label in EventKind.choices
}

TYPES: dict[str, ActivityType] = {t.key: t for t in (*_LOGGED, *ENGAGEMENT_TYPES.values())}
LOGGED_TYPES: tuple[ActivityType, ...] = _LOGGED
# For model and form choices: only the types an officer logs on an EPIC form.
LOGGED_CHOICES: list[tuple[str, str]] = [(t.key, t.label) for t in _LOGGED]
TYPE_KEY_MAX_LENGTH = 40


def by_category() -> list[tuple[Category, list[ActivityType]]]:
    """Every type grouped under its category, in catalogue order."""
    return [(cat, [t for t in TYPES.values() if t.category == cat]) for cat in Category]


def type_for(key: str) -> ActivityType:
    return TYPES[key]
