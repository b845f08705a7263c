"""The police.uk crime categories, and how the street-level CSV names them.

The slugs and names are exactly those of the data.police.uk API's ``/crime-categories``; the
open-data API serves them as they are. The street CSV's "Crime type" column carries the name,
not the slug, so ``CATEGORY_BY_CRIME_TYPE`` maps one to the other.
"""

from __future__ import annotations

from django.db import models


class CrimeCategory(models.TextChoices):
    """A police.uk crime category: the API's ``url`` is the value, its ``name`` the label.

    Members are in the order ``/crime-categories`` lists them.
    """

    ALL_CRIME = "all-crime", "All crime"
    ANTI_SOCIAL_BEHAVIOUR = "anti-social-behaviour", "Anti-social behaviour"
    BICYCLE_THEFT = "bicycle-theft", "Bicycle theft"
    BURGLARY = "burglary", "Burglary"
    CRIMINAL_DAMAGE_ARSON = "criminal-damage-arson", "Criminal damage and arson"
    DRUGS = "drugs", "Drugs"
    OTHER_THEFT = "other-theft", "Other theft"
    POSSESSION_OF_WEAPONS = "possession-of-weapons", "Possession of weapons"
    PUBLIC_ORDER = "public-order", "Public order"
    ROBBERY = "robbery", "Robbery"
    SHOPLIFTING = "shoplifting", "Shoplifting"
    THEFT_FROM_THE_PERSON = "theft-from-the-person", "Theft from the person"
    VEHICLE_CRIME = "vehicle-crime", "Vehicle crime"
    VIOLENT_CRIME = "violent-crime", "Violence and sexual offences"
    OTHER_CRIME = "other-crime", "Other crime"


# Every category a single crime or ASB record can have: "all-crime" is only a query filter.
RECORD_CATEGORIES: tuple[CrimeCategory, ...] = tuple(
    category for category in CrimeCategory if category is not CrimeCategory.ALL_CRIME
)

# The street CSV's "Crime type" text → slug. The CSV uses the category names as the API gives
# them; files for months before May 2013 call violence "Violent crime", so that is accepted too.
CATEGORY_BY_CRIME_TYPE: dict[str, str] = {
    **{category.label: category.value for category in RECORD_CATEGORIES},
    "Violent crime": CrimeCategory.VIOLENT_CRIME.value,
}


def crime_categories_api() -> list[dict[str, str]]:
    """``/crime-categories`` as the data.police.uk API answers it: ``[{"url", "name"}, …]``."""
    return [{"url": category.value, "name": category.label} for category in CrimeCategory]
