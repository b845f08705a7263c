"""Fixtures for the API tests: clients authenticated by token for each role of the small world
(tests/world.py), and a check of every response against the API's schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from api import services
from tests.api import openapi
from tests.world import World


@pytest.fixture(autouse=True)
def responses_match_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every response an API test receives must be documented by the schema and match it."""
    original = Client.request

    def checked(self: Client, **request: Any) -> Any:
        response = original(self, **request)
        openapi.check(request["REQUEST_METHOD"], request["PATH_INFO"], response)  # type: ignore[arg-type]
        return response

    monkeypatch.setattr(Client, "request", checked)


@pytest.fixture
def token_client(world: World) -> Callable[[str], APIClient]:
    """An API client authenticated by the role's token (as a device is)."""

    def client(role: str) -> APIClient:
        api = APIClient()
        if role != "anonymous":
            token = services.token_for(acting_user=world.users[role])
            api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return client


@pytest.fixture
def no_throttle_history() -> Iterator[None]:
    """The token endpoint's rate limits count in the cache: start from none."""
    cache.clear()
    yield
    cache.clear()
