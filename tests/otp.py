"""Codes an authenticator app would show, for tests that sign in as a person does.

A device accepts a code once (django-otp keeps the step it last accepted), so two sign-ins by
one user within the same 30 seconds need the next step's code, which the device's tolerance
of one step allows; past that, this waits for the clock.
"""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from wards.models import User


def code_for_key(key: bytes, *, step_offset: int = 0) -> str:
    """The 6-digit code for a raw key now (as an app that scanned it shows), or steps later."""
    totp = TOTP(key)
    totp.drift = step_offset
    return f"{totp.token():06d}"


def code_for(device: TOTPDevice) -> str:
    """A code ``device`` accepts now and has not accepted before."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    wanted = max(now, device.last_t + 1)
    while wanted > now + device.tolerance:
        time.sleep(0.5)
        now = totp.t()
    totp.drift += wanted - now
    return f"{totp.token():0{device.digits}d}"


def device_for(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    return device  # type: ignore[no-any-return]
