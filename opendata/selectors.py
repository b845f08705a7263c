"""The open data's answers, each in the shape data.police.uk gives the same call.

Everything here is public by design and reads nothing else: the Met's current wards (the
neighbourhoods, identified by ward code), the names and ranks of the officers currently posted
to each ward's team and its cluster's inspector (with a biography only where the officer wrote
one and did not opt out), planned public events, and the priorities the panel adopted. Never
key individuals, panel members, candidate issues, collar numbers or anyone's contact details.

police.uk's conventions are kept: coordinates and population as strings, ``issue-date`` and
``action-date`` with hyphens, times in ISO 8601 without a zone (London time), HTML in the text
fields (our plain text, escaped, in paragraphs), and null where police.uk gives null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks

from crime.categories import crime_categories_api
from engagement.models import EngagementEvent
from opendata import forces
from priorities.models import Priority
from priorities.selectors import PUBLIC_ROLES
from wards.models import Posting, Team, Ward, WardQuerySet
from wards.selectors import team_postings

JSON = dict[str, Any]
# Turns a path of this site into an absolute URL (police.uk's URLs are absolute).
Absolute = Callable[[str], str]

# Events of these kinds carry police.uk's own type names; the rest their label in lower case.
EVENT_TYPES = {
    EngagementEvent.Kind.PUBLIC_MEETING: "meeting",
    EngagementEvent.Kind.COMMUNITY_GROUP_MEETING: "meeting",
    EngagementEvent.Kind.SURGERY: "surgery",
}


# Forces ---------------------------------------------------------------------------------------


def force_list() -> list[JSON]:
    """``/forces``: the forces whose neighbourhoods this portal holds (the Met only)."""
    return [{"id": forces.MET.id, "name": forces.MET.name}]


def force_detail(force: str) -> JSON | None:
    """``/forces/{force}``, or None for a force this portal does not hold."""
    met = forces.MET
    if not forces.is_met(force):
        return None
    return {
        "description": met.description,
        "url": met.url,
        "engagement_methods": [
            {"title": title, "url": url, "description": description}
            for title, url, description in met.engagement_methods
        ],
        "telephone": met.telephone,
        "id": met.id,
        "name": met.name,
    }


# Neighbourhoods -------------------------------------------------------------------------------


def neighbourhood_wards(on: dt.date | None = None) -> WardQuerySet:
    """The Met's neighbourhoods: its wards in force (the City of London has its own force)."""
    return Ward.objects.current(on).filter(borough__is_met=True)


def neighbourhood_ward(force: str, code: str) -> Ward | None:
    """The neighbourhood ``code`` of ``force``, or None when either is unknown."""
    if not forces.is_met(force):
        return None
    return neighbourhood_wards().select_related("borough").filter(code=code).first()


def neighbourhood_list() -> list[JSON]:
    """``/{force}/neighbourhoods``: id (the ward code) and name of every neighbourhood."""
    rows = neighbourhood_wards().order_by("name", "code").values_list("code", "name")
    return [{"id": code, "name": name} for code, name in rows]


def neighbourhood_detail(ward: Ward, *, absolute: Absolute) -> JSON:
    """``/{force}/{id}``: the neighbourhood, its public page and how to reach its team."""
    public_page = absolute(reverse("priorities:public_ward", kwargs={"code": ward.code}))
    concern_page = absolute(reverse("engagement:public_concern", kwargs={"code": ward.code}))
    return {
        "url_force": public_page,
        # The team's shared ways in; never an officer's own.
        "contact_details": {"telephone": forces.MET.telephone},
        "name": ward.name,
        "links": [
            {"url": concern_page, "description": None, "title": "Tell the team your concern"}
        ],
        "centre": {
            "latitude": _coordinate(ward.latitude),
            "longitude": _coordinate(ward.longitude),
        },
        # police.uk lists police stations and offices here; the portal holds none.
        "locations": [],
        "description": _html(
            f"The {ward.name} Safer Neighbourhoods Team polices the {ward.name} ward of "
            f"{ward.borough.name}."
        ),
        "id": ward.code,
        # Without an estimate (Stratford Olympic Park): "0", still a number in a string.
        "population": str(ward.population or 0),
    }


def people(ward: Ward) -> list[JSON]:
    """``/{force}/{id}/people``: officers currently posted to the ward's team and its cluster's
    inspector, senior first: name, rank and, unless they opted out, the biography they wrote.

    Volunteers are not officers and are not listed (as on the public ward page); nor is
    anyone without a recorded name, whose login name is not for publishing.
    """
    listed: dict[int, JSON] = {}
    for posting in team_postings(ward, timezone.localdate()):
        person = posting.person
        if not _published(posting) or person.pk in listed or not person.get_full_name():
            continue
        listed[person.pk] = {
            "bio": None if person.bio_opt_out else _html(person.public_bio),
            "contact_details": {},
            "name": person.get_full_name(),
            "rank": posting.get_role_display(),
        }
    return list(listed.values())


def _published(posting: Posting) -> bool:
    return posting.role in PUBLIC_ROLES and posting.team.kind in (
        Team.Kind.WARD,
        Team.Kind.CLUSTER,
    )


def events(ward: Ward, *, now: dt.datetime | None = None) -> tuple[list[JSON], dt.datetime | None]:
    """``/{force}/{id}/events``: the ward's public events that have not yet ended, soonest
    first; and when the list next changes by itself (the first of them to end), or None."""
    now = now or timezone.now()
    rows = list(
        EngagementEvent.objects.filter(ward=ward)
        .public()
        .filter(Q(starts_at__gte=now) | Q(ends_at__gte=now))
        .order_by("starts_at", "pk")
    )
    # An event without an end time drops off the list once it has started.
    ends = [event.ends_at or event.starts_at for event in rows]
    answer: list[JSON] = [
        {
            "contact_details": {},
            "description": _html(event.description),
            "title": event.title or event.get_kind_display(),
            # police.uk's events always have an address; without a place, the ward.
            "address": event.place or f"{ward.name}, {ward.borough.name}",
            "type": EVENT_TYPES.get(
                EngagementEvent.Kind(event.kind), event.get_kind_display().lower()
            ),
            "start_date": _timestamp(event.starts_at),
            "end_date": _timestamp(event.ends_at) if event.ends_at else None,
        }
        for event in rows
    ]
    return answer, min(ends, default=None)


def priorities(ward: Ward) -> list[JSON]:
    """``/{force}/{id}/priorities``: the priorities the panel adopted, newest first; the
    action and its date once resolved, null until then."""
    rows = Priority.objects.filter(ward=ward).order_by("-issue_date", "-pk")
    return [
        {
            "action": _html(priority.action),
            "issue-date": _timestamp(priority.issue_date),
            "action-date": _timestamp(priority.action_date) if priority.action_date else None,
            "issue": _html(priority.issue),
        }
        for priority in rows
    ]


def boundary(ward: Ward) -> list[JSON]:
    """``/{force}/{id}/boundary``: the boundary as one list of points.

    police.uk's boundary is a single ring. A ward in several parts (23 of London's 704, most
    with a sliver across a river) gives each part's outer ring in turn, largest first, each
    closed: drawn or sent back as a ``poly`` it covers every part. Holes are left out.
    """
    geometry = ward.boundary or {}
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    rings = sorted((polygon[0] for polygon in polygons if polygon), key=_ring_area, reverse=True)
    return [
        {"latitude": _number(latitude), "longitude": _number(longitude)}
        for ring in rings
        for longitude, latitude, *_ in ring
    ]


def _ring_area(ring: list[list[float]]) -> float:
    """The area of a ring in square degrees (the shoelace formula): only to order the parts."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in pairwise(ring)) / 2)


# Other calls ----------------------------------------------------------------------------------


def crime_categories() -> list[JSON]:
    """``/crime-categories``: police.uk's categories (the current set, whatever the month)."""
    return list(crime_categories_api())


def located(code: str) -> JSON:
    """``/locate-neighbourhood``'s answer for a point in neighbourhood ``code``."""
    return {"force": forces.MET.id, "neighbourhood": code}


# Formats --------------------------------------------------------------------------------------


def _html(text: str) -> str | None:
    """Plain text as police.uk's HTML: escaped, in paragraphs; None when there is none."""
    text = text.strip()
    return linebreaks(escape(text)) if text else None


def _timestamp(value: dt.datetime | dt.date) -> str:
    """ISO 8601 to the second without a zone, in London time, as police.uk writes them."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None).isoformat(timespec="seconds")
    return dt.datetime.combine(value, dt.time()).isoformat(timespec="seconds")


def _coordinate(value: Decimal | None) -> str | None:
    """A stored coordinate as police.uk's string: no trailing zeros, never an exponent."""
    return None if value is None else _number(value)


def _number(value: Decimal | float) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return "0" if text in ("-0", "") else text
