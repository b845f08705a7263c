"""Signing in through the browser, as a person does: username and password, then, for the
roles that need a second factor, the code their authenticator app shows (computed from their
device's key), or setting one up when they have none (from the key the page shows).

``sign_in(page, live_server_url, user, password)`` is what every browser test uses.
"""

from __future__ import annotations

from base64 import b32decode
from urllib.parse import urlsplit

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.otp import code_for, code_for_key
from wards.models import User

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def sign_in(page, live_server_url: str, user: User | str, password: str = PASSWORD) -> None:
    """Sign ``user`` (or a username) in. Stays on the page it was on when that is the sign-in
    page (so a ``?next=`` it was sent there with still applies); otherwise opens it first.
    Ends wherever signing in leads: ``next``, or the home page."""
    username = user if isinstance(user, str) else user.get_username()
    if urlsplit(page.url).path != reverse("login"):
        page.goto(live_server_url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    path = urlsplit(page.url).path
    if path == reverse("otp_verify"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        _enter_code(page, code_for(device))
    elif path == reverse("otp_enrol"):
        page.get_by_text("I cannot scan the QR code").click()
        secret = page.locator("#otp-secret").inner_text()
        _enter_code(page, code_for_key(b32decode("".join(secret.split()))))


def _enter_code(page, code: str) -> None:
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
