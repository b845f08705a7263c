"""manage.py otp_code <username>: the demo's authenticator app (DEBUG only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from snt_portal.otp import confirmed_device, current_code
from wards.models import User


class Command(BaseCommand):
    help = (
        "Print the code a demo user's authenticator app would show now, for signing in to the "
        "demo as an inspector, borough manager, central analyst or administrator without a "
        "phone. Refused unless DEBUG is on: a deployment's codes come only from people's apps."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "otp_code is for the demo only and runs with DEBUG on. Codes for real accounts "
                "come from their owners' authenticator apps."
            )
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        device = confirmed_device(user)
        if device is None:
            raise CommandError(
                f"{username} has no authenticator set up (seed_demo sets one up for the demo's "
                "inspector, borough_manager, central_analyst and admin)."
            )
        code, seconds = current_code(device)
        self.stdout.write(code)
        self.stderr.write(f"Valid for about {seconds} seconds, once.")
