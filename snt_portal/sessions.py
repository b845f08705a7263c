"""Sign-in sessions and lockout: the 12-hour limit on a session, and django-axes' lockout.

The idle limit is Django's own SESSION_COOKIE_AGE, renewed here by saving the session at most
once a minute (saving it on every request would cost every page two more queries), so a
session ends 29 to 30 minutes after its last request; the absolute limit counts from the
sign-in time stored in the session. Repeated failed
sign-ins lock one username at one client address (settings AXES_*); the sign-in page then
says so, and the API's token exchange refuses the password as well.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend  # type: ignore[import-untyped]
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

# Seconds since the epoch at which the session's user signed in, and its idle expiry was
# last pushed back.
SIGNED_IN_AT = "snt_signed_in_at"
RENEWED_AT = "snt_renewed_at"
RENEW_EVERY_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="snt_portal.sessions.stamp_sign_in")
def stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[RENEWED_AT] = time.time()


class AbsoluteSessionLimitMiddleware:
    """Signs the user out SNT_SESSION_MAX_HOURS after sign-in, however active they have been;
    until then, pushes the idle expiry back when the session was last saved a minute ago or more.

    A page request goes to the sign-in page with a message saying why; an API request (a
    device using the session) carries on signed out, and is answered 401 or 403 as usual.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                # A session from before the limit existed: it counts from now.
                request.session[SIGNED_IN_AT] = time.time()
            elif time.time() - float(signed_in_at) >= settings.SNT_SESSION_MAX_HOURS * 3600:
                logout(request)
                hours = settings.SNT_SESSION_MAX_HOURS
                messages.info(
                    request,
                    f"You were signed out because you signed in more than {hours} hours ago. "
                    "Sign in again to carry on.",
                )
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path())
            else:
                now = time.time()
                if now - float(request.session.get(RENEWED_AT, 0)) >= RENEW_EVERY_SECONDS:
                    # A change to the session: SessionMiddleware saves it with a new expiry.
                    request.session[RENEWED_AT] = now
        return self.get_response(request)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, run before the password is. A call with no request at all is not a
    sign-in by a client (the test client's login(), the shell) and is left to the next backend;
    every sign-in form and the API's token exchange pass their request."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address for the lockout: the same one the rate limits use
    (RATELIMIT_IP_META_KEY behind a proxy; of a list, the last address, the proxy's)."""
    key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
    value = str(request.META.get(key, "") or request.META.get("REMOTE_ADDR", ""))
    return value.split(",")[-1].strip()


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed attempts to sign in to this account. Wait {minutes} minutes and try "
        "again, or ask your borough administrator to unlock the account."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out sign-in is answered: the sign-in page with the message (429)."""
    from wards.forms import SignInForm

    message = lockout_message()
    if request.path != reverse("login"):
        return JsonResponse({"detail": message}, status=429)
    username = str(request.POST.get("username", ""))[:150]
    form = SignInForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message},
        status=429,
    )
