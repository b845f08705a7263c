"""Open data is rate limited per client address, like police.uk's API: over the limit, 429
with the reason as JSON and when to try again; other addresses are not affected."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsFixture

from tests.world import World


def test_over_the_limit_is_429_with_the_reason(world: World, settings: SettingsFixture) -> None:
    settings.SNT_OPENDATA_RATE_LIMITS = "3/m"
    client = Client(REMOTE_ADDR="203.0.113.7")
    urls = [
        reverse("opendata:force_list"),
        reverse("opendata:neighbourhood_list", kwargs={"force": "metropolitan"}),
        reverse("opendata:force_detail", kwargs={"force": "nowhere"}),  # 404s count too
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200, 404]

    limited = client.get(reverse("opendata:locate_neighbourhood"), {"q": "51.5,-0.1"})

    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/json"
    assert "Too many requests from your address (more than 3/m)" in limited.json()["detail"]
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited["Access-Control-Allow-Origin"] == "*"
    # Another address has its own allowance.
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert other.get(reverse("opendata:force_list")).status_code == 200


def test_every_limit_in_the_list_applies(world: World, settings: SettingsFixture) -> None:
    settings.SNT_OPENDATA_RATE_LIMITS = "100/m, 2/h"
    client = Client(REMOTE_ADDR="203.0.113.8")
    url = reverse("opendata:force_list")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert "(more than 2/h)" in client.get(url).json()["detail"]


def test_the_signed_in_are_limited_alike(world: World, settings: SettingsFixture) -> None:
    settings.SNT_OPENDATA_RATE_LIMITS = "1/m"
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(world.users["admin"])
    url = reverse("opendata:crime_categories")
    assert [client.get(url).status_code for _ in range(2)] == [200, 429]
