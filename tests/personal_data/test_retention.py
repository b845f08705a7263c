"""Retention: KINs erased after their review lapses, declarations of ended memberships
deleted, residents' contact details erased, all on fixed dates, all safe to run twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.utils import timezone

from engagement.models import Concern, EngagementEvent, Kin, PublicSubmission
from engagement.selectors import kins_due_for_review
from engagement.services import erase_expired_public_contacts
from panels.models import DiversityDeclaration, PanelMembership
from privacy import services, tasks
from snt_portal.celery import app
from tests.factories import (
    ConcernFactory,
    EngagementEventFactory,
    KinFactory,
    PanelMembershipFactory,
    WardFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("retention_settings"),
]

TODAY = dt.date(2026, 6, 1)
REVIEW, GRACE = 365, 90


@pytest.fixture
def retention_settings() -> Iterator[None]:
    with override_settings(SNT_KIN_REVIEW_DAYS=REVIEW, SNT_KIN_ERASE_AFTER_REVIEW_DAYS=GRACE):
        yield


def _kin(last_contact: dt.date | None, **fields: object) -> Kin:
    review = None if last_contact is None else last_contact + dt.timedelta(days=REVIEW)
    return KinFactory.create(
        last_contact_on=last_contact,
        next_review_due=fields.pop("next_review_due", review),
        consent_given_on=fields.pop("consent_given_on", dt.date(2020, 1, 1)),
        email="kin@example.org",
        address="1 High Street",
        notes="Knows the shopkeepers on the parade",
        **fields,
    )


def _days_before(days: int, day: dt.date = TODAY) -> dt.date:
    return day - dt.timedelta(days=days)


def test_a_kin_is_flagged_first_and_erased_only_after_the_further_review_period() -> None:
    ward = WardFactory.create()
    recent = _kin(_days_before(100), ward=ward)
    in_review = _kin(_days_before(REVIEW + 10), ward=ward)
    last_day = _kin(_days_before(REVIEW + GRACE), ward=ward)  # erased tomorrow, not today
    lapsed = _kin(_days_before(REVIEW + GRACE + 1), ward=ward)

    due = set(kins_due_for_review(ward, today=TODAY).values_list("pk", flat=True))
    assert due == {in_review.pk, last_day.pk, lapsed.pk}  # flagged for review

    assert services.erase_unreviewed_kins(today=TODAY) == 1
    assert set(Kin.objects.filter(erased_at__isnull=False).values_list("pk", flat=True)) == {
        lapsed.pk
    }

    tomorrow = TODAY + dt.timedelta(days=1)
    assert services.erase_unreviewed_kins(today=tomorrow) == 1
    assert Kin.objects.get(pk=last_day.pk).is_erased
    assert not Kin.objects.get(pk=in_review.pk).is_erased
    assert not Kin.objects.get(pk=recent.pk).is_erased


def test_erasure_blanks_personal_data_and_keeps_anonymous_counts() -> None:
    kin = _kin(_days_before(800))
    interview = EngagementEventFactory.create(
        ward=kin.ward, kind=EngagementEvent.Kind.KIN_INTERVIEW, kin=kin, notes="At the shop"
    )
    ConcernFactory.create(event=interview, kin=kin, source=Concern.Source.KIN, text="Dealing")

    assert services.erase_unreviewed_kins(today=TODAY) == 1

    kin.refresh_from_db()
    assert kin.is_erased and kin.erased_by is None
    assert (kin.name, kin.phone, kin.email, kin.address, kin.notes) == ("", "", "", "", "")
    assert kin.consent_given_on is None
    assert kin.connection == Kin.Connection.SHOPKEEPER  # an anonymous count
    concern = Concern.objects.get(kin=kin)
    assert concern.text == "" and concern.category == Concern.Category.ASB_YOUTHS
    assert EngagementEvent.objects.get(pk=interview.pk).notes == ""


def test_running_twice_erases_nothing_more() -> None:
    kin = _kin(_days_before(800))
    assert services.erase_unreviewed_kins(today=TODAY) == 1
    erased_at = Kin.objects.get(pk=kin.pk).erased_at
    assert services.erase_unreviewed_kins(today=TODAY) == 0
    assert Kin.objects.get(pk=kin.pk).erased_at == erased_at


def test_a_review_date_moved_forward_by_the_team_holds_erasure_off() -> None:
    kept = _kin(_days_before(800), next_review_due=TODAY + dt.timedelta(days=30))
    review_just_lapsed = _kin(_days_before(800), next_review_due=_days_before(GRACE))
    assert services.erase_unreviewed_kins(today=TODAY) == 0
    assert not Kin.objects.get(pk=kept.pk).is_erased
    assert not Kin.objects.get(pk=review_just_lapsed.pk).is_erased


def test_a_kin_never_contacted_counts_from_their_consent() -> None:
    old = _kin(None, consent_given_on=_days_before(REVIEW + GRACE + 1))
    new = _kin(None, consent_given_on=_days_before(REVIEW + GRACE))
    assert services.erase_unreviewed_kins(today=TODAY) == 1
    assert Kin.objects.get(pk=old.pk).is_erased
    assert not Kin.objects.get(pk=new.pk).is_erased


def test_the_kin_task_runs_through_celery(tasks_inline: None) -> None:
    kin = _kin(_days_before(800, timezone.localdate()))
    fresh = _kin(_days_before(10, timezone.localdate()))
    assert tasks.erase_unreviewed_kins.delay().get() == 1
    assert tasks.erase_unreviewed_kins.delay().get() == 0
    assert Kin.objects.get(pk=kin.pk).is_erased
    assert not Kin.objects.get(pk=fresh.pk).is_erased


def _declare(membership: PanelMembership) -> DiversityDeclaration:
    return DiversityDeclaration.objects.create(
        membership=membership, consent_given_at=timezone.now(), sex="female"
    )


def test_declarations_of_ended_memberships_are_deleted() -> None:
    current = PanelMembershipFactory.create(term_start=dt.date(2025, 1, 1))
    ends_today = PanelMembershipFactory.create(term_start=dt.date(2025, 1, 1))
    ended = PanelMembershipFactory.create(term_start=dt.date(2025, 1, 1))
    for membership in (current, ends_today, ended):
        _declare(membership)
    # Ended by a plain save (an admin edit), not through panels.services.end_membership.
    PanelMembership.objects.filter(pk=ends_today.pk).update(term_end=TODAY)
    PanelMembership.objects.filter(pk=ended.pk).update(term_end=_days_before(1))

    assert services.delete_ended_declarations(today=TODAY) == 1
    assert services.delete_ended_declarations(today=TODAY) == 0
    remaining = set(DiversityDeclaration.objects.values_list("membership_id", flat=True))
    assert remaining == {current.pk, ends_today.pk}


def test_the_declarations_task_runs_through_celery(tasks_inline: None) -> None:
    today = timezone.localdate()
    current = PanelMembershipFactory.create()
    ended = PanelMembershipFactory.create()
    _declare(current)
    _declare(ended)
    PanelMembership.objects.filter(pk=ended.pk).update(term_end=_days_before(1, today))
    assert tasks.delete_ended_declarations.delay().get() == 1
    assert tasks.delete_ended_declarations.delay().get() == 0
    assert list(DiversityDeclaration.objects.values_list("membership_id", flat=True)) == [
        current.pk
    ]


def test_public_contact_details_are_erased_after_the_contact_period() -> None:
    now = timezone.make_aware(dt.datetime(2026, 6, 1, 3, 0))
    ward = WardFactory.create()

    def submitted(days: int) -> PublicSubmission:
        return PublicSubmission.objects.create(
            ward=ward,
            submitted_at=now - dt.timedelta(days=days),
            name="A Resident",
            email="resident@example.org",
            phone="07700 900000",
        )

    old, recent = submitted(91), submitted(89)
    with override_settings(SNT_PUBLIC_CONTACT_DAYS=90):
        assert erase_expired_public_contacts(now=now) == 1
        assert erase_expired_public_contacts(now=now) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.has_contact and old.contact_erased_at == now
    assert recent.has_contact and recent.contact_erased_at is None


def test_the_public_contacts_task_runs_through_celery(tasks_inline: None) -> None:
    from engagement.tasks import erase_expired_public_contacts as task

    ward = WardFactory.create()
    for days in (100, 10):
        PublicSubmission.objects.create(
            ward=ward, submitted_at=timezone.now() - dt.timedelta(days=days), email="r@example.org"
        )
    with override_settings(SNT_PUBLIC_CONTACT_DAYS=90):
        assert task.delay().get() == 1
        assert task.delay().get() == 0
    assert PublicSubmission.objects.filter(contact_erased_at__isnull=True).count() == 1


def test_every_retention_job_is_on_the_beat_schedule() -> None:
    scheduled = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}
    for name in (
        "privacy.tasks.erase_unreviewed_kins",
        "privacy.tasks.delete_ended_declarations",
        "engagement.tasks.erase_expired_public_contacts",
    ):
        assert name in scheduled, name
        assert name in app.tasks, name
        assert scheduled[name]["options"]["time_limit"] > 0
