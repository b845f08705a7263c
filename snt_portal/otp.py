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

import re
from collections.abc import Callable
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from snt_portal.permissions import Role, scope_for

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
    if isinstance(locked_until, type(timezone.now())):
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
            and not is_open_to_unverified(request.path_info)
            and requires_second_factor(user)
        ):
            if request.path_info.startswith(API_PREFIX):
                if not _sends_a_token(request):
                    return JsonResponse({"detail": UNVERIFIED_API_MESSAGE}, status=403)
            else:
                return redirect(second_factor_url(user, request.get_full_path()))
        return self.get_response(request)
