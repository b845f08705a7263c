"""Engagement events: log one from a phone, list them, record how a planned one went."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from engagement import selectors, services
from engagement.forms.events import ConcernFormSet, EventForm, EventOutcomeForm
from engagement.models import CommunityGroup, EngagementEvent, Kin
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm, get_object_for, holds, scope_for
from wards.models import Team, User, Ward


def _team_members(ward: Ward) -> Any:
    today = timezone.localdate()
    current = Q(postings__start_date__lte=today) & (
        Q(postings__end_date__isnull=True) | Q(postings__end_date__gte=today)
    )
    on_team = Q(postings__team__kind=Team.Kind.WARD, postings__team__ward=ward) | Q(
        postings__team__kind=Team.Kind.CLUSTER,
        postings__team__cluster__isnull=False,
        postings__team__cluster=ward.cluster_id,
    )
    return User.objects.filter(current & on_team).distinct().order_by("last_name", "first_name")


@login_required
def event_start(request: HttpRequest) -> HttpResponse:
    """ "Log engagement": straight to the form for an officer with one ward, else a choice."""
    area = scope_for(request.user).area(Perm.LOG_ENGAGEMENT)
    wards = Ward.objects.current().filter(pk__in=area.wards).select_related("borough")
    if len(wards) == 1:
        return redirect("engagement:event_create", code=wards[0].code)
    return render(request, "engagement/events/start.html", {"wards": wards})


@login_required
def event_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.current().select_related("borough"),
        request.user,
        Perm.LOG_ENGAGEMENT,
        code=code,
    )
    user: User = request.user  # type: ignore[assignment]
    officers = _team_members(ward)
    groups = CommunityGroup.objects.filter(ward=ward)
    kins = Kin.objects.filter(ward=ward, erased_at__isnull=True).visible_to(user, Perm.VIEW_KINS)
    now = timezone.localtime()
    initial: dict[str, Any] = {
        "date": now.date(),
        "start_time": f"{now:%H:%M}",
        "status": EngagementEvent.Status.HELD,
        "officers": [user.pk] if officers.filter(pk=user.pk).exists() else [],
    }
    # Links from a KIN's page arrive with ?kind=kin_interview&kin=<pk>.
    if request.GET.get("kind"):
        initial["kind"] = request.GET["kind"]
    if request.GET.get("kin", "").isdigit():
        initial["kin"] = int(request.GET["kin"])

    data = request.POST if request.method == "POST" else None
    form = EventForm(data, initial=initial, officers=officers, groups=groups, kins=kins)
    concerns = ConcernFormSet(data, prefix="concerns")
    if data is not None and form.is_valid() & concerns.is_valid():
        try:
            event = services.log_event(
                acting_user=user,
                ward=ward,
                kind=form.cleaned_data["kind"],
                status=form.cleaned_data["status"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                title=form.cleaned_data["title"],
                place=form.cleaned_data["place"],
                description=form.cleaned_data["description"],
                officers=form.cleaned_data["officers"],
                attendance=form.cleaned_data["attendance"],
                groups_reached=form.cleaned_data.get("groups_reached", []),
                kin=form.cleaned_data.get("kin"),
                notes=form.cleaned_data["notes"],
                concerns=concerns.concerns(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            n = event.concerns.count()
            messages.success(
                request,
                f"{event.get_kind_display()} logged for {ward.name}"
                + (f" with {n} concern{'s' if n != 1 else ''}." if n else "."),
            )
            return redirect("engagement:event_detail", pk=event.pk)
    return render(
        request,
        "engagement/events/form.html",
        {"ward": ward, "form": form, "concerns": concerns, "title": "Log engagement"},
    )


@login_required
def event_list(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.select_related("borough"), request.user, Perm.VIEW_ENGAGEMENT, code=code
    )
    now = timezone.now()
    events = selectors.ward_events(ward)
    upcoming = events.filter(status=EngagementEvent.Status.PLANNED, starts_at__gte=now)
    past = Paginator(events.exclude(pk__in=upcoming.values("pk")), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "engagement/events/list.html",
        {
            "ward": ward,
            "upcoming": upcoming,
            "page": past,
            "can_log": holds(
                request.user, Perm.LOG_ENGAGEMENT, ward_id=ward.pk, borough_id=ward.borough_id
            ),
        },
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_for(
        EngagementEvent.objects.select_related("ward__borough", "kin", "created_by"),
        request.user,
        Perm.VIEW_ENGAGEMENT,
        pk=pk,
    )
    ward = event.ward
    place = {"ward_id": ward.pk, "borough_id": ward.borough_id}
    return render(
        request,
        "engagement/events/detail.html",
        {
            "event": event,
            "ward": ward,
            "concerns": event.concerns.order_by("pk"),
            "officers": event.officers.order_by("last_name"),
            "groups": event.groups_reached.order_by("name"),
            "can_log": holds(request.user, Perm.LOG_ENGAGEMENT, **place),
            # The KIN's name is personal data: only for those who may see the register.
            "can_view_kin": holds(request.user, Perm.VIEW_KINS, **place),
        },
    )


@login_required
def event_update(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_for(
        EngagementEvent.objects.select_related("ward__borough"),
        request.user,
        Perm.LOG_ENGAGEMENT,
        pk=pk,
    )
    ward = event.ward
    groups = CommunityGroup.objects.filter(ward=ward)
    initial = {
        "status": EngagementEvent.Status.HELD,
        "attendance": event.attendance,
        "groups_reached": list(event.groups_reached.values_list("pk", flat=True)),
        "notes": event.notes,
    }
    data = request.POST if request.method == "POST" else None
    form = EventOutcomeForm(data, initial=initial, groups=groups)
    concerns = ConcernFormSet(data, prefix="concerns")
    if data is not None and form.is_valid() & concerns.is_valid():
        try:
            services.update_event(
                acting_user=request.user,  # type: ignore[arg-type]
                event=event,
                status=form.cleaned_data["status"],
                attendance=form.cleaned_data["attendance"],
                groups_reached=form.cleaned_data.get("groups_reached", []),
                notes=form.cleaned_data["notes"],
                concerns=concerns.concerns(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The event's outcome is recorded.")
            return redirect("engagement:event_detail", pk=event.pk)
    return render(
        request,
        "engagement/events/form.html",
        {
            "ward": ward,
            "form": form,
            "concerns": concerns,
            "title": "Record how it went",
            "event": event,
            "back_url": reverse("engagement:event_detail", kwargs={"pk": event.pk}),
        },
    )
