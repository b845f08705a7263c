"""The public "tell us your concern" page: no sign-in, up to three concerns, optional contact
details erased after SNT_PUBLIC_CONTACT_DAYS, a honeypot, and a rate limit per IP address."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsFixture

from engagement.models import Concern, EngagementEvent, PublicSubmission
from engagement.services import ConcernInput, submit_public_concerns
from engagement.tasks import erase_expired_public_contacts
from tests.factories import BoroughFactory, EngagementEventFactory, WardFactory
from tests.world import World
from wards.models import Ward


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings: SettingsFixture) -> None:
    """Each test counts submissions from zero, whatever the cache (locmem or a shared Redis)
    already holds: a key prefix of its own, rather than flushing a cache others may use."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:test:{uuid.uuid4().hex}:"


def concern_url(ward: Ward) -> str:
    return reverse("engagement:public_concern", kwargs={"code": ward.code})


def thanks_url(ward: Ward) -> str:
    return reverse("engagement:public_concern_thanks", kwargs={"code": ward.code})


ONE_CONCERN = {
    "category_1": "asb_youths",
    "text_1": "Groups of young people blocking the alley every evening.",
    "location_1": "Alley behind the parade",
}


def test_the_page_needs_no_sign_in_and_shows_the_ward(world: World, client: Client) -> None:
    EngagementEventFactory.create(
        ward=world.a1,
        status=EngagementEvent.Status.PLANNED,
        kind=EngagementEvent.Kind.STREET_BRIEFING,
        title="Street briefing at the market",
        starts_at=timezone.now() + dt.timedelta(days=5),
    )
    EngagementEventFactory.create(
        ward=world.a1,
        status=EngagementEvent.Status.PLANNED,
        kind=EngagementEvent.Kind.VICTIM_VISIT,  # private: never listed
        title="Visit to a victim",
        starts_at=timezone.now() + dt.timedelta(days=6),
    )

    response = client.get(concern_url(world.a1))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tell us your concern" in page and "Alpha, Aborough" in page
    assert "Street briefing at the market" in page and "Visit to a victim" not in page
    assert page.count('name="category_') == 3
    assert "They are deleted after 90 days." in page
    assert 'name="csrfmiddlewaretoken"' in page
    # The honeypot is there for robots, hidden from people and their screen readers.
    honeypot = page[page.index('<div class="govuk-visually-hidden" aria-hidden="true">') :]
    honeypot = honeypot[: honeypot.index("</div>")]
    assert "Leave this field empty" in honeypot
    assert 'name="website"' in honeypot and 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot


def test_two_concerns_make_one_submission(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(concern_url(world.a1))
    token = page.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(
        concern_url(world.a1),
        {
            "csrfmiddlewaretoken": token,
            **ONE_CONCERN,
            "category_2": "fly_tipping",
            "text_2": "Mattresses dumped by the bins.",
            "location_2": "",
            "category_3": "",
            "name": "Pat Jones",
            "email": "pat@example.com",
            "phone": "020 7946 0000",
        },
    )

    assert response.status_code == 302 and response["Location"] == thanks_url(world.a1)
    submission = PublicSubmission.objects.get()
    assert submission.ward == world.a1
    assert (submission.name, submission.email, submission.phone) == (
        "Pat Jones",
        "pat@example.com",
        "020 7946 0000",
    )
    concerns = Concern.objects.filter(submission=submission).order_by("pk")
    assert [(c.category, c.source, c.ward_id) for c in concerns] == [
        ("asb_youths", Concern.Source.PUBLIC_WEB, world.a1.pk),
        ("fly_tipping", Concern.Source.PUBLIC_WEB, world.a1.pk),
    ]
    assert concerns[0].location == "Alley behind the parade"
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you" in thanks and "Pat" not in thanks and "pat@example.com" not in thanks


def test_a_submission_without_a_concern_is_re_rendered_with_errors(
    world: World, client: Client
) -> None:
    response = client.post(concern_url(world.a1), {"name": "Pat Jones", "email": "not-an-email"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose what your first concern is about" in page
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert 'value="Pat Jones"' in page
    assert not PublicSubmission.objects.exists() and not Concern.objects.exists()


def test_a_concern_needs_a_description(world: World, client: Client) -> None:
    response = client.post(
        concern_url(world.a1),
        {**ONE_CONCERN, "text_2": "Speeding cars", "category_3": "burglary", "text_3": ""},
    )
    page = response.content.decode()
    assert "Choose what your second concern is about" in page
    assert "Tell us what is happening for your third concern" in page
    assert not PublicSubmission.objects.exists()


def test_a_fourth_concern_cannot_be_sent(world: World, client: Client) -> None:
    three = {
        f"{field}_{n}": value
        for n in (1, 2, 3)
        for field, value in (("category", "noise"), ("text", f"Concern {n}"))
    }
    response = client.post(
        concern_url(world.a1), {**three, "category_4": "burglary", "text_4": "Concern 4"}
    )

    assert response.status_code == 302
    assert sorted(Concern.objects.values_list("text", flat=True)) == [
        "Concern 1",
        "Concern 2",
        "Concern 3",
    ]
    assert 'name="category_4"' not in client.get(concern_url(world.a1)).content.decode()


def test_a_filled_honeypot_is_thanked_and_nothing_is_saved(world: World, client: Client) -> None:
    response = client.post(concern_url(world.a1), {**ONE_CONCERN, "website": "http://spam"})

    assert response.status_code == 302 and response["Location"] == thanks_url(world.a1)
    assert client.get(response["Location"]).status_code == 200
    assert not PublicSubmission.objects.exists() and not Concern.objects.exists()


def test_the_sixth_submission_in_an_hour_is_refused(world: World) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert client.post(concern_url(world.a1), ONE_CONCERN).status_code == 302

    response = client.post(concern_url(world.a1), ONE_CONCERN)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many submissions from your connection. Try again in an hour." in page
    assert "There is a problem" in page
    assert PublicSubmission.objects.count() == 5
    # Reading the page is not limited, and another address may still submit.
    assert client.get(concern_url(world.a1)).status_code == 200
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert other.post(concern_url(world.a1), ONE_CONCERN).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("url", [concern_url, thanks_url])
def test_only_current_met_wards_have_the_page(url, client: Client) -> None:
    assert client.get(url(Ward(code="E05999999"))).status_code == 404
    old = WardFactory.create(valid_from=dt.date(2014, 5, 22), valid_to=dt.date(2018, 5, 3))
    assert client.get(url(old)).status_code == 404
    city = WardFactory.create(borough=BoroughFactory.create(is_met=False))
    assert client.get(url(city)).status_code == 404
    assert client.post(concern_url(old), ONE_CONCERN).status_code == 404
    assert not PublicSubmission.objects.exists()


def test_the_erasure_task_blanks_old_contact_details_and_keeps_concerns(world: World) -> None:
    days = settings.SNT_PUBLIC_CONTACT_DAYS
    assert days == 90
    concerns = [ConcernInput(category="burglary", text="Sheds broken into")]
    old = submit_public_concerns(
        ward=world.a1, concerns=concerns, name="Old", email="old@example.com", phone="0123456789"
    )
    recent = submit_public_concerns(
        ward=world.a1, concerns=concerns, name="New", email="new@example.com"
    )
    PublicSubmission.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=days, hours=1)
    )
    PublicSubmission.objects.filter(pk=recent.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=days - 1)
    )

    assert erase_expired_public_contacts() == 1  # the task body, run here: no worker needed

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.email, old.phone) == ("", "", "")
    assert old.contact_erased_at is not None and not old.has_contact
    assert old.concerns.get().text == "Sheds broken into"
    assert (recent.name, recent.email, recent.contact_erased_at) == (
        "New",
        "new@example.com",
        None,
    )
    # Running again erases nothing more.
    assert erase_expired_public_contacts() == 0


def test_the_erasure_task_is_scheduled_daily_with_a_time_limit() -> None:
    from snt_portal.celery import app

    entry = next(
        e
        for e in app.conf.beat_schedule.values()
        if e["task"] == "engagement.tasks.erase_expired_public_contacts"
    )
    assert entry["options"]["time_limit"] > 0 and entry["options"]["expires"] > 0
    assert entry["schedule"].hour == {2}
