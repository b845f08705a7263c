"""Fixtures for the API tests: clients authenticated by token for each role of the small world
(tests/world.py). Every response is checked against the API's schema by tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api import services
from tests.world import World


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
