"""Factories for tests. Build the smallest world a test needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from engagement.models import CommunityGroup, Concern, EngagementEvent, Kin
from panels.models import Meeting, Panel, PanelMembership
from wards.models import Abstraction, Borough, Cluster, Posting, RoleAssignment, Team, User, Ward


class BoroughFactory(factory.django.DjangoModelFactory[Borough]):
    class Meta:
        model = Borough
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E09{n + 100:06d}")
    name = factory.Sequence(lambda n: f"Borough {n}")


class ClusterFactory(factory.django.DjangoModelFactory[Cluster]):
    class Meta:
        model = Cluster

    borough = factory.SubFactory(BoroughFactory)
    name = factory.Sequence(lambda n: f"Cluster {n}")


class WardFactory(factory.django.DjangoModelFactory[Ward]):
    class Meta:
        model = Ward
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E05{n + 900000:06d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    borough = factory.SubFactory(BoroughFactory)
    population = 12_000
    latitude = Decimal("51.5")
    longitude = Decimal("-0.1")
    valid_from = dt.date(2022, 5, 5)


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    """A ward's Safer Neighbourhoods Team."""

    class Meta:
        model = Team

    kind = Team.Kind.WARD
    ward = factory.SubFactory(WardFactory)
    borough = factory.SelfAttribute("ward.borough")
    name = factory.LazyAttribute(lambda t: f"{t.ward.name} SNT")


class ClusterTeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    kind = Team.Kind.CLUSTER
    cluster = factory.SubFactory(ClusterFactory)
    borough = factory.SelfAttribute("cluster.borough")
    name = factory.LazyAttribute(lambda t: f"{t.cluster.name} leadership")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    class Params:
        surname = factory.Faker("last_name", locale="en_GB")

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    # Without apostrophes: many tests look for a name in a page's HTML, where O'Brien is
    # escaped. How such a name is shown is tested on its own (tests/wards/test_views.py).
    last_name = factory.LazyAttribute(lambda o: o.surname.replace("'", ""))
    password = factory.django.Password("correct-horse-battery")


class PostingFactory(factory.django.DjangoModelFactory[Posting]):
    class Meta:
        model = Posting

    person = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Posting.Role.PCSO
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=400))


class AbstractionFactory(factory.django.DjangoModelFactory[Abstraction]):
    class Meta:
        model = Abstraction

    posting = factory.SubFactory(PostingFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    hours = Decimal("8.0")
    reason = Abstraction.Reason.PUBLIC_ORDER
    authorised_by = factory.SubFactory(UserFactory)
    recorded_by = factory.SelfAttribute("authorised_by")


class RoleAssignmentFactory(factory.django.DjangoModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = RoleAssignment.Role.CENTRAL_ANALYST


# --- engagement -------------------------------------------------------------------------------


class CommunityGroupFactory(factory.django.DjangoModelFactory[CommunityGroup]):
    class Meta:
        model = CommunityGroup

    ward = factory.SubFactory(WardFactory)
    name = factory.Sequence(lambda n: f"Community group {n}")
    kind = CommunityGroup.Kind.RESIDENTS


class KinFactory(factory.django.DjangoModelFactory[Kin]):
    class Meta:
        model = Kin

    ward = factory.SubFactory(WardFactory)
    name = factory.Faker("name", locale="en_GB")
    connection = Kin.Connection.SHOPKEEPER
    phone = "020 7946 0000"
    consent_given_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    consent_method = Kin.ConsentMethod.VERBAL
    last_contact_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    next_review_due = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=335))


class EngagementEventFactory(factory.django.DjangoModelFactory[EngagementEvent]):
    class Meta:
        model = EngagementEvent

    ward = factory.SubFactory(WardFactory)
    kind = EngagementEvent.Kind.STREET_BRIEFING
    status = EngagementEvent.Status.HELD
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    place = "Outside the library"
    attendance = 12
    created_by = factory.SubFactory(UserFactory)


class ConcernFactory(factory.django.DjangoModelFactory[Concern]):
    class Meta:
        model = Concern

    event = factory.SubFactory(EngagementEventFactory)
    ward = factory.SelfAttribute("event.ward")
    category = Concern.Category.ASB_YOUTHS
    source = Concern.Source.ENGAGEMENT
    raised_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=2))
    text = "Groups gathering by the shops in the evening"


# --- panels and priorities ---------------------------------------------------------------------


class PanelFactory(factory.django.DjangoModelFactory[Panel]):
    class Meta:
        model = Panel
        django_get_or_create = ("ward",)

    ward = factory.SubFactory(WardFactory)
    name = factory.LazyAttribute(lambda p: f"{p.ward.name} Neighbourhood Panel")
    established_on = dt.date(2020, 1, 1)


class PanelMembershipFactory(factory.django.DjangoModelFactory[PanelMembership]):
    class Meta:
        model = PanelMembership

    panel = factory.SubFactory(PanelFactory)
    user = factory.SubFactory(UserFactory)
    position = PanelMembership.Position.MEMBER
    term_start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    panel = factory.SubFactory(PanelFactory)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    place = "Community centre, main hall"
    status = Meeting.Status.HELD


# --- epic ---------------------------------------------------------------------------------------

from epic.catalogue import type_for  # noqa: E402 (this section was added after the rest)
from epic.models import Activity  # noqa: E402


class ActivityFactory(factory.django.DjangoModelFactory[Activity]):
    """One EPIC record; its category follows from its type, as the services set it."""

    class Meta:
        model = Activity

    officer = factory.SubFactory(UserFactory)
    ward = factory.SubFactory(WardFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    type = "stop_search"
    category = factory.LazyAttribute(lambda a: type_for(a.type).category.value)
    quantity = Decimal("1")
    source = Activity.Source.FORM
    created_by = factory.SelfAttribute("officer")
