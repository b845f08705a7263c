"""Borough and ward pages, and the forms sergeants and inspectors use to run their teams.

Each view: parse, check access through snt_portal.permissions, call a selector or service,
render. Nothing here decides who sees what.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm, get_object_for, get_visible_or_404, holds
from snt_portal.sections import ward_sections
from wards import selectors, services
from wards.forms import AbstractionForm, EndPostingForm, PeriodForm, PostingForm
from wards.models import Borough, Posting, Team, User, Ward


@login_required
def borough_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    boroughs = list(Borough.objects.visible_to(request.user).filter(is_met=True))
    wards = Ward.objects.current(today).visible_to(request.user).filter(borough__is_met=True)
    summaries = selectors.borough_summaries(boroughs, wards, today)
    return render(request, "wards/borough_list.html", {"summaries": summaries, "today": today})


@login_required
def borough_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    borough = get_visible_or_404(Borough.objects.all(), request.user, code=code)
    wards = Ward.objects.current(today).filter(borough=borough).visible_to(request.user)
    rows = selectors.with_strength(wards.select_related("cluster"), today)
    summary = selectors.borough_summaries([borough], wards, today)[0]
    # Officers see only their own wards of a borough; say so rather than imply the whole.
    wards_in_borough = Ward.objects.current(today).filter(borough=borough).count()
    context = {
        "borough": borough,
        "rows": rows,
        "summary": summary,
        "today": today,
        "wards_in_borough": wards_in_borough,
        "partial": summary.wards < wards_in_borough,
    }
    return render(request, "wards/borough_detail.html", context)


@login_required
def ward_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    ward = get_visible_or_404(
        Ward.objects.select_related("borough", "cluster"), request.user, code=code
    )
    place = {"ward_id": ward.pk, "borough_id": ward.borough_id}
    can_view_abstractions = holds(request.user, Perm.VIEW_ABSTRACTIONS, **place)
    context = {
        "ward": ward,
        "today": today,
        "postings": selectors.team_postings(ward, today),
        "moved_on": selectors.past_postings(
            ward, since=today - dt.timedelta(days=365), until=today
        ),
        "strength": selectors.with_strength(Ward.objects.filter(pk=ward.pk), today)[0][1],
        "can_manage_postings": holds(request.user, Perm.MANAGE_POSTINGS, **place),
        "can_record_abstractions": holds(request.user, Perm.RECORD_ABSTRACTIONS, **place),
        "can_view_abstractions": can_view_abstractions,
        "sections": ward_sections(request, ward),
        "abstractions": (
            selectors.recent_abstractions(ward, since=today - dt.timedelta(days=28), limit=10)
            if can_view_abstractions
            else []
        ),
    }
    return render(request, "wards/ward_detail.html", context)


@login_required
def posting_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.current().select_related("borough"),
        request.user,
        Perm.MANAGE_POSTINGS,
        code=code,
    )
    form = PostingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.add_posting(
                acting_user=request.user,  # type: ignore[arg-type]
                team=services.ward_team(ward),
                role=form.cleaned_data["role"],
                start_date=form.cleaned_data["start_date"],
                full_name=form.cleaned_data["full_name"],
                collar_number=form.cleaned_data["collar_number"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{posting.person.display_name} is posted to {ward.name} "
                f"as {posting.get_role_display()}.",
            )
            return redirect(ward)
    return render(request, "wards/posting_form.html", {"ward": ward, "form": form})


@login_required
def posting_end(request: HttpRequest, pk: int) -> HttpResponse:
    # Only ward-team postings are ended here; cluster and borough teams are an admin matter.
    posting = get_object_for(
        Posting.objects.filter(team__kind=Team.Kind.WARD).select_related("person", "team__ward"),
        request.user,
        Perm.MANAGE_POSTINGS,
        pk=pk,
    )
    ward = posting.team.ward
    assert ward is not None
    form = EndPostingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_posting(
                acting_user=request.user,  # type: ignore[arg-type]
                posting=posting,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["end_reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{posting.person.display_name}'s posting has ended.")
            return redirect(ward)
    return render(
        request, "wards/posting_end.html", {"ward": ward, "posting": posting, "form": form}
    )


def _supervisors(ward: Ward, on: dt.date) -> Q:
    """Who may authorise an abstraction: the ward's sergeants and its cluster's inspectors,
    or, while both posts are vacant, any sergeant or inspector in the borough."""
    supervisory = Q(
        postings__role__in=services.SUPERVISOR_ROLES,
        postings__start_date__lte=on,
    ) & (Q(postings__end_date__isnull=True) | Q(postings__end_date__gte=on))
    local = Q(postings__team__ward=ward) | Q(
        postings__team__cluster__isnull=False, postings__team__cluster=ward.cluster_id
    )
    if User.objects.filter(supervisory & local).exists():
        return supervisory & local
    return supervisory & Q(postings__team__borough=ward.borough_id)


@login_required
def abstraction_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.current().select_related("borough"),
        request.user,
        Perm.RECORD_ABSTRACTIONS,
        code=code,
    )
    today = timezone.localdate()
    postings = (
        Posting.objects.current(today)
        .filter(team__kind=Team.Kind.WARD, team__ward=ward)
        .exclude(role=Posting.Role.VOLUNTEER)
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )
    supervisors = User.objects.filter(_supervisors(ward, today)).distinct().order_by("last_name")
    form = AbstractionForm(
        request.POST or None,
        postings=postings,
        supervisors=supervisors,
        acting_user=request.user,  # type: ignore[arg-type]
    )
    if request.method == "POST" and form.is_valid():
        try:
            abstraction = services.record_abstraction(
                acting_user=request.user,  # type: ignore[arg-type]
                posting=form.cleaned_data["posting"],
                date=form.cleaned_data["date"],
                hours=form.cleaned_data["hours"],
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                authorised_by=form.cleaned_data["authorised_by"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Recorded {abstraction.hours} hours off ward duty for "
                f"{abstraction.posting.person.display_name} on {abstraction.date:%-d %B %Y}.",
            )
            return redirect("wards:abstraction_list", code=ward.code)
    return render(request, "wards/abstraction_form.html", {"ward": ward, "form": form})


@login_required
def abstraction_list(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.select_related("borough"), request.user, Perm.VIEW_ABSTRACTIONS, code=code
    )
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    rates, total = selectors.abstraction_rates(ward, start=start, end=end)
    abstractions = selectors.recent_abstractions(ward, since=start, until=end, limit=200)
    return render(
        request,
        "wards/abstraction_list.html",
        {
            "ward": ward,
            "period": period,
            "start": start,
            "end": end,
            "rates": rates,
            "total": total,
            "abstractions": abstractions,
            "can_record_abstractions": holds(
                request.user, Perm.RECORD_ABSTRACTIONS, ward_id=ward.pk, borough_id=ward.borough_id
            ),
        },
    )
