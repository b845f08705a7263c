from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.factories import UserFactory
from wards.models import User

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # The token endpoint's throttles count in the cache: each test starts from none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db: None) -> User:
    return UserFactory.create(username="pc.jones")


@pytest.fixture
def other_user(db: None) -> User:
    return UserFactory.create(username="pc.smith")
