"""A panel meeting votes on its priorities: the chair prepares and opens a ballot, five
members vote on their own phones, the chair closes it, and the three adopted priorities show
on the ballot's result and on the ward's public page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from panels.models import Attendance, PanelMembership
from priorities.models import Ballot, BallotPaper, Priority
from tests.browser.conftest import PHONE
from tests.browser.signin import sign_in
from tests.factories import (
    ConcernFactory,
    EngagementEventFactory,
    MeetingFactory,
    PanelMembershipFactory,
    UserFactory,
)
from tests.world import World

pytestmark = pytest.mark.browser

BURGLARY = "Burglary"
DRUGS = "Drugs: dealing and use"
YOUTHS = "Anti-social behaviour: groups of youths"
SPEEDING = "Road safety and speeding"
FLY_TIPPING = "Fly-tipping and litter"

# Five papers: burglary 4, drugs 3, youths 3, speeding 1, fly-tipping 1.
PAPERS = [
    (BURGLARY, DRUGS, YOUTHS),
    (BURGLARY, DRUGS),
    (BURGLARY, YOUTHS, SPEEDING),
    (DRUGS, YOUTHS),
    (BURGLARY, FLY_TIPPING),
]


def test_a_panel_votes_on_its_priorities_from_five_phones(
    transactional_db: None, world: World, live_server, browser, phone, screenshot
) -> None:
    # What residents raised since the panel last met: the ballot's candidates.
    event = EngagementEventFactory.create(ward=world.a1, created_by=world.users["pcso"])
    for category, times in [
        ("burglary", 4),
        ("drugs", 3),
        ("asb_youths", 3),
        ("road_safety", 2),
        ("fly_tipping", 1),
    ]:
        for _ in range(times):
            ConcernFactory.create(event=event, category=category)
    # Six on the panel, all present: the chair and five members who vote.
    for _ in range(4):
        PanelMembershipFactory.create(panel=world.panel_a1, user=UserFactory.create())
    meeting = MeetingFactory.create(panel=world.panel_a1)
    seats = list(PanelMembership.objects.filter(panel=world.panel_a1).select_related("user"))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, membership=s, status=Attendance.Status.PRESENT) for s in seats
    )
    voters = [s.user for s in seats if s.position != PanelMembership.Position.CHAIR]
    assert len(voters) == 5

    # The chair prepares the ballot from the preferences and opens it.
    chair = phone
    sign_in(chair, live_server.url, "panel_chair")
    chair.goto(live_server.url + reverse("priorities:ballot_create", kwargs={"pk": meeting.pk}))
    for issue in (BURGLARY, DRUGS, YOUTHS, SPEEDING, FLY_TIPPING):
        assert chair.get_by_label(issue, exact=True).is_checked()
    assert chair.get_by_label("Secret ballot").is_checked()
    assert chair.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(chair, "1-prepare")
    chair.get_by_role("button", name="Create ballot").click()
    chair.get_by_role("button", name="Open the ballot").click()
    assert chair.get_by_text("The ballot is open").is_visible()
    ballot = Ballot.objects.get()
    assert ballot.status == Ballot.Status.OPEN and ballot.secret
    screenshot(chair, "2-open")

    # Five members, each on their own phone.
    vote_url = live_server.url + reverse("priorities:ballot_vote", kwargs={"pk": ballot.pk})
    for n, (voter, paper) in enumerate(zip(voters, PAPERS, strict=True), start=1):
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.goto(vote_url)
        sign_in(page, live_server.url, voter)
        page.wait_for_url(f"**/ballots/{ballot.pk}/vote/")
        assert page.get_by_text("Choose up to 3 issues").is_visible()
        if n == 1:
            # Four ticks: a clear error, and nothing recorded.
            for issue in (BURGLARY, DRUGS, YOUTHS, SPEEDING):
                page.get_by_label(issue, exact=True).check()
            page.get_by_role("button", name="Cast my vote").click()
            assert page.get_by_role("alert").get_by_text("Choose up to 3 issues").is_visible()
            screenshot(page, "3-too-many")
            assert not BallotPaper.objects.exists()
            for issue in (BURGLARY, DRUGS, YOUTHS, SPEEDING):
                page.get_by_label(issue, exact=True).uncheck()
        for issue in paper:
            page.get_by_label(issue, exact=True).check()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        if n == 1:
            screenshot(page, "4-vote")
        page.get_by_role("button", name="Cast my vote").click()
        assert page.get_by_role("heading", name="You have voted").is_visible()
        if n == 1:
            screenshot(page, "5-voted")
        context.close()
    assert BallotPaper.objects.filter(ballot=ballot).count() == 5

    # The chair sees who voted, not the totals, then closes the ballot.
    chair.reload()
    assert (
        chair.get_by_role("list", name="Members who have voted").get_by_role("listitem").count()
        == 5
    )
    assert chair.get_by_role("columnheader", name="Approvals").count() == 0
    chair.get_by_role("link", name="Close the ballot").click()
    chair.get_by_role("button", name="Close the ballot and count the votes").click()
    chair.wait_for_url(f"**/ballots/{ballot.pk}/")
    adopted = chair.get_by_role("list", name="Adopted priorities")
    for issue in (BURGLARY, DRUGS, YOUTHS):
        assert adopted.get_by_text(issue, exact=False).is_visible()
    assert adopted.get_by_role("listitem").count() == 3
    assert chair.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(chair, "6-result")
    assert sorted(Priority.objects.filter(ballot=ballot).values_list("issue", flat=True)) == sorted(
        [BURGLARY, DRUGS, YOUTHS]
    )

    # The ward's public page, without signing in.
    public = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = public.new_page()
    page.goto(live_server.url + reverse("priorities:public_ward", kwargs={"code": world.a1.code}))
    for issue in (BURGLARY, DRUGS, YOUTHS):
        assert page.get_by_role("heading", name=issue, exact=True).is_visible()
    assert page.get_by_role("heading", name=SPEEDING, exact=True).count() == 0
    screenshot(page, "7-public")
    public.close()
