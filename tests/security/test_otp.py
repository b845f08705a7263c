"""The second factor (snt_portal/otp.py): inspectors, borough managers, central analysts and
administrators enter a code from their authenticator app after their password, and reach
nothing but the public pages until they do.

These tests sign in with the real password form (``force_login`` would verify the session for
them: tests/conftest.py). Codes are computed from the device's key as an authenticator app
computes them (tests/otp.py, django_otp.oath).
"""

from __future__ import annotations

import re
from base64 import b32encode
from io import StringIO
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from snt_portal.otp import PUBLIC_NAMESPACES, PUBLIC_URL_NAMES
from tests.otp import code_for, device_for
from tests.security.conftest import PASSWORD
from tests.test_permission_matrix import MATRIX
from tests.world import ROLES, World
from wards.models import User

SECOND_FACTOR_ROLES = ("inspector", "borough_manager", "central_analyst", "admin")
PASSWORD_ONLY_ROLES = ("pcso", "pc", "sergeant", "panel_member", "panel_chair")
VERIFY = reverse("otp_verify")
ENROL = reverse("otp_enrol")
ACTIVITIES = reverse("api:activity_list")
OBTAIN = reverse("api:token_obtain")


@pytest.fixture
def no_wait_after_a_wrong_code(settings) -> None:
    """django-otp makes the next attempt wait 1, 2, 4… seconds after a wrong code; tests that
    follow a wrong code with a right one at once turn the wait off (its own test keeps it)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def sign_in_with_password(user: User) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password is accepted"
    return client


def ward_page(world: World) -> str:
    return reverse("wards:ward_detail", kwargs={"code": world.a1.code})


def enter(client: Client, code: str, next_url: str = "") -> Any:
    url = f"{VERIFY}?next={next_url}" if next_url else VERIFY
    return client.post(url, {"code": code})


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


# --- who is asked -------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_wait_after_a_wrong_code")
@pytest.mark.parametrize("role", SECOND_FACTOR_ROLES)
def test_each_second_factor_role_needs_a_right_code_before_any_page(
    world: World, role: str
) -> None:
    user = world.users[role]
    device = device_for(user)
    client = sign_in_with_password(user)
    page = ward_page(world)

    # After the password: sent to the code page, and back to the page afterwards.
    for url in (reverse("home"), page, reverse("api:token_page"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302, url
        location = urlsplit(response["Location"])
        assert location.path == VERIFY, url
        assert parse_qs(location.query)["next"] == [url]
    form = client.get(f"{VERIFY}?next={page}")
    assert form.status_code == 200
    assert "Enter the code from your authenticator app" in text(form)

    # A wrong code: the form again with the error, and still no page.
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = enter(client, wrong, page)
    assert refused.status_code == 200
    assert "The code is not correct" in text(refused)
    assert 'class="govuk-error-summary"' in refused.content.decode()
    assert client.get(page).status_code == 302

    # Not six digits: said so, and nothing counted against the device.
    for typo in ("12345", "12a456", ""):
        response = enter(client, typo, page)
        assert response.status_code == 200
        assert "6-digit code" in text(response), typo

    # The right code: on to the page asked for, and every page after.
    accepted = enter(client, code_for(device), page)
    assert accepted.status_code == 302
    assert accepted["Location"] == page
    assert client.get(page).status_code == 200
    assert client.get(reverse("home")).status_code == 200
    # Verified: the code page passes them on.
    assert client.get(VERIFY)["Location"] == reverse("home")


@pytest.mark.parametrize("role", PASSWORD_ONLY_ROLES)
def test_officers_and_panels_are_not_asked_for_a_code(world: World, role: str) -> None:
    client = sign_in_with_password(world.users[role])
    assert client.get(reverse("home")).status_code == 200
    assert client.get(ward_page(world)).status_code == 200
    # Nothing to verify or set up: both pages pass them on home.
    assert client.get(VERIFY)["Location"] == reverse("home")
    assert client.get(ENROL)["Location"] == reverse("home")
    assert not TOTPDevice.objects.filter(user=world.users[role]).exists()


def test_a_staff_account_without_a_role_needs_a_code(world: World) -> None:
    staff = world.users["pc"]
    staff.is_staff = True
    staff.save()
    client = sign_in_with_password(staff)
    assert urlsplit(client.get(reverse("home"))["Location"]).path == ENROL


def test_a_code_is_accepted_once(world: World) -> None:
    """A code seen over someone's shoulder does not sign them in a second time."""
    inspector = world.users["inspector"]
    device = device_for(inspector)
    code = code_for(device)
    first, second = sign_in_with_password(inspector), sign_in_with_password(inspector)
    assert enter(first, code).status_code == 302
    refused = enter(second, code)
    assert refused.status_code == 200
    assert "The code is not correct" in text(refused)
    assert second.get(reverse("home")).status_code == 302


def test_wrong_codes_make_the_next_attempt_wait(world: World) -> None:
    """django-otp's throttling: after a wrong code even the right one is refused for a while,
    and the page says how long to wait."""
    inspector = world.users["inspector"]
    device = device_for(inspector)
    client = sign_in_with_password(inspector)
    right = code_for(device)
    enter(client, f"{(int(right) + 1) % 1_000_000:06d}")
    throttled = enter(client, right)
    assert throttled.status_code == 200
    assert re.search(r"You entered 1 wrong code\. Wait \d+ seconds?", text(throttled))
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


# --- setting up an authenticator -----------------------------------------------------------------


def test_first_sign_in_sets_up_an_authenticator_app(world: World) -> None:
    manager = world.users["borough_manager"]
    client = sign_in_with_password(manager)
    page = ward_page(world)

    # No device yet: the set-up page, whichever page was asked for; the code page sends there.
    redirect = client.get(page)
    assert urlsplit(redirect["Location"]).path == ENROL
    assert urlsplit(client.get(VERIFY)["Location"]).path == ENROL

    setup = client.get(redirect["Location"])
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=manager)
    assert not device.confirmed
    html = setup.content.decode()
    # The QR code is inline SVG, with no script and no style attribute (the CSP allows neither).
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert svg is not None and 'aria-label="QR code for your authenticator app"' in svg.group()
    assert "style=" not in svg.group() and "<script" not in svg.group()
    # The key to type in is the device's, in base32.
    shown = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', html)
    assert shown is not None
    assert shown.group(1).replace(" ", "") == b32encode(device.bin_key).decode()
    # Loading the page again shows the same key (the same unconfirmed device).
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=manager).count() == 1

    # A wrong code: the error, the device still unconfirmed.
    code = f"{totp(device.bin_key):06d}"
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = client.post(redirect["Location"], {"code": wrong})
    assert refused.status_code == 200
    assert "The code is not correct" in text(refused)
    device.refresh_from_db()
    assert not device.confirmed

    # The code the app computes from the key: the device is confirmed and the session verified.
    device.throttle_reset()
    confirmed = client.post(redirect["Location"], {"code": code})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == page
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(page).status_code == 200
    # Set up once: the set-up page now passes them on, and a new sign-in asks for a code.
    assert client.get(ENROL)["Location"] == reverse("home")
    again = sign_in_with_password(manager)
    assert urlsplit(again.get(page)["Location"]).path == VERIFY


# --- what an unverified session reaches ---------------------------------------------------------


def _is_public(name: str) -> bool:
    return name in PUBLIC_URL_NAMES or name.split(":")[0] in PUBLIC_NAMESPACES


def test_an_unverified_session_reaches_the_public_pages_and_nothing_else(world: World) -> None:
    """Every row of the permission matrix, for an inspector who has entered their password
    but not their code: a public page answers as it does for them verified; any other page
    sends them to the code page, and the API answers 403 with the reason."""
    inspector = world.users["inspector"]
    device_for(inspector)
    client = sign_in_with_password(inspector)
    inspector_column = ROLES.index("inspector")
    for row, (method, target, expected) in sorted(MATRIX.items()):
        name = row.split("[")[0]
        if name in {"otp_verify", "otp_enrol", "logout"}:
            continue  # their own tests; signing out last
        if expected[0] == 200:
            assert _is_public(name), f"{row}: anonymous visitors reach it, so must this session"
        url = reverse(name, kwargs=target(world))
        response = getattr(client, method)(url)
        if _is_public(name):
            assert response.status_code == expected[inspector_column], row
        elif url.startswith("/api/v1/"):
            assert response.status_code == 403, row
            assert "authenticator app" in response.json()["detail"], row
        else:
            assert response.status_code == 302, row
            assert urlsplit(response["Location"]).path == VERIFY, row
    # Signing out works.
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_the_api_on_an_unverified_session_is_refused_until_the_code(world: World) -> None:
    analyst = world.users["central_analyst"]
    device = device_for(analyst)
    client = sign_in_with_password(analyst)
    refused = client.get(ACTIVITIES)
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": (
            "Your account needs a second factor: enter the code from your authenticator app "
            "on the portal before using the API with this session, or use a token."
        )
    }
    enter(client, code_for(device))
    assert client.get(ACTIVITIES).status_code == 200


def test_a_token_is_not_refused_for_the_session_beside_it(world: World) -> None:
    """A device's token decides its own requests, even from a browser whose session has not
    entered its code; a scheme other than Token falls to the session and is refused."""
    analyst = world.users["central_analyst"]
    device_for(analyst)
    client = sign_in_with_password(analyst)
    key = Token.objects.create(user=analyst).key
    assert client.get(ACTIVITIES, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.get(ACTIVITIES, HTTP_AUTHORIZATION="Bearer x").status_code == 403


# --- the token exchange --------------------------------------------------------------------------


@pytest.mark.usefixtures("no_wait_after_a_wrong_code")
def test_the_token_exchange_wants_the_code_from_those_who_need_one(world: World) -> None:
    inspector = world.users["inspector"]
    device = device_for(inspector)
    api = APIClient()
    credentials = {"username": "inspector", "password": PASSWORD}

    without = api.post(OBTAIN, credentials)
    assert without.status_code == 400
    assert without.json() == {
        "otp_token": [
            "Your account needs a second factor: send the 6-digit code from your "
            "authenticator app as otp_token."
        ]
    }
    right = code_for(device)
    wrong = api.post(OBTAIN, {**credentials, "otp_token": f"{(int(right) + 1) % 1_000_000:06d}"})
    assert wrong.status_code == 400
    assert "The code is not correct" in wrong.json()["otp_token"][0]
    assert not Token.objects.exists()

    made = api.post(OBTAIN, {**credentials, "otp_token": right})
    assert made.status_code == 200
    key = made.json()["token"]
    assert Token.objects.get(user=inspector).key == key
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert token_client.get(ACTIVITIES).status_code == 200
    # The same code again is refused (a code is good once).
    assert api.post(OBTAIN, {**credentials, "otp_token": right}).status_code == 400


def test_the_token_exchange_without_an_authenticator_says_to_set_one_up(world: World) -> None:
    response = APIClient().post(OBTAIN, {"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "no authenticator app set up" in response.json()["otp_token"][0]
    assert not Token.objects.exists()


def test_the_token_exchange_is_unchanged_for_officers(world: World) -> None:
    response = APIClient().post(
        OBTAIN, {"username": "sergeant", "password": PASSWORD, "otp_token": "ignored"}
    )
    assert response.status_code == 200
    assert Token.objects.filter(user=world.users["sergeant"]).exists()


def test_the_schema_documents_otp_token() -> None:
    from tests.api import openapi

    body = openapi.spec()["components"]["schemas"]["TokenRequestRequest"]
    assert "otp_token" in body["properties"]
    assert "otp_token" not in body.get("required", [])
    operation = openapi.spec()["paths"]["/api/v1/auth/token/"]["post"]
    assert "otp_token" in operation["description"]


# --- the admin -----------------------------------------------------------------------------------


def test_the_admin_needs_the_code_and_can_reset_a_second_factor(world: World) -> None:
    admin_user, analyst = world.users["admin"], world.users["central_analyst"]
    admin_device = device_for(admin_user)
    # The analyst is signed in and verified on their own phone.
    analyst_device = device_for(analyst)
    analyst_client = sign_in_with_password(analyst)
    enter(analyst_client, code_for(analyst_device))
    assert analyst_client.get(reverse("home")).status_code == 200

    client = sign_in_with_password(admin_user)
    changelist = reverse("admin:otp_totp_totpdevice_changelist")
    assert urlsplit(client.get(reverse("admin:index"))["Location"]).path == VERIFY
    assert urlsplit(client.get(changelist)["Location"]).path == VERIFY
    enter(client, code_for(admin_device))
    devices = client.get(changelist)
    assert devices.status_code == 200
    assert "central_analyst" in devices.content.decode()

    # The analyst lost their phone: the admin resets their second factor from Users.
    reset = client.post(
        reverse("admin:wards_user_changelist"),
        {"action": "reset_second_factor_action", ACTION_CHECKBOX_NAME: [analyst.pk]},
        follow=True,
    )
    assert "Second factor reset for 1 person (1 device deleted)" in text(reset)
    assert not TOTPDevice.objects.filter(user=analyst).exists()
    assert TOTPDevice.objects.filter(user=admin_user).exists()
    # Their session is no longer verified: the next page is setting up an app again.
    assert urlsplit(analyst_client.get(reverse("home"))["Location"]).path == ENROL


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_code_command_refuses_without_debug(world: World, settings) -> None:
    settings.DEBUG = False
    device_for(world.users["inspector"])
    with pytest.raises(CommandError, match="demo only"):
        call_command("otp_code", "inspector", stdout=StringIO(), stderr=StringIO())


def test_the_demo_code_command_prints_a_code_that_signs_in(world: World, settings) -> None:
    settings.DEBUG = True
    inspector = world.users["inspector"]
    device_for(inspector)
    out = StringIO()
    call_command("otp_code", "inspector", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    client = sign_in_with_password(inspector)
    assert enter(client, code).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("otp_code", "sergeant", stdout=StringIO(), stderr=StringIO())


def test_the_demo_gives_the_second_factor_roles_an_authenticator(world: World) -> None:
    from snt_portal.otp import give_demo_authenticators

    names = ["sergeant", "inspector", "panel_chair", "borough_manager", "admin"]
    assert give_demo_authenticators(names) == ["inspector", "borough_manager", "admin"]
    assert give_demo_authenticators(names) == ["inspector", "borough_manager", "admin"]
    with_devices = TOTPDevice.objects.filter(confirmed=True).values_list(
        "user__username", flat=True
    )
    assert sorted(with_devices) == ["admin", "borough_manager", "inspector"]


@pytest.mark.otp_unverified
def test_force_login_can_leave_the_session_unverified(world: World) -> None:
    client = Client()
    client.force_login(world.users["inspector"])
    assert urlsplit(client.get(reverse("home"))["Location"]).path == ENROL


def test_force_login_verifies_the_session_by_default(world: World) -> None:
    client = Client()
    client.force_login(world.users["inspector"])
    assert client.get(reverse("home")).status_code == 200


def test_entering_the_code_gives_a_new_session_key(world: World) -> None:
    inspector = world.users["inspector"]
    device = device_for(inspector)
    client = sign_in_with_password(inspector)
    before = client.cookies["sessionid"].value
    enter(client, code_for(device))
    after = client.cookies["sessionid"].value
    assert after != before
    # The key from before the code is no longer signed in at all.
    old = Client()
    old.cookies["sessionid"] = before
    assert old.get(reverse("home"))["Location"].startswith(reverse("login"))
