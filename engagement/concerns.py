"""The one controlled vocabulary of local concerns, and the police.uk category each relates to.

These are the Safer Neighbourhoods concerns residents actually raise (seed 004 §82; the 2009
ward priorities): many are not crimes in police.uk's sense, so the mapping is None for them and
the analysis pack shows "no recorded-crime measure" rather than a misleading count.
"""

from __future__ import annotations

from django.db import models


class ConcernCategory(models.TextChoices):
    ASB_YOUTHS = "asb_youths", "Anti-social behaviour: groups of youths"
    ASB_GENERAL = "asb_general", "Anti-social behaviour: general"
    ALCOHOL_ASB = "alcohol_asb", "Alcohol-related anti-social behaviour"
    NOISE = "noise", "Noise"
    CYCLING_ON_FOOTPATHS = "cycling_on_footpaths", "Cycling on footpaths"
    GRAFFITI = "graffiti", "Graffiti"
    CRIMINAL_DAMAGE = "criminal_damage", "Criminal damage and vandalism"
    FLY_TIPPING = "fly_tipping", "Fly-tipping and litter"
    ROAD_SAFETY = "road_safety", "Road safety and speeding"
    PARKING = "parking", "Nuisance parking and abandoned vehicles"
    PROSTITUTION = "prostitution", "Prostitution and kerb-crawling"
    DRUGS = "drugs", "Drugs: dealing and use"
    BURGLARY = "burglary", "Burglary"
    THEFT_FROM_VEHICLES = "theft_from_vehicles", "Theft from and of motor vehicles"
    STREET_CRIME = "street_crime", "Street crime and robbery"
    VIOLENCE = "violence", "Violence"
    WEAPONS = "weapons", "Knives and weapons"
    SHOPLIFTING = "shoplifting", "Shoplifting"
    BICYCLE_THEFT = "bicycle_theft", "Bicycle theft"
    BEGGING = "begging", "Begging and street drinking"
    HATE_CRIME = "hate_crime", "Hate crime"
    DOGS = "dogs", "Dangerous dogs and dog fouling"
    OTHER = "other", "Other"


# Concern → the police.uk crime category whose recorded counts are its evidence (None: none).
POLICE_UK_CATEGORY: dict[ConcernCategory, str | None] = {
    ConcernCategory.ASB_YOUTHS: "anti-social-behaviour",
    ConcernCategory.ASB_GENERAL: "anti-social-behaviour",
    ConcernCategory.ALCOHOL_ASB: "anti-social-behaviour",
    ConcernCategory.NOISE: "anti-social-behaviour",
    ConcernCategory.CYCLING_ON_FOOTPATHS: None,
    ConcernCategory.GRAFFITI: "criminal-damage-arson",
    ConcernCategory.CRIMINAL_DAMAGE: "criminal-damage-arson",
    ConcernCategory.FLY_TIPPING: None,
    ConcernCategory.ROAD_SAFETY: None,
    ConcernCategory.PARKING: None,
    ConcernCategory.PROSTITUTION: "public-order",
    ConcernCategory.DRUGS: "drugs",
    ConcernCategory.BURGLARY: "burglary",
    ConcernCategory.THEFT_FROM_VEHICLES: "vehicle-crime",
    ConcernCategory.STREET_CRIME: "robbery",
    ConcernCategory.VIOLENCE: "violent-crime",
    ConcernCategory.WEAPONS: "possession-of-weapons",
    ConcernCategory.SHOPLIFTING: "shoplifting",
    ConcernCategory.BICYCLE_THEFT: "bicycle-theft",
    ConcernCategory.BEGGING: "anti-social-behaviour",
    ConcernCategory.HATE_CRIME: None,
    ConcernCategory.DOGS: None,
    ConcernCategory.OTHER: None,
}
