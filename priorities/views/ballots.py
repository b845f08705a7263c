"""The panel's ballots: prepare one at a meeting, open it, vote on a phone, close it.

Each view: parse, check access through snt_portal.permissions, call priorities.ballots,
render. Nothing here decides who sees what: ballots are scoped through their meeting's ward.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from panels.models import Meeting
from panels.selectors import previous_meeting
from priorities import ballots
from priorities.forms.ballots import BallotForm, CastingVoteForm, VoteForm
from priorities.models import Ballot, BallotQuerySet
from priorities.selectors import priority_slots_left
from priorities.services import max_active_priorities
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm, get_object_for, holds
from wards.models import User


def _ballots() -> BallotQuerySet:
    return Ballot.objects.select_related("meeting__panel__ward__borough", "opened_by", "closed_by")


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


def _to_ballot(ballot: Ballot) -> HttpResponse:
    return redirect("priorities:ballot_detail", pk=ballot.pk)


@login_required
def ballot_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair prepares a ballot at a meeting, from the preferences and their own issues."""
    meeting = get_object_for(
        Meeting.objects.select_related("panel__ward__borough"),
        request.user,
        Perm.RUN_BALLOTS,
        pk=pk,
    )
    ward = meeting.panel.ward
    limit = max_active_priorities()
    form = BallotForm(
        request.POST if request.method == "POST" else None,
        suggestions=ballots.suggestions(meeting),
        max_seats=limit,
        # Default to the places left under the active limit (at least one: closing says why).
        seats=max(1, min(ballots.DEFAULT_SEATS, priority_slots_left(ward))),
    )
    if request.method == "POST" and form.is_valid():
        try:
            ballot = ballots.create_ballot(
                acting_user=_user(request),
                meeting=meeting,
                preference_categories=form.chosen_preferences(),
                added=form.added(),
                title=form.cleaned_data["title"],
                secret=form.secret,
                max_choices=form.cleaned_data["max_choices"],
                seats=form.cleaned_data["seats"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, "The ballot is ready. Open it when the panel is ready to vote."
            )
            return _to_ballot(ballot)
    start, end = ballots.preference_window(meeting)
    return render(
        request,
        "priorities/ballots/ballot_form.html",
        {
            "ward": ward,
            "meeting": meeting,
            "form": form,
            "start": start,
            "end": end,
            "suggested": "preferences" in form.fields,
            "first_meeting": previous_meeting(meeting) is None,
        },
    )


@login_required
def ballot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = get_object_for(_ballots(), request.user, Perm.VIEW_PANEL, pk=pk)
    ward = ballot.meeting.panel.ward
    place = {"ward_id": ward.pk, "borough_id": ward.borough_id}
    user = _user(request)
    return render(
        request,
        "priorities/ballots/ballot_detail.html",
        {
            "ward": ward,
            "ballot": ballot,
            "page": ballots.ballot_page(ballot),
            "can_run": holds(user, Perm.RUN_BALLOTS, **place),
            "voter": ballots.voter_status(ballot, user)
            if holds(user, Perm.VOTE, **place)
            else None,
            "quorum": ballots.quorum(ballot.meeting),
        },
    )


@login_required
@require_POST
def ballot_open(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = get_object_for(_ballots(), request.user, Perm.RUN_BALLOTS, pk=pk)
    try:
        ballots.open_ballot(acting_user=_user(request), ballot=ballot)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The ballot is open: members recorded present can vote now.")
    return _to_ballot(ballot)


@login_required
def ballot_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's paper, on their own phone during the meeting."""
    ballot = get_object_for(_ballots(), request.user, Perm.VOTE, pk=pk)
    user = _user(request)
    status = ballots.voter_status(ballot, user)
    candidates = list(ballot.candidates.order_by("order", "pk"))
    form = VoteForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        max_choices=ballot.max_choices,
    )
    if request.method == "POST" and status.seat is not None and form.is_valid():
        try:
            ballots.cast_vote(
                acting_user=user,
                ballot=ballot,
                voter=status.seat,
                candidate_ids=form.cleaned_data["choices"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("priorities:ballot_vote", pk=ballot.pk)
    return render(
        request,
        "priorities/ballots/ballot_vote.html",
        {
            "ward": ballot.meeting.panel.ward,
            "ballot": ballot,
            "status": status,
            "form": form,
        },
    )


@login_required
def ballot_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair closes the ballot; a tie for the last seat(s) asks for a casting vote."""
    ballot = get_object_for(_ballots(), request.user, Perm.RUN_BALLOTS, pk=pk)
    casting_form: CastingVoteForm | None = None
    error: str | None = None
    if request.method == "POST":
        casting: list[int] | None = None
        if request.POST.get("casting") == "1":
            tie = ballots.boundary_tie(ballot)
            if tie is not None:
                casting_form = CastingVoteForm(request.POST, tied=tie[0], seats_left=tie[1])
                if casting_form.is_valid():
                    casting = casting_form.cleaned_data["casting_vote"]
        if casting_form is None or casting is not None:
            try:
                ballots.close_ballot(
                    acting_user=_user(request), ballot=ballot, casting_vote=casting
                )
            except ballots.BallotTie as tie_error:
                casting_form = CastingVoteForm(tied=tie_error.tied, seats_left=tie_error.seats_left)
                error = tie_error.messages[0]
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, "The ballot is closed and its result stored.")
                return _to_ballot(ballot)
    page = ballots.ballot_page(ballot)
    return render(
        request,
        "priorities/ballots/ballot_close.html",
        {
            "ward": ballot.meeting.panel.ward,
            "ballot": ballot,
            "quorum": ballots.quorum(ballot.meeting),
            "voters": page.voters,
            "casting_form": casting_form,
            "error": error,
        },
    )
