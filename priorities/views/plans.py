"""The ward's priorities page, the forms to adopt a priority, plan its actions and record its
reviews, and the borough's priorities with the pan-borough, review and youth flags.

Each view: parse, check access through snt_portal.permissions, call a selector or service,
render. Nothing here decides who sees what.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from priorities import selectors, services
from priorities.forms.plans import PlannedActionForm, PriorityForm, ReviewForm
from priorities.models import Priority, Review
from priorities.rules import REVIEW_INTERVAL_DAYS, pan_borough_threshold
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm, get_object_for, get_visible_or_404, holds
from wards.models import Borough, User, Ward


def _ward_url(ward: Ward) -> str:
    return reverse("priorities:ward_priorities", kwargs={"code": ward.code})


@login_required
def ward_priorities(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.select_related("borough"), request.user, Perm.VIEW_PANEL, code=code
    )
    place = {"ward_id": ward.pk, "borough_id": ward.borough_id}
    current = ward.is_current
    return render(
        request,
        "priorities/plans/ward_priorities.html",
        {
            "ward": ward,
            "data": selectors.ward_priorities(ward),
            "interval": REVIEW_INTERVAL_DAYS,
            "can_adopt": current and holds(request.user, Perm.RUN_BALLOTS, **place),
            "can_plan": current and holds(request.user, Perm.MANAGE_PLAN, **place),
            "can_review": current and holds(request.user, Perm.RECORD_REVIEWS, **place),
        },
    )


@login_required
def priority_create(request: HttpRequest, code: str) -> HttpResponse:
    """The chair records a priority the panel adopted without a ballot in the portal."""
    ward = get_object_for(
        Ward.objects.current().select_related("borough"), request.user, Perm.RUN_BALLOTS, code=code
    )
    form = PriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.adopt_priority(
                acting_user=request.user,  # type: ignore[arg-type]
                ward=ward,
                issue=form.cleaned_data["issue"],
                category=form.cleaned_data["category"],
                source=form.cleaned_data["source"],
                issue_date=form.cleaned_data["issue_date"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Adopted as a priority for {ward.name}: {priority.issue}")
            return redirect(_ward_url(ward))
    return render(
        request,
        "priorities/plans/priority_form.html",
        {
            "ward": ward,
            "form": form,
            "back_url": _ward_url(ward),
            "slots_left": selectors.priority_slots_left(ward),
        },
    )


def _action_form_page(
    request: HttpRequest, priority: Priority, form: PlannedActionForm, title: str
) -> HttpResponse:
    return render(
        request,
        "priorities/plans/action_form.html",
        {
            "ward": priority.ward,
            "priority": priority,
            "form": form,
            "title": title,
            "back_url": _ward_url(priority.ward),
        },
    )


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_object_for(
        Priority.objects.active().select_related("ward__borough"),
        request.user,
        Perm.MANAGE_PLAN,
        pk=pk,
    )
    members = selectors.team_members(priority.ward)
    form = PlannedActionForm(request.POST or None, members=members, submit="Add action")
    if request.method == "POST" and form.is_valid():
        try:
            services.add_planned_action(
                acting_user=request.user,  # type: ignore[arg-type]
                priority=priority,
                **form.cleaned_data,  # description, owner, partner, due date, status
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The action is added to the plan.")
            return redirect(f"{_ward_url(priority.ward)}#priority-{priority.pk}")
    return _action_form_page(request, priority, form, "Add an action")


@login_required
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    # Access is decided on the action's priority: the same scoping as every other page.
    priority = get_object_for(
        Priority.objects.active().select_related("ward__borough"),
        request.user,
        Perm.MANAGE_PLAN,
        actions=pk,
    )
    action = priority.actions.select_related("owner").get(pk=pk)
    members = selectors.team_members(priority.ward)
    if action.owner is not None and action.owner not in members:
        members.append(action.owner)  # an owner who has moved on stays choosable
    form = PlannedActionForm(
        request.POST or None,
        members=members,
        submit="Save action",
        initial={
            "description": action.description,
            "owner": action.owner_id,
            "partner": action.partner,
            "due_date": action.due_date,
            "status": action.status,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_planned_action(
                acting_user=request.user,  # type: ignore[arg-type]
                action=action,
                **form.cleaned_data,  # description, owner, partner, due date, status
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The action is updated.")
            return redirect(f"{_ward_url(priority.ward)}#priority-{priority.pk}")
    return _action_form_page(request, priority, form, "Update an action")


@login_required
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_object_for(
        Priority.objects.active().select_related("ward__borough"),
        request.user,
        Perm.RECORD_REVIEWS,
        pk=pk,
    )
    meetings = selectors.meetings_for_review(priority)
    form = ReviewForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        user: User = request.user  # type: ignore[assignment]
        try:
            review = services.record_review(
                acting_user=user,
                priority=priority,
                meeting=form.cleaned_data["meeting"],
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
                decision=form.cleaned_data["decision"],
                action=form.cleaned_data["action"],
                action_date=form.cleaned_data["action_date"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if review.decision == Review.Decision.RESOLVE:
                messages.success(request, f"Resolved: {priority.issue}")
            else:
                messages.success(request, "The review is recorded.")
            return redirect(f"{_ward_url(priority.ward)}#priority-{priority.pk}")
    return render(
        request,
        "priorities/plans/review_form.html",
        {
            "ward": priority.ward,
            "priority": priority,
            "form": form,
            "has_meetings": meetings.exists(),
            "back_url": _ward_url(priority.ward),
        },
    )


@login_required
def borough_priorities(request: HttpRequest, code: str) -> HttpResponse:
    borough = get_visible_or_404(Borough.objects.all(), request.user, code=code)
    today = timezone.localdate()
    visible = (
        Ward.objects.current(today)
        .filter(borough=borough)
        .visible_to(request.user, Perm.VIEW_PANEL)
    )
    if not visible.exists():
        raise PermissionDenied("Your role does not include the panels of these wards.")
    data = selectors.borough_priorities(borough, visible, today=today)
    return render(
        request,
        "priorities/plans/borough_priorities.html",
        {
            "borough": borough,
            "data": data,
            "threshold_percent": round(float(pan_borough_threshold()) * 100),
            "interval": REVIEW_INTERVAL_DAYS,
        },
    )
