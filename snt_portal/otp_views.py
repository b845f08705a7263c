"""The second factor's pages: enter the code from your authenticator app, or set one up.

Both come after the password (snt_portal/otp.py decides who needs them and sends people
here); a verified session, or someone who needs no second factor, is passed on to where they
were going.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Submit
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from snt_portal.otp import (
    ENROL_URL_NAME,
    VERIFY_URL_NAME,
    check_code,
    confirmed_device,
    is_verified,
    qr_code_svg,
    requires_second_factor,
)

CODE_DIGITS = 6


class CodeForm(forms.Form):
    """Six digits from the authenticator app, checked against ``device``."""

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your app shows now, for example 123456",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args: Any, device: TOTPDevice, submit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("code", field_width=Fixed.TEN), Submit("submit", submit)
        )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())  # "123 456" as typed from a phone
        if len(code) != CODE_DIGITS or not code.isdigit():
            raise forms.ValidationError("Enter the 6-digit code, numbers only")
        check_code(self.device, code)
        return code


def _next_url(request: HttpRequest) -> str:
    """Where the user was going (``next``, on this site only), else the home page."""
    # The forms post back to their own address, ?next= included.
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _with_next(name: str, request: HttpRequest) -> str:
    url = reverse(name)
    target = _next_url(request)
    return f"{url}?{urlencode({'next': target})}" if target != reverse("home") else url


def _verified(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified by ``device``, under a new session key (as at sign-in: a key
    seen before the code was entered is no use after it)."""
    request.session.cycle_key()
    otp_login(request, device)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the code from your authenticator app: the second step of signing in."""
    user = request.user
    if is_verified(user) or not requires_second_factor(user):
        return redirect(_next_url(request))
    device = confirmed_device(user)
    if device is None:
        return redirect(_with_next(ENROL_URL_NAME, request))
    form = CodeForm(request.POST or None, device=device, submit="Continue")
    if request.method == "POST" and form.is_valid():
        _verified(request, device)
        return redirect(_next_url(request))
    return render(request, "registration/otp_verify.html", {"form": form})


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then enter a code.

    The device is made unconfirmed on the first visit and kept until it is confirmed, so the
    page shows the same key however often it is loaded.
    """
    user = request.user
    if is_verified(user) or not requires_second_factor(user):
        return redirect(_next_url(request))
    if confirmed_device(user) is not None:
        return redirect(_with_next(VERIFY_URL_NAME, request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None, device=device, submit="Continue")
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        _verified(request, device)
        return redirect(_next_url(request))
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/otp_enrol.html",
        {
            "form": form,
            "qr_code": qr_code_svg(device.config_url),
            # In groups of four, as most apps show it and as it is easiest to type.
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )
