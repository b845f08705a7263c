"""The ward's crime evidence as the ward page and the analysis pack show it, checked against
an independent count of the real sample."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crime.categories import RECORD_CATEGORIES, CrimeCategory
from crime.imports import import_crimes
from crime.selectors import (
    NAMELESS_LOCATIONS,
    LocationCount,
    add_months,
    latest_crime_month,
    ward_category_counts,
    ward_crime_by_month,
    ward_crime_trend,
    ward_top_locations,
)
from tests.crime.conftest import Expected, read_rows, write_rows
from wards.models import Ward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lsoa11")]

JANUARY = dt.date(2023, 1, 1)
LABEL_TO_SLUG = {category.label: category.value for category in CrimeCategory}


@pytest.fixture
def busiest(expected: Expected) -> Ward:
    """The ward with the most rows in the sample."""
    code, _ = expected.by_ward.most_common(1)[0]
    return Ward.objects.get(code=code)


@pytest.fixture
def imported(lsoa11: None, sample: Path) -> None:
    import_crimes(path=sample)


def test_nothing_is_shown_before_any_import(busiest: Ward) -> None:
    assert latest_crime_month() is None
    table = ward_crime_by_month(busiest)
    assert (table.months, table.categories, table.month_totals) == ([], [], [])
    assert ward_crime_trend(busiest) is None
    assert ward_top_locations(busiest) == []
    counts = ward_category_counts(busiest, start=JANUARY, end=JANUARY)
    assert set(counts.values()) == {0}


@pytest.mark.usefixtures("imported")
def test_the_latest_month_of_the_data_anchors_the_last_12_months(
    busiest: Ward, expected: Expected, query_count
) -> None:
    assert latest_crime_month() == JANUARY

    with query_count() as queries:
        table = ward_crime_by_month(busiest)

    assert len(queries) <= 2
    assert table.months == [add_months(JANUARY, offset) for offset in range(-11, 1)]
    assert table.months[0] == dt.date(2022, 2, 1)
    assert [row.category for row in table.categories] == list(RECORD_CATEGORIES)
    for row in table.categories:
        assert row.counts[:-1] == [0] * 11
        assert row.counts[-1] == expected.by_ward_type[busiest.code, row.category.label]
    assert table.month_totals[-1] == table.total == expected.by_ward[busiest.code]


@pytest.mark.usefixtures("imported")
def test_a_shorter_window_is_the_latest_months(busiest: Ward, expected: Expected) -> None:
    table = ward_crime_by_month(busiest, months=1)

    assert table.months == [JANUARY]
    assert table.total == expected.by_ward[busiest.code]
    with pytest.raises(ValueError, match="at least 1"):
        ward_crime_by_month(busiest, months=0)


@pytest.mark.usefixtures("imported")
def test_top_locations_are_the_places_with_most_records(busiest: Ward, expected: Expected) -> None:
    places = expected.locations[busiest.code]
    for nameless in NAMELESS_LOCATIONS:
        places.pop(nameless, None)
    ranked = sorted(places.items(), key=lambda item: (-item[1], item[0]))

    top = ward_top_locations(busiest, limit=5)

    assert top == [LocationCount(location, count) for location, count in ranked[:5]]
    assert top[0] == LocationCount("On or near Glebe Road", 42)


def test_the_trend_compares_the_last_12_months_with_the_12_before(
    sample: Path, tmp_path: Path, busiest: Ward, expected: Expected
) -> None:
    import_crimes(path=sample)
    # A year earlier: the same rows, minus every second one.
    header, *rows = read_rows(sample)
    earlier = [[row[0], "2022-01", *row[2:]] for row in rows[::2]]
    import_crimes(path=write_rows(tmp_path / "2022-01.csv", [header, *earlier]))
    previous = ward_category_counts(busiest, start=dt.date(2022, 1, 1), end=dt.date(2022, 1, 31))

    trend = ward_crime_trend(busiest)

    assert trend is not None
    assert (trend.recent_start, trend.recent_end) == (dt.date(2022, 2, 1), JANUARY)
    assert (trend.previous_start, trend.previous_end) == (dt.date(2021, 2, 1), dt.date(2022, 1, 1))
    assert trend.previous_months_with_data == 1
    assert trend.total.category == CrimeCategory.ALL_CRIME
    assert trend.total.recent == expected.by_ward[busiest.code]
    assert trend.total.previous == sum(previous.values()) > 0
    for row in trend.categories:
        assert row.recent == expected.by_ward_type[busiest.code, row.category.label]
        assert row.previous == previous[row.category.value]
        if row.previous:
            assert row.change_percent == pytest.approx(100 * row.change / row.previous)
        else:
            assert row.change_percent is None


@pytest.mark.usefixtures("imported")
def test_category_counts_cover_every_month_a_period_touches(
    busiest: Ward, expected: Expected
) -> None:
    mid_january = ward_category_counts(
        busiest, start=dt.date(2023, 1, 20), end=dt.date(2023, 1, 25)
    )
    february = ward_category_counts(busiest, start=dt.date(2023, 2, 1), end=dt.date(2023, 3, 1))

    assert mid_january == {
        category.value: expected.by_ward_type[busiest.code, category.label]
        for category in RECORD_CATEGORIES
    }
    assert mid_january["burglary"] == expected.by_ward_type[busiest.code, "Burglary"]
    assert set(february.values()) == {0}
    with pytest.raises(ValueError, match="after"):
        ward_category_counts(busiest, start=dt.date(2023, 2, 1), end=JANUARY)


def test_add_months_crosses_years() -> None:
    assert add_months(dt.date(2023, 1, 1), -1) == dt.date(2022, 12, 1)
    assert add_months(dt.date(2023, 1, 1), -23) == dt.date(2021, 2, 1)
    assert add_months(dt.date(2022, 12, 1), 1) == dt.date(2023, 1, 1)
