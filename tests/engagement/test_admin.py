"""The admin keeps personal data out: no KIN register, no residents' contact details."""

from __future__ import annotations

from django.contrib import admin
from django.test import Client
from django.urls import reverse

from engagement.models import Kin
from engagement.services import ConcernInput, submit_public_concerns
from tests.world import World


def test_kins_are_not_in_the_admin(world: World) -> None:
    assert Kin not in admin.site._registry


def test_public_submissions_show_no_contact_details_to_administrators(
    world: World, client: Client
) -> None:
    submission = submit_public_concerns(
        ward=world.a1,
        concerns=[ConcernInput(category="noise")],
        name="Priya Raman",
        email="priya@example.org",
        phone="07700 900123",
    )
    client.force_login(world.users["admin"])
    for url in (
        reverse("admin:engagement_publicsubmission_changelist"),
        reverse("admin:engagement_publicsubmission_change", args=[submission.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Priya Raman" not in page
        assert "priya@example.org" not in page
        assert "07700 900123" not in page
