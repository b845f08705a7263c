"""An inspector's first sign-in on a phone: the password, then setting up an authenticator
app (its QR code drawn under the Content Security Policy), then the page they asked for;
signing in again on another device asks for the code instead."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import PHONE
from tests.browser.signin import PASSWORD, sign_in
from tests.otp import code_for
from tests.world import World

pytestmark = pytest.mark.browser


def test_an_inspector_sets_up_an_authenticator_then_enters_codes(
    transactional_db: None, world: World, live_server, browser, screenshot
) -> None:
    ward = reverse("wards:ward_detail", kwargs={"code": world.a1.code})
    inspector = world.users["inspector"]

    # The password: then the set-up page, with a QR code that fits a phone.
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + ward)
    page.get_by_label("Username").fill("inspector")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/authenticator/**")
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 200
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "1-set-up")
    # Without a code: the error, and no page.
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").get_by_text("Enter the 6-digit code").is_visible()
    page.goto(live_server.url + ward)
    assert urlsplit(page.url).path == reverse("otp_enrol")
    assert not errors, errors  # nothing the Content Security Policy refused
    context.close()

    # Signing in again, the same key (the device is kept until confirmed): the code an app
    # computes from it confirms the device and opens the page asked for.
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + ward)
    sign_in(page, live_server.url, inspector)
    assert urlsplit(page.url).path == ward
    assert TOTPDevice.objects.get(user=inspector).confirmed
    context.close()

    # Another device: the password, then the code page.
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + ward)
    page.get_by_label("Username").fill("inspector")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sign-in/code/**")
    screenshot(page, "2-code")
    right = code_for(TOTPDevice.objects.get(user=inspector))
    page.get_by_label("Code from your authenticator app").fill(f"{(int(right) + 1) % 10**6:06d}")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").get_by_text("The code is not correct").is_visible()
    context.close()
