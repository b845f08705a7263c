"""Write a synthetic data.police.uk street-level CSV of any size, in the real format.

The rows look like a month of the Met's ``*-street.csv``: the real header, London LSOA codes
from the GLA best-fit lookup with coordinates near their ward's centroid, the real crime types
in the proportions of the shared sample (about 17% anti-social behaviour, whose Crime ID and
outcome are blank), about 1% of rows without a location and a few rows outside London.

    python -m bench.generate_street_crimes OUT.csv --rows 1000000 [--month 2023-01] [--seed 1]

It reads the lookup and ward list from the shared data (SNT_SHARED_DATA_DIR, by default
../shared/data); nothing of the data is copied into the repository.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SNT_SHARED_DATA_DIR", REPO.parent / "shared" / "data"))
LOOKUP = SHARED_DATA / "wards" / "london_lsoa11_to_ward22_bestfit.csv"
WARDS = SHARED_DATA / "wards" / "london_wards_2022.csv"

HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
FORCE = "Metropolitan Police Service"
ASB = "Anti-social behaviour"

# Rows per crime type in the shared 4,000-row sample of January 2023: 699 of them (17%) ASB.
CRIME_TYPES = {
    "Violence and sexual offences": 1026,
    ASB: 699,
    "Vehicle crime": 526,
    "Other theft": 375,
    "Burglary": 280,
    "Shoplifting": 231,
    "Criminal damage and arson": 223,
    "Drugs": 180,
    "Public order": 171,
    "Robbery": 124,
    "Theft from the person": 81,
    "Other crime": 49,
    "Possession of weapons": 25,
    "Bicycle theft": 10,
}
# Last outcomes of the sample's crimes (ASB rows have none).
OUTCOMES = {
    "Under investigation": 2154,
    "Investigation complete; no suspect identified": 1013,
    "Local resolution": 62,
    "Awaiting court outcome": 50,
    "Offender given penalty notice": 16,
    "Offender given a caution": 6,
}
# Met files carry rows the force could not place ("No Location") and a few outside London.
NO_LOCATION_SHARE = 0.01
OUTSIDE_LONDON_SHARE = 0.0015
# Rows of the sample outside London: (LSOA code, LSOA name, longitude, latitude).
OUTSIDE_LONDON = (
    ("E01031444", "Arun 016B", "-0.681541", "50.792113"),
    ("E01031437", "Arun 017E", "-0.684107", "50.780541"),
    ("E01017714", "Aylesbury Vale 004D", "-0.928552", "51.923331"),
    ("E01017641", "Aylesbury Vale 007A", "-0.772051", "51.827897"),
)
STREETS = (
    "High Street", "Station Road", "Church Road", "London Road", "Park Road", "Victoria Road",
    "Green Lane", "Manor Road", "Church Street", "Park Avenue", "The Avenue", "Queens Road",
    "Grange Road", "New Road", "Kings Road", "Albert Road", "Springfield Road", "York Road",
    "Highfield Road", "The Broadway", "North Road", "South Road", "Mill Lane", "Chase Side",
    "Ripple Road", "Longbridge Road", "Heathway", "Broad Street", "Station Parade",
    "Alexandra Road", "Cedar Road", "Elm Road", "Oak Avenue", "Windsor Road", "Richmond Road",
    "Stanley Road", "Shopping Area", "Supermarket", "Petrol Station", "Parking Area",
    "Sports/Recreation Area", "Nightclub", "Hospital", "Further/Higher Educational Building",
    "Conference/Exhibition Centre",
)  # fmt: skip
# Jitter around a ward's centroid: about ±500 m, so points stay near their LSOA's ward.
JITTER = 0.005


@dataclass(frozen=True)
class Lsoa:
    code: str
    name: str
    longitude: float
    latitude: float


def london_lsoas(lookup: Path = LOOKUP, wards: Path = WARDS) -> list[Lsoa]:
    """LSOAs of the best-fit lookup, each placed at its ward's centroid and given a name in
    the ONS style ("Barnet 001A"), numbered within its borough."""
    with wards.open(encoding="utf-8-sig", newline="") as handle:
        centroids = {
            row["ward_code"]: (float(row["longitude"]), float(row["latitude"]))
            for row in csv.DictReader(handle)
        }
    numbered: defaultdict[str, int] = defaultdict(int)
    lsoas = []
    with lookup.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            borough = row["lad_name"]
            number = numbered[borough]
            numbered[borough] += 1
            longitude, latitude = centroids[row["ward22cd"]]
            name = f"{borough} {number // 4 + 1:03d}{'ABCD'[number % 4]}"
            code = row.get("lsoa11cd") or row["lsoa21cd"]
            lsoas.append(Lsoa(code, name, longitude, latitude))
    return lsoas


def generate(path: Path, *, rows: int, month: str = "2023-01", seed: int = 1) -> Path:
    """Write ``rows`` street-level rows for ``month`` to ``path``; the same seed, the same file."""
    rng = random.Random(seed)
    lsoas = london_lsoas()
    crime_types, crime_weights = _cumulative(CRIME_TYPES)
    outcomes, outcome_weights = _cumulative(OUTCOMES)
    # Drawn in bulk: one call for a million choices is far quicker than a million calls.
    types = rng.choices(crime_types, cum_weights=crime_weights, k=rows)
    places = rng.choices(lsoas, k=rows)
    streets = rng.choices(STREETS, k=rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for crime_type, lsoa, street in zip(types, places, streets, strict=True):
            draw = rng.random()
            if crime_type == ASB:
                crime_id = outcome = ""
            else:
                crime_id = f"{rng.getrandbits(256):064x}"
                outcome = rng.choices(outcomes, cum_weights=outcome_weights)[0]
            if draw < NO_LOCATION_SHARE:
                location = ("", "", "No Location", "", "")
            elif draw < NO_LOCATION_SHARE + OUTSIDE_LONDON_SHARE:
                code, name, longitude, latitude = rng.choice(OUTSIDE_LONDON)
                location = (longitude, latitude, f"On or near {street}", code, name)
            else:
                location = (
                    f"{lsoa.longitude + rng.uniform(-JITTER, JITTER):.6f}",
                    f"{lsoa.latitude + rng.uniform(-JITTER, JITTER):.6f}",
                    f"On or near {street}",
                    lsoa.code,
                    lsoa.name,
                )
            writer.writerow((crime_id, month, FORCE, FORCE, *location, crime_type, outcome, ""))
    return path


def _cumulative(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    names, total, cumulative = list(weights), 0, []
    for name in names:
        total += weights[name]
        cumulative.append(total)
    return names, cumulative


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the CSV file to write")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--month", default="2023-01", help="YYYY-MM (default 2023-01)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.path, rows=args.rows, month=args.month, seed=args.seed)
    print(f"Wrote {args.rows:,} rows to {args.path}")


if __name__ == "__main__":
    main()
