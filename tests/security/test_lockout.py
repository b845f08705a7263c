"""Five wrong passwords lock that username from that address for 15 minutes (django-axes),
on the sign-in page and at the API's token exchange alike."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt  # type: ignore[import-untyped]
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from snt_portal.sessions import lockout_message
from tests.security.conftest import PASSWORD
from wards.models import User

LOGIN = reverse("login")
OBTAIN = reverse("api:token_obtain")
MESSAGE = "Too many failed attempts to sign in to this account"


def attempt(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_five_times(client: Client, username: str, address: str = "10.0.0.1") -> None:
    for n in range(5):
        response = attempt(client, username, f"wrong-{n}", address)
        assert not response.wsgi_request.user.is_authenticated


def test_the_limits_are_five_failures_and_fifteen_minutes() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_four_failures_do_not_lock(user: User) -> None:
    client = Client()
    for n in range(4):
        response = attempt(client, user.username, f"wrong-{n}")
        assert response.status_code == 200
        assert MESSAGE not in response.content.decode()
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_after_five_failures_the_right_password_is_refused_with_a_message(user: User) -> None:
    client = Client()
    fail_five_times(client, user.username)

    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated
    page = response.content.decode()
    assert lockout_message() in page
    assert "Wait 15 minutes" in page
    assert 'class="govuk-error-summary"' in page
    assert "<form" in page  # the sign-in page itself, not a bare error
    assert not is_signed_in(client)


def is_signed_in(client: Client) -> bool:
    return bool(client.get(reverse("home")).wsgi_request.user.is_authenticated)


def test_another_user_at_the_same_address_is_unaffected(user: User, other_user: User) -> None:
    fail_five_times(Client(), user.username)
    response = attempt(Client(), other_user.username, PASSWORD)
    assert response.status_code == 302


def test_the_same_user_elsewhere_is_unaffected(user: User) -> None:
    fail_five_times(Client(), user.username, address="10.0.0.1")
    assert attempt(Client(), user.username, PASSWORD, address="10.9.9.9").status_code == 302


def test_after_the_cool_off_the_right_password_works(user: User) -> None:
    client = Client()
    fail_five_times(client, user.username)
    assert attempt(client, user.username, PASSWORD).status_code == 429

    # 15 minutes and a second pass.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1)
    )

    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated
    # A success clears the count: one more failure does not lock again.
    assert not AccessAttempt.objects.exists()


def token(username: str, password: str, address: str = "10.0.0.1"):
    return APIClient().post(
        OBTAIN, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_token_exchange_counts_failures_and_refuses_when_locked(user: User) -> None:
    for n in range(5):
        assert token(user.username, f"wrong-{n}").status_code == 400
    response = token(user.username, PASSWORD)
    assert response.status_code == 400
    assert "token" not in response.json()
    # Locked on the sign-in page too: one count for both ways in.
    assert attempt(Client(), user.username, PASSWORD).status_code == 429


def test_sign_in_page_failures_lock_the_token_exchange(user: User, other_user: User) -> None:
    fail_five_times(Client(), user.username)
    assert "token" not in token(user.username, PASSWORD).json()
    assert "token" in token(other_user.username, PASSWORD).json()
