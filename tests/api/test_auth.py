"""How the API authenticates: tokens for devices (from the token endpoint or the API token
page), the portal's session with its CSRF token, and 401 for everything else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from epic.models import Activity
from tests.world import World

LIST = reverse("api:activity_list")
OBTAIN = reverse("api:token_obtain")
PAGE = reverse("api:token_page")
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
Clients = Callable[[str], APIClient]


def _with(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


# --- no credentials, bad credentials --------------------------------------------------------------


def test_without_credentials_a_401_says_how_to_authenticate(world: World) -> None:
    response = APIClient().get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize(
    "header", ["Token not-a-real-key", "Token", "Token a b", "Bearer abc", "Token \u00e9\u00e8"]
)
def test_a_bad_token_is_a_401(world: World, header: str) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header)
    # "Bearer …" is not this scheme: as if no credentials were sent.
    assert api.get(LIST).status_code == 401


def test_a_deactivated_users_token_stops_working(world: World, token_client: Clients) -> None:
    api = token_client("pcso")
    assert api.get(LIST).status_code == 200
    pcso = world.users["pcso"]
    pcso.is_active = False
    pcso.save()
    assert api.get(LIST).status_code == 401


# --- the token endpoint ---------------------------------------------------------------------------


def test_a_device_gets_its_token_for_a_username_and_password(
    world: World, no_throttle_history: None
) -> None:
    response = APIClient().post(OBTAIN, {"username": "pcso", "password": PASSWORD})
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=world.users["pcso"]).key == key
    assert _with(key).get(LIST).status_code == 200
    # The same token until it is replaced or revoked.
    again = APIClient().post(OBTAIN, {"username": "pcso", "password": PASSWORD})
    assert again.json()["token"] == key


@pytest.mark.parametrize(
    "body",
    [
        {"username": "pcso", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "pcso"},
        {},
    ],
)
def test_wrong_credentials_are_a_400(
    world: World, no_throttle_history: None, body: dict[str, str]
) -> None:
    response = APIClient().post(OBTAIN, body)
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_the_token_endpoint_ignores_the_session(world: World, no_throttle_history: None) -> None:
    """A signed-in browser gets no token without the password (and needs no CSRF token)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["pcso"])
    response = client.post(OBTAIN, {}, content_type="application/json")
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_guessing_one_persons_password_is_slowed(world: World, no_throttle_history: None) -> None:
    attempts = [
        APIClient().post(OBTAIN, {"username": "pcso", "password": f"guess-{i}"}) for i in range(11)
    ]
    assert [r.status_code for r in attempts] == [400] * 10 + [429]
    assert int(attempts[-1]["Retry-After"]) > 0
    # The right password too, for now; another person is not affected.
    assert APIClient().post(OBTAIN, {"username": "pcso", "password": PASSWORD}).status_code == 429
    assert APIClient().post(OBTAIN, {"username": "pc", "password": PASSWORD}).status_code == 200


def test_many_attempts_from_one_address_are_slowed(world: World, no_throttle_history: None) -> None:
    codes = [
        APIClient().post(OBTAIN, {"username": f"user-{i}", "password": "x"}).status_code
        for i in range(31)
    ]
    assert codes == [400] * 30 + [429]
    # A forwarded-for header set by the client does not reset the count.
    spoofed = APIClient().post(
        OBTAIN, {"username": "pc", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.8.7"
    )
    assert spoofed.status_code == 429


# --- the API token page ---------------------------------------------------------------------------


def test_the_token_page_makes_replaces_and_revokes_a_token(world: World) -> None:
    client = Client()
    client.force_login(world.users["sergeant"])
    page = client.get(PAGE).content.decode()
    assert "You have no API token" in page

    made = client.post(PAGE, {"action": "create"})
    assert made.status_code == 200
    key = Token.objects.get(user=world.users["sergeant"]).key
    assert key in made.content.decode()
    assert _with(key).get(LIST).status_code == 200
    # Shown once: not on the page afterwards.
    assert key not in client.get(PAGE).content.decode()

    client.post(PAGE, {"action": "create"})
    new_key = Token.objects.get(user=world.users["sergeant"]).key
    assert new_key != key
    assert _with(key).get(LIST).status_code == 401
    assert _with(new_key).get(LIST).status_code == 200

    revoked = client.post(PAGE, {"action": "revoke"})
    assert revoked.status_code == 302
    assert not Token.objects.filter(user=world.users["sergeant"]).exists()
    assert _with(new_key).get(LIST).status_code == 401


def test_the_token_page_needs_a_sign_in_and_its_csrf_token(world: World) -> None:
    assert Client().get(PAGE).status_code == 302
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["sergeant"])
    assert client.post(PAGE, {"action": "create"}).status_code == 403
    assert not Token.objects.exists()


def test_the_menu_links_to_the_token_page(world: World) -> None:
    client = Client()
    client.force_login(world.users["panel_member"])
    assert f'href="{PAGE}"' in client.get(reverse("home")).content.decode()


# --- the session --------------------------------------------------------------------------------


def test_the_portals_session_works_with_its_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["pcso"])
    assert client.get(LIST).status_code == 200
    body = {"ward": world.a1.code, "type": "arrest", "quantity": 1}
    refused = client.post(LIST, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Activity.objects.exists()
    # The token the portal's pages carry, sent as Swagger UI on the docs page sends it.
    client.get(reverse("api:token_page"))
    token = client.cookies["csrftoken"].value
    made = client.post(LIST, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert made.status_code == 201


def test_administrators_revoke_tokens_in_the_admin_but_never_read_them(
    world: World, token_client: Clients
) -> None:
    token_client("pcso").get(LIST)  # the PCSO has a token
    key = Token.objects.get(user=world.users["pcso"]).key
    admin = Client()
    admin.force_login(world.users["admin"])
    pages = []
    listing = admin.get(reverse("admin:authtoken_tokenproxy_changelist"))
    assert listing.status_code == 200
    pages.append(listing.content.decode())
    assert "pcso" in pages[0]
    revoke = reverse("admin:authtoken_tokenproxy_revoke", args=[world.users["pcso"].pk])
    assert f'href="{revoke}"' in pages[0]
    confirm = admin.get(revoke)
    assert confirm.status_code == 200
    pages.append(confirm.content.decode())
    # No page of the token's own (each is titled with the key), no adding one.
    for name, args in (("change", [world.users["pcso"].pk]), ("delete", [world.users["pcso"].pk])):
        page = admin.get(reverse(f"admin:authtoken_tokenproxy_{name}", args=args))
        assert page.status_code in (302, 403)
        pages.append(page.content.decode())
    assert admin.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 403
    assert all(key not in page for page in pages)

    assert admin.post(revoke).status_code == 302
    assert not Token.objects.exists()
    assert _with(key).get(LIST).status_code == 401
    assert admin.get(revoke).status_code == 404


def test_only_administrators_revoke_others_tokens(world: World, token_client: Clients) -> None:
    token_client("pcso").get(LIST)
    revoke = reverse("admin:authtoken_tokenproxy_revoke", args=[world.users["pcso"].pk])
    sergeant = Client()
    sergeant.force_login(world.users["sergeant"])
    assert sergeant.post(revoke).status_code == 302  # to the admin's sign-in
    assert Token.objects.filter(user=world.users["pcso"]).exists()


def test_options_offers_nothing_beyond_the_schema(world: World, token_client: Clients) -> None:
    assert token_client("admin").options(LIST).status_code == 405


def test_behind_a_proxy_the_address_is_the_one_the_proxy_added(
    world: World, no_throttle_history: None, settings: object
) -> None:
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"  # type: ignore[attr-defined]
    for i in range(30):
        APIClient().post(
            OBTAIN,
            {"username": f"u{i}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 192.0.2.1",
        )
    # The client's own first entry changed every time; the proxy's did not.
    response = APIClient().post(
        OBTAIN, {"username": "pc", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.1"
    )
    assert response.status_code == 429
    other = APIClient().post(
        OBTAIN, {"username": "pc", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.2"
    )
    assert other.status_code == 200
