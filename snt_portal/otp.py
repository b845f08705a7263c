"""The second factor: who needs one, and the middleware that holds them to it.

Inspectors, borough managers, central analysts and administrators (a role assignment, or
Django staff or superuser) sign in with their password and then a six-digit code from an
authenticator app (django-otp's TOTP devices). ``requires_second_factor`` is the one place
that decides who; ``SecondFactorMiddleware`` keeps such a user, until their session is
verified, to the pages that let them verify it (or set up their authenticator), signing out,
and the public pages. The API's token exchange asks the same users for a code as well
(api/tokens.py).

A session is verified by ``django_otp.login``, which stores the device in the session;
django-otp's ``OTPMiddleware`` reads it back on every request as ``request.user.otp_device``,
and drops it when the device has been deleted (an administrator's reset) or unconfirmed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp import verify_token
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from snt_portal.caching import Generation
from snt_portal.permissions import Role, scope_for

logger = logging.getLogger(__name__)

# Roles whose reach (a cluster, a borough, London, the whole system) calls for a second factor.
SECOND_FACTOR_ROLES = (
    Role.INSPECTOR,
    Role.BOROUGH_MANAGER,
    Role.CENTRAL_ANALYST,
    Role.ADMINISTRATOR,
)

# Pages anyone may use, signed in or not: an unverified session reaches them too. By URL name,
# or by namespace (the police.uk-shaped open data).
PUBLIC_URL_NAMES = frozenset(
    {
        "healthz",
        "login",
        "logout",
        "engagement:public_concern",
        "engagement:public_concern_thanks",
        "priorities:public_ward",
        "api:schema",
        "api:docs",
        # The token exchange ignores the session and asks for a code of its own (api/tokens.py).
        "api:token_obtain",
    }
)
PUBLIC_NAMESPACES = frozenset({"opendata"})
VERIFY_URL_NAME = "otp_verify"
ENROL_URL_NAME = "otp_enrol"

API_PREFIX = "/api/v1/"
UNVERIFIED_API_MESSAGE = (
    "Your account needs a second factor: enter the code from your authenticator app on the "
    "portal before using the API with this session, or use a token."
)


def requires_second_factor(user: object) -> bool:
    """Whether ``user`` must verify a code from an authenticator app after their password."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return scope_for(user).has_role(*SECOND_FACTOR_ROLES)  # type: ignore[arg-type]


def is_verified(user: object) -> bool:
    """Whether this session's user entered a code (django-otp's OTPMiddleware sets it)."""
    return getattr(user, "otp_device", None) is not None


def confirmed_device(user: object) -> TOTPDevice | None:
    """The user's authenticator, once they have set it up (the newest, should there be two)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def check_code(device: TOTPDevice, code: str) -> None:
    """Accept ``code`` for ``device`` or raise a ValidationError saying why not.

    django-otp throttles a device after a wrong code (1, 2, 4, 8… seconds before it will check
    another) and refuses a code it has already accepted; both are its own rules, checked with
    the device row locked (``django_otp.verify_token``).
    """
    device.refresh_from_db()
    allowed, details = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(throttle_message(details), code="throttled")
    if verify_token(device.user, device.persistent_id, code) is None:
        raise ValidationError(
            "The code is not correct. Enter the code your authenticator app shows now",
            code="invalid",
        )


def throttle_message(details: dict[str, object] | None) -> str:
    """django-otp's throttling, in words: how many wrong codes, and how long to wait."""
    details = details or {}
    failures = int(str(details.get("failure_count", 1)))
    locked_until = details.get("locked_until")
    seconds = 1
    if isinstance(locked_until, datetime):
        seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    wrong = "1 wrong code" if failures == 1 else f"{failures} wrong codes"
    unit = "second" if seconds == 1 else "seconds"
    return f"You entered {wrong}. Wait {seconds} {unit}, then enter the code your app shows now"


def qr_code_svg(text: str) -> SafeString:
    """``text`` as a QR code: inline SVG on a white square (a dark theme must not hide it),
    240 pixels across whatever its module count; no script and no style attribute."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'width="[\d.]+mm" height="[\d.]+mm"', 'width="240" height="240"', svg, count=1)
    svg = svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )
    return mark_safe(svg)  # qrcode's own markup: no user text in it


def _url_name(path: str) -> tuple[str, str]:
    try:
        match = resolve(path)
    except Resolver404:
        return "", ""
    return match.view_name, match.namespace


def is_open_to_unverified(path: str) -> bool:
    """Pages an unverified session may reach: static files, the public pages, signing out,
    and verifying (or setting up) the second factor itself."""
    if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    name, namespace = _url_name(path)
    return (
        name in PUBLIC_URL_NAMES
        or namespace in PUBLIC_NAMESPACES
        or name in {VERIFY_URL_NAME, ENROL_URL_NAME}
    )


def _sends_a_token(request: HttpRequest) -> bool:
    """A request authenticated by ``Authorization: Token …``: the API's TokenAuthentication
    decides it (a token is got with a code too), and the session is not used."""
    scheme = str(request.META.get("HTTP_AUTHORIZATION", "")).split(" ", 1)[0]
    return bool(scheme.lower() == "token")


def second_factor_url(user: object, next_path: str) -> str:
    """Where to send an unverified user: the code page, or setting up their authenticator."""
    name = VERIFY_URL_NAME if confirmed_device(user) is not None else ENROL_URL_NAME
    return f"{reverse(name)}?{urlencode({'next': next_path})}"


# Authenticator devices by persistent id. Any write to the device table (set up, a code
# accepted, an admin's reset) replaces the generation (snt_portal.apps watches it), so a
# deleted or unconfirmed device stops verifying on the next request.
DEVICES = Generation("otp.devices")


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, with the session's device read from the cache: otherwise
    every page a verified user opens costs a query for it."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        key = f"otp:device:{persistent_id}"
        return DEVICES.get_or_compute(  # type: ignore[no-any-return]
            key,
            lambda: super(CachedOTPMiddleware, self)._device_from_persistent_id(persistent_id),
            3600,
        )


class SecondFactorMiddleware:
    """Holds a signed-in user who needs a second factor, and has not entered a code this
    session, to ``is_open_to_unverified`` pages: any other page redirects to the code page
    (or setting up the authenticator) and comes back after; the API answers 403 with the
    reason. Goes after django-otp's OTPMiddleware and the session limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not is_verified(user)
            # The user's scope is read once per request anyway; resolving the path is not.
            and requires_second_factor(user)
            and not is_open_to_unverified(request.path_info)
        ):
            if request.path_info.startswith(API_PREFIX):
                if not _sends_a_token(request):
                    return JsonResponse({"detail": UNVERIFIED_API_MESSAGE}, status=403)
            else:
                return redirect(second_factor_url(user, request.get_full_path()))
        return self.get_response(request)


def reset_second_factor(*, acting_user: Any, users: QuerySet[Any]) -> int:
    """Delete these users' authenticator devices (a lost or replaced phone): a session verified
    with one is no longer, and each sets up an authenticator app again at the next page.
    Returns how many devices were deleted."""
    deleted, _ = TOTPDevice.objects.filter(user__in=users).delete()
    logger.info(
        "second factor reset by %s for %s: %d devices deleted",
        acting_user,
        ", ".join(sorted(str(user) for user in users)),
        deleted,
    )
    return deleted


@admin.action(
    description="Reset the selected users' second factor (they set up their app again)",
    permissions=["change"],
)
def reset_second_factor_action(
    modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> None:
    deleted = reset_second_factor(acting_user=request.user, users=queryset)
    people = queryset.count()
    modeladmin.message_user(
        request,
        f"Second factor reset for {people} {'person' if people == 1 else 'people'} "
        f"({deleted} {'device' if deleted == 1 else 'devices'} deleted). They set up an "
        "authenticator app the next time they sign in.",
        messages.SUCCESS,
    )


# The demo ------------------------------------------------------------------------------------


def give_demo_authenticators(usernames: tuple[str, ...] | list[str]) -> list[str]:
    """For the demo (seed_demo): a confirmed authenticator device for each of these users who
    needs a second factor and has none, so they sign in with ``manage.py otp_code``'s code
    instead of a phone. Returns the usernames that need a code, in the order given."""
    from wards.models import User

    needing = []
    for user in User.objects.filter(username__in=usernames):
        if requires_second_factor(user):
            if confirmed_device(user) is None:
                TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
            needing.append(user.username)
    return [name for name in usernames if name in needing]


def current_code(device: TOTPDevice) -> tuple[str, int]:
    """The code ``device`` accepts now (the next step's if this step's has been used), as an
    authenticator app would show it, and for how many more seconds the device accepts it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    step = min(max(now, device.last_t + 1), now + device.tolerance)
    totp.drift += step - now
    # Accepted while the device's step (its drift included) is within tolerance of ``step``.
    accepted_until = device.t0 + (step - device.drift + device.tolerance + 1) * device.step
    return f"{totp.token():0{device.digits}d}", max(0, int(accepted_until - totp.time))
