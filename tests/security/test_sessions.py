"""Sessions: a new key at sign-in, 30 minutes idle, 12 hours however busy.

Time passes by moving the stored timestamps back, not by sleeping.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from snt_portal.sessions import RENEWED_AT, SIGNED_IN_AT
from tests.security.conftest import PASSWORD
from wards.models import User

HOME = reverse("home")
LOGIN = reverse("login")


def sign_in(client: Client, username: str) -> None:
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def is_signed_in(client: Client) -> bool:
    response = client.get(HOME)
    return bool(response.wsgi_request.user.is_authenticated)


def test_the_defaults_are_30_minutes_idle_and_12_hours_in_all() -> None:
    assert settings.SNT_SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SNT_SESSION_MAX_HOURS == 12


def test_signing_in_gives_a_new_session_key_and_the_old_one_is_dead(user: User) -> None:
    client = Client()
    # An anonymous session an attacker might have planted before the victim signs in.
    session = client.session
    session["planted"] = True
    session.save()
    before = session_key(client)
    assert Session.objects.filter(session_key=before).exists()

    sign_in(client, user.username)

    after = session_key(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert is_signed_in(client)
    # The old key, presented again, is nobody.
    old = Client()
    old.cookies[settings.SESSION_COOKIE_NAME] = before
    assert not is_signed_in(old)
    assert old.get(reverse("api:token_page"))["Location"].startswith(LOGIN)


def test_each_request_renews_the_idle_expiry(user: User) -> None:
    client = Client()
    sign_in(client, user.username)
    key = session_key(client)
    # 29 minutes without a request.
    session = client.session
    session[RENEWED_AT] = time.time() - 29 * 60
    session.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    assert is_signed_in(client)
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(minutes=29)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 30 * 60


def test_requests_within_a_minute_do_not_save_the_session(user: User, query_count) -> None:
    """Renewing the idle expiry costs a save at most once a minute, not on every page."""
    client = Client()
    sign_in(client, user.username)
    client.get(HOME)
    with query_count() as queries:
        client.get(HOME)
    assert not any("UPDATE" in q["sql"] and "django_session" in q["sql"] for q in queries)


def test_after_30_minutes_idle_the_session_is_over(user: User) -> None:
    client = Client()
    sign_in(client, user.username)
    Session.objects.filter(session_key=session_key(client)).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(HOME)
    assert not response.wsgi_request.user.is_authenticated


def _signed_in_ago(client: Client, seconds: float) -> None:
    session = client.session
    session[SIGNED_IN_AT] = time.time() - seconds
    session.save()


def test_sign_in_records_the_time(user: User) -> None:
    client = Client()
    started = time.time()
    sign_in(client, user.username)
    assert started <= client.session[SIGNED_IN_AT] <= time.time()


def test_a_busy_session_lasts_until_12_hours_after_sign_in(user: User) -> None:
    client = Client()
    sign_in(client, user.username)
    _signed_in_ago(client, 12 * 3600 - 60)
    assert is_signed_in(client)

    _signed_in_ago(client, 12 * 3600 + 1)
    response = client.get(reverse("api:token_page"))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={reverse('api:token_page')}"
    page = client.get(response["Location"])
    assert not page.wsgi_request.user.is_authenticated
    assert "You were signed out because you signed in more than 12 hours ago" in (
        page.content.decode()
    )
    assert not is_signed_in(client)
    # Signing in again starts a new 12 hours.
    sign_in(client, user.username)
    assert is_signed_in(client)


def test_an_api_request_on_an_old_session_is_refused_not_redirected(user: User) -> None:
    client = Client()
    sign_in(client, user.username)
    _signed_in_ago(client, 13 * 3600)
    response = client.get(reverse("api:activity_list"))
    assert response.status_code in (401, 403)
    assert not is_signed_in(client)


def test_a_session_without_a_sign_in_time_counts_from_now(user: User) -> None:
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop(SIGNED_IN_AT, None)
    session.save()
    assert is_signed_in(client)
    assert client.session[SIGNED_IN_AT] <= time.time()
    assert is_signed_in(client)
