"""The public ward page: no sign-in, for any Met ward in force today.

Like the public concern page it does not go through the scoping mechanism: what it shows is
public by design (names and ranks of the team, the priorities and what is being done, public
events, the next panel meeting), and nothing else is read. No contact details, collar numbers,
key individuals or panel members' declarations.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from engagement.selectors import upcoming_public_events
from priorities import selectors
from wards.models import Ward


def public_ward(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_or_404(
        Ward.objects.current().filter(borough__is_met=True).select_related("borough"), code=code
    )
    return render(
        request,
        "priorities/public/ward.html",
        {
            "ward": ward,
            "page": selectors.public_ward(ward),
            "events": list(upcoming_public_events(ward, limit=5)),
        },
    )
