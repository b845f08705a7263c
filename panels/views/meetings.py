"""Panel meetings: scheduling, the agenda, attendance, minutes and the evidence pack."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from panels import selectors, services
from panels.forms import AgendaItemForm, AttendanceForm, MeetingForm, MinutesForm
from panels.models import Meeting
from panels.views.access import can_manage, meeting_for, panel_for
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm, holds


def _to_meeting(meeting: Meeting) -> HttpResponse:
    return redirect("panels:meeting_detail", pk=meeting.pk)


@login_required
def meeting_create(request: HttpRequest, code: str) -> HttpResponse:
    panel = panel_for(request, code, Perm.MANAGE_PANEL)
    form = MeetingForm(request.POST or None, initial={"start_time": "19:00"})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.schedule_meeting(
                acting_user=request.user,  # type: ignore[arg-type]
                panel=panel,
                scheduled_at=form.cleaned_data["scheduled_at"],
                place=form.cleaned_data["place"],
                agenda=form.agenda_lines(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The meeting is scheduled.")
            return _to_meeting(meeting)
    return render(
        request, "panels/meeting_form.html", {"ward": panel.ward, "panel": panel, "form": form}
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, Perm.VIEW_PANEL)
    ward = meeting.panel.ward
    started = meeting.scheduled_at <= timezone.now()
    context = {
        "ward": ward,
        "meeting": meeting,
        "agenda": meeting.agenda_items.all(),
        "attendance": selectors.attendance_rows(meeting),
        "quorum": selectors.meeting_quorum(meeting),
        "quorum_rule": selectors.quorum_rule(),
        "to_approve": selectors.minutes_to_approve(meeting),
        "approved_at": meeting.minutes_approved_at,
        "started": started,
        "can_manage": can_manage(request, ward),
        "can_record": timezone.localdate(meeting.scheduled_at) <= timezone.localdate(),
        "ballots": meeting.ballots.order_by("pk"),
        "can_run_ballots": meeting.status != Meeting.Status.CANCELLED
        and holds(request.user, Perm.RUN_BALLOTS, ward_id=ward.pk, borough_id=ward.borough_id),
    }
    return render(request, "panels/meeting_detail.html", context)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, Perm.MANAGE_PANEL)
    when = timezone.localtime(meeting.scheduled_at)
    initial = {"date": when.date(), "start_time": f"{when:%H:%M}", "place": meeting.place}
    form = MeetingForm(request.POST or None, initial=initial, with_agenda=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(
                acting_user=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                scheduled_at=form.cleaned_data["scheduled_at"],
                place=form.cleaned_data["place"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The meeting's time and place are saved.")
            return _to_meeting(meeting)
    return render(
        request,
        "panels/meeting_form.html",
        {"ward": meeting.panel.ward, "panel": meeting.panel, "form": form, "meeting": meeting},
    )


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, Perm.MANAGE_PANEL)
    error = None
    if request.method == "POST":
        try:
            services.cancel_meeting(acting_user=request.user, meeting=meeting)  # type: ignore[arg-type]
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "The meeting is cancelled.")
            return _to_meeting(meeting)
    return render(
        request,
        "panels/meeting_cancel.html",
        {"ward": meeting.panel.ward, "meeting": meeting, "error": error},
    )


@login_required
def agenda_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, Perm.MANAGE_PANEL)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_agenda_item(
                acting_user=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                title=form.cleaned_data["title"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, unnamed_to="title")
        else:
            messages.success(request, "The item is on the agenda.")
            return _to_meeting(meeting)
    return render(
        request,
        "panels/agenda_item_form.html",
        {"ward": meeting.panel.ward, "meeting": meeting, "form": form},
    )


@login_required
def agenda_item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, Perm.MANAGE_PANEL)
    item = get_object_or_404(meeting.agenda_items, pk=item_pk)
    error = None
    if request.method == "POST":
        try:
            services.remove_agenda_item(acting_user=request.user, item=item)  # type: ignore[arg-type]
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"“{item.title}” is off the agenda.")
            return _to_meeting(meeting)
    return render(
        request,
        "panels/agenda_item_delete.html",
        {"ward": meeting.panel.ward, "meeting": meeting, "item": item, "error": error},
    )


@login_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone's attendance on one page, for the chair or secretary on a phone."""
    meeting = meeting_for(request, pk, Perm.MANAGE_PANEL)
    rows = selectors.attendance_rows(meeting)
    form = AttendanceForm(
        request.POST or None,
        members=[(row.membership, row.status) for row in rows],
        initial={
            "public_attendees": meeting.public_attendees,
            "organisations": meeting.organisations,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(
                acting_user=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                statuses=form.statuses(),
                public_attendees=form.cleaned_data["public_attendees"],
                organisations=form.cleaned_data["organisations"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            quorum = selectors.meeting_quorum(meeting)
            messages.success(
                request,
                f"Attendance is saved: {quorum.present} of {quorum.members} members present, "
                + ("quorate." if quorum.is_quorate else f"not quorate ({quorum.required} needed)."),
            )
            return _to_meeting(meeting)
    return render(
        request,
        "panels/attendance.html",
        {
            "ward": meeting.panel.ward,
            "meeting": meeting,
            "form": form,
            "quorum_rule": selectors.quorum_rule(),
            "required": selectors.quorum_required(len(rows)),
        },
    )


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, Perm.MANAGE_PANEL)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_minutes(
                acting_user=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The draft minutes are saved.")
            return _to_meeting(meeting)
    return render(
        request,
        "panels/minutes_form.html",
        {"ward": meeting.panel.ward, "meeting": meeting, "form": form},
    )


@login_required
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """At this meeting, approve the previous meeting's draft minutes."""
    meeting = meeting_for(request, pk, Perm.MANAGE_PANEL)
    error = None
    if request.method == "POST":
        try:
            approved = services.approve_minutes(acting_user=request.user, meeting=meeting)  # type: ignore[arg-type]
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            held = timezone.localtime(approved.scheduled_at)
            messages.success(
                request, f"The minutes of the meeting on {held:%-d %B %Y} are approved."
            )
            return _to_meeting(meeting)
    return render(
        request,
        "panels/minutes_approve.html",
        {
            "ward": meeting.panel.ward,
            "meeting": meeting,
            "previous": selectors.minutes_to_approve(meeting),
            "error": error,
        },
    )


@login_required
def evidence_pack(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, Perm.VIEW_PANEL)
    return render(
        request,
        "panels/evidence_pack.html",
        {"ward": meeting.panel.ward, "meeting": meeting, "pack": selectors.evidence_pack(meeting)},
    )
