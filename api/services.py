"""Writes of the API's own: a user's token for devices. Keyword-only, typed, one transaction
each; the token endpoint and the API token page call these."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from wards.models import User


@transaction.atomic
def token_for(*, acting_user: User) -> Token:
    """The user's token, made on first use (one per user: every device shares it)."""
    token, _ = Token.objects.get_or_create(user=acting_user)
    return token


@transaction.atomic
def rotate_token(*, acting_user: User) -> Token:
    """A new token for the user; the old one stops working at once (every device signs in
    again)."""
    Token.objects.filter(user=acting_user).delete()
    return Token.objects.create(user=acting_user)


@transaction.atomic
def revoke_token(*, acting_user: User, owner: User | None = None) -> bool:
    """Delete ``owner``'s token (the acting user's own by default: an administrator revokes
    someone else's from the admin); whether there was one."""
    deleted, _ = Token.objects.filter(user=owner or acting_user).delete()
    return deleted > 0
