"""Only public data: current officers' names and ranks (bios unless opted out), planned public
events, adopted priorities. Never key individuals, panel members, candidate issues, private
or past events, collar numbers, or anyone's contact details."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from engagement.models import EngagementEvent
from priorities.models import Ballot, Candidate
from tests.factories import (
    EngagementEventFactory,
    MeetingFactory,
    PostingFactory,
    UserFactory,
)
from tests.opendata.conftest import NEIGHBOURHOOD_CALLS, Published, api_get, met
from tests.world import World
from wards.models import Posting, Team


def everything_about(client: Client, code: str) -> str:
    """Every open-data answer about a neighbourhood, and the lists, as one text."""
    answers = [api_get(client, name, **met(code)) for name in NEIGHBOURHOOD_CALLS]
    answers.append(api_get(client, "neighbourhood_list", force="metropolitan"))
    return json.dumps(answers, ensure_ascii=False)


def test_an_officer_who_opted_out_has_no_bio(world: World, published: Published) -> None:
    pcso = world.users["pcso"]
    pcso.bio_opt_out = True
    pcso.save()
    answer = api_get(Client(), "neighbourhood_people", **met(world.a1.code))
    row = next(row for row in answer if row["name"] == pcso.get_full_name())
    assert row == {"bio": None, "contact_details": {}, "name": pcso.get_full_name(), "rank": "PCSO"}
    assert "Punjabi" not in json.dumps(answer)


def test_people_are_the_current_officers_of_the_team_and_cluster(world: World) -> None:
    today = timezone.localdate()
    left = PostingFactory.create(
        team=world.team_a1, role=Posting.Role.PC, end_date=today - dt.timedelta(days=1)
    )
    coming = PostingFactory.create(
        team=world.team_a1, role=Posting.Role.PC, start_date=today + dt.timedelta(days=7)
    )
    volunteer = PostingFactory.create(team=world.team_a1, role=Posting.Role.VOLUNTEER)
    transport = Team.objects.create(
        name="Aborough STT", kind=Team.Kind.TRANSPORT, borough=world.a1.borough
    )
    on_transport = PostingFactory.create(team=transport, role=Posting.Role.PCSO)
    unnamed = PostingFactory.create(
        team=world.team_a1,
        role=Posting.Role.PCSO,
        person=UserFactory.create(first_name="", last_name="", username="pcso.login.name"),
    )

    answer = api_get(Client(), "neighbourhood_people", **met(world.a1.code))

    ranks = {row["name"]: row["rank"] for row in answer}
    users = world.users
    assert ranks == {
        users["inspector"].get_full_name(): "Inspector",
        users["sergeant"].get_full_name(): "Sergeant",
        users["pc"].get_full_name(): "Police Constable",
        users["pcso"].get_full_name(): "PCSO",
    }
    # Not listed: who has left, who has not started, volunteers, borough teams, the nameless.
    assert len(answer) == 4
    hidden = {p.person.get_full_name() for p in (left, coming, volunteer, on_transport, unnamed)}
    assert hidden & set(ranks) == set()
    text = json.dumps(answer)
    assert "pcso.login.name" not in text
    # Another ward's officers are that ward's.
    assert world.posting_b1.person.get_full_name() not in text


def test_nothing_private_ever_appears(world: World, published: Published) -> None:
    kin = world.kin_a1
    kin.email, kin.address = "kin.person@example.org", "12 Acacia Avenue"
    kin.save()
    officer = world.users["pcso"]
    officer.email, officer.collar_number = "pcso.officer@met.example", "PCSO 4711"
    officer.save()
    soon, past = timezone.now() + dt.timedelta(days=2), timezone.now() - dt.timedelta(days=2)
    Kind, Status = EngagementEvent.Kind, EngagementEvent.Status
    private: dict[str, tuple[str, str, dt.datetime, dict[str, Any]]] = {
        # title: (kind, status, starts, anything else)
        "Interview with the key individual": (
            Kind.KIN_INTERVIEW,
            Status.PLANNED,
            soon,
            {"kin": kin},
        ),
        "Reassurance visit to a victim": (
            Kind.VICTIM_VISIT,
            Status.PLANNED,
            soon,
            {"place": "Flat 3, Pelham House"},
        ),
        "Cancelled surgery": (Kind.SURGERY, Status.CANCELLED, soon, {}),
        "Briefing that already happened": (Kind.STREET_BRIEFING, Status.PLANNED, past, {}),
    }
    for title, (kind, status, starts_at, extra) in private.items():
        EngagementEventFactory.create(
            ward=world.a1,
            kind=kind,
            status=status,
            title=title,
            starts_at=starts_at,
            created_by=officer,
            **extra,
        )
    meeting = MeetingFactory.create(panel=world.panel_a1)
    ballot = Ballot.objects.create(meeting=meeting, status=Ballot.Status.OPEN)
    Candidate.objects.create(ballot=ballot, issue="Unlit alley behind the parade", category="noise")

    text = everything_about(Client(), world.a1.code)

    assert "Ward public meeting" in text  # the public event is there
    secrets = [
        kin.name,
        kin.phone,
        kin.email,
        kin.address,
        officer.email,
        officer.collar_number,
        officer.username,
        world.users["panel_chair"].get_full_name(),
        world.users["panel_member"].get_full_name(),
        "Unlit alley behind the parade",
        *private,
        "Pelham House",
    ]
    leaked = [secret for secret in secrets if secret and secret in text]
    assert leaked == []


def test_the_cluster_inspector_is_listed_for_every_ward_of_the_cluster(world: World) -> None:
    answer = api_get(Client(), "neighbourhood_people", **met(world.a2.code))
    names = {row["name"]: row["rank"] for row in answer}
    assert names[world.users["inspector"].get_full_name()] == "Inspector"
    assert world.users["pcso"].get_full_name() not in names
    # B1 is in another borough, outside the cluster.
    answer_b1 = api_get(Client(), "neighbourhood_people", **met(world.b1.code))
    assert world.users["inspector"].get_full_name() not in {row["name"] for row in answer_b1}


def test_an_officer_on_two_teams_is_listed_once_at_the_senior_rank(world: World) -> None:
    PostingFactory.create(
        team=world.team_a1, person=world.users["inspector"], role=Posting.Role.SERGEANT
    )
    answer = api_get(Client(), "neighbourhood_people", **met(world.a1.code))
    rows = [row for row in answer if row["name"] == world.users["inspector"].get_full_name()]
    assert [row["rank"] for row in rows] == ["Inspector"]
