"""The forces this portal answers for: the Metropolitan Police Service only.

data.police.uk lists all 44 forces of England, Wales and Northern Ireland. This portal holds
the neighbourhoods (wards), teams, events and priorities of the Met alone, so ``/forces`` lists
the Met and every other force id answers 404, as police.uk does for a force it does not know:
a client never gets an empty list of neighbourhoods for a force whose data simply is not here.
The City of London's wards are held (they are London's geography) but are policed by the
City of London Police, so they are not Met neighbourhoods.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Force:
    """What police.uk's ``/forces/{id}`` says of a force."""

    id: str
    name: str
    url: str
    telephone: str
    description: str
    # (title, url, description), as police.uk's engagement_methods.
    engagement_methods: tuple[tuple[str, str, str], ...]


MET = Force(
    id="metropolitan",
    name="Metropolitan Police Service",
    url="https://www.met.police.uk/",
    telephone="101",
    description=(
        "<p>The Metropolitan Police Service polices the 32 London boroughs. Every ward has "
        "its own Safer Neighbourhoods Team: dedicated ward officers and PCSOs who work with "
        "the ward's neighbourhood panel on the priorities local people set.</p>"
    ),
    engagement_methods=(
        ("Website", "https://www.met.police.uk/", "The Met's website"),
        ("Twitter", "https://twitter.com/metpoliceuk", "The Met on Twitter"),
        ("Facebook", "https://www.facebook.com/metpoliceuk", "The Met on Facebook"),
        ("telephone", "", "101"),
    ),
)


def is_met(force: str) -> bool:
    """Whether a force id names the Met (police.uk's force ids are not case sensitive)."""
    return force.lower() == MET.id
