"""The police.uk crime categories: the API's slugs and names, and the street CSV's names."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from crime.categories import (
    CATEGORY_BY_CRIME_TYPE,
    CrimeCategory,
    crime_categories_api,
)
from tests.crime.conftest import sample_file

# data.police.uk's /crime-categories, as documented (https://data.police.uk/docs/method/crime-categories/).
API_CATEGORIES = [
    ("all-crime", "All crime"),
    ("anti-social-behaviour", "Anti-social behaviour"),
    ("bicycle-theft", "Bicycle theft"),
    ("burglary", "Burglary"),
    ("criminal-damage-arson", "Criminal damage and arson"),
    ("drugs", "Drugs"),
    ("other-theft", "Other theft"),
    ("possession-of-weapons", "Possession of weapons"),
    ("public-order", "Public order"),
    ("robbery", "Robbery"),
    ("shoplifting", "Shoplifting"),
    ("theft-from-the-person", "Theft from the person"),
    ("vehicle-crime", "Vehicle crime"),
    ("violent-crime", "Violence and sexual offences"),
    ("other-crime", "Other crime"),
]


def test_the_categories_are_the_apis() -> None:
    assert crime_categories_api() == [{"url": url, "name": name} for url, name in API_CATEGORIES]


def test_an_element_has_the_shape_of_the_apis(shared_data: Path) -> None:
    path = shared_data / "api" / "police-data-kit-fixtures" / "crime-category.json"
    fixture = json.loads(path.read_text(encoding="utf-8"))

    assert fixture in crime_categories_api()


def test_every_crime_type_in_the_real_sample_is_known(shared_data: Path) -> None:
    with sample_file(shared_data).open(encoding="utf-8-sig", newline="") as handle:
        types = {row["Crime type"] for row in csv.DictReader(handle)}

    assert types <= CATEGORY_BY_CRIME_TYPE.keys()
    assert CATEGORY_BY_CRIME_TYPE["Violence and sexual offences"] == CrimeCategory.VIOLENT_CRIME
    assert "All crime" not in CATEGORY_BY_CRIME_TYPE


def test_the_captured_api_responses_use_these_slugs(shared_data: Path) -> None:
    slugs = {category.value for category in CrimeCategory}
    for path in (shared_data / "api" / "crimes-street").glob("*.json"):
        crimes = json.loads(path.read_text(encoding="utf-8"))
        assert {crime["category"] for crime in crimes} <= slugs
