"""Tokens for devices: exchanged for a username and password at ``POST /api/v1/auth/token/``
(rate limited), or made, replaced and revoked by the signed-in user on the API token page.

The exchange is no way round the second factor: a user whose role needs one
(``snt_portal.otp.requires_second_factor``) sends the code from their authenticator app as
``otp_token`` too, checked against their device with django-otp's throttling. The API token
page is behind a verified session (snt_portal/otp.py's middleware)."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from api import services
from snt_portal.otp import check_code, confirmed_device, requires_second_factor
from wards.models import User


class _TokenThrottle(SimpleRateThrottle):
    def client_address(self, request: Request) -> str:
        # The same client address as the public form's rate limit (RATELIMIT_IP_META_KEY
        # behind a proxy), never a header a client may set freely: of a list, the last
        # address, the one the trusted proxy added.
        key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
        value = str(request.META.get(key, "") or request.META.get("REMOTE_ADDR", ""))
        return value.split(",")[-1].strip()


class TokenAddressThrottle(_TokenThrottle):
    """Attempts from one address."""

    scope = "api_token_ip"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.client_address(request)}


class TokenUsernameThrottle(_TokenThrottle):
    """Attempts at one username, from anywhere (guessing one person's password slowly).
    Checked by the view once the body is parsed, so a body that is not JSON is told so."""

    scope = "api_token_user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data = request.data if isinstance(request.data, dict) else {}
        username = str(data.get("username", "")).strip().lower()[:150]
        if not username:
            return None
        # Hashed: a username is the client's text, and a lone surrogate or NUL in it would
        # not encode as a cache key (a 500 before the serializer could refuse it).
        ident = hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenSerializer(serializers.Serializer[Token]):
    token = serializers.CharField(
        source="key", help_text="Send it as `Authorization: Token <token>`."
    )
    created = serializers.DateTimeField()


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    otp_token = serializers.CharField(
        required=False,
        help_text=(
            "The 6-digit code your authenticator app shows now. Required for inspectors, "
            "borough managers, central analysts and administrators; ignored for other roles."
        ),
    )


NO_AUTHENTICATOR = (
    "Your account needs a second factor and has no authenticator app set up. Sign in to the "
    "portal to set one up, then send its code as otp_token (or make a token on the portal's "
    "API token page)."
)
CODE_REQUIRED = (
    "Your account needs a second factor: send the 6-digit code from your authenticator app "
    "as otp_token."
)


def check_second_factor(user: User, otp_token: object) -> None:
    """For a user who needs a second factor, accept only with a right code from their device;
    a 400 naming ``otp_token`` otherwise."""
    if not requires_second_factor(user):
        return
    device = confirmed_device(user)
    if device is None:
        raise serializers.ValidationError({"otp_token": [NO_AUTHENTICATOR]})
    code = "".join(str(otp_token or "").split())
    if not code:
        raise serializers.ValidationError({"otp_token": [CODE_REQUIRED]})
    try:
        check_code(device, code)
    except DjangoValidationError as error:
        raise serializers.ValidationError({"otp_token": error.messages}) from None


class ObtainToken(APIView):
    """Your token for a device, for your username and password."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenAddressThrottle]
    error_codes: ClassVar[tuple[str, ...]] = ("400", "415", "429")

    @extend_schema(
        tags=["auth"],
        summary="Get your token",
        description=(
            "Exchanges your portal username and password for your token (made on first use; "
            "the same token until you replace or revoke it on the portal's API token page). "
            "Inspectors, borough managers, central analysts and administrators also send "
            "`otp_token`, the code from their authenticator app; without it, or with a wrong "
            "one, the answer is 400 with the reason under `otp_token` (a code is accepted "
            "once; after a wrong one, the next is checked only after a growing wait). "
            "Limited to a few attempts a minute."
        ),
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        by_username = TokenUsernameThrottle()
        if not by_username.allow_request(request, self):
            self.throttled(request, by_username.wait() or 60.0)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        data = request.data if isinstance(request.data, dict) else {}
        check_second_factor(user, data.get("otp_token"))
        token = services.token_for(acting_user=user)
        return Response(TokenSerializer(token).data)


@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    """The signed-in user's API token: make one, replace it, revoke it. A new token is shown
    once, on the page that made it."""
    user: User = request.user  # type: ignore[assignment]
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            if services.revoke_token(acting_user=user):
                messages.success(request, "Your API token is revoked: devices using it stop now.")
            return redirect("api:token_page")
        if action == "create":
            new_key = services.rotate_token(acting_user=user).key
    token = Token.objects.filter(user=user).first()
    return render(
        request,
        "api/token.html",
        {
            "token": token,
            "new_key": new_key,
            "docs_url": reverse("api:docs"),
            "obtain_url": reverse("api:token_obtain"),
        },
    )
