"""A ward's panel page, setting one up, and a borough's panels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from panels import selectors, services
from panels.forms import PanelForm
from panels.models import Meeting, Panel
from panels.views.access import can_manage, ward_for
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm, get_object_for
from wards.models import Borough, Ward


@login_required
def panel_detail(request: HttpRequest, code: str) -> HttpResponse:
    ward = ward_for(request, code, Perm.VIEW_PANEL)
    today = timezone.localdate()
    panel = Panel.objects.filter(ward=ward).first()
    context: dict[str, object] = {
        "ward": ward,
        "panel": panel,
        "today": today,
        "can_manage": can_manage(request, ward),
    }
    if panel is not None:
        panel.ward = ward
        meetings = list(selectors.panel_meetings(panel))
        now = timezone.now()
        context |= {
            "summary": selectors.panel_summary(panel, today),
            "members": selectors.members_on(panel, today),
            "past_members": selectors.past_members(panel, today),
            "upcoming": sorted(
                (
                    m
                    for m in meetings
                    if m.scheduled_at >= now and m.status == Meeting.Status.SCHEDULED
                ),
                key=lambda m: m.scheduled_at,
            ),
            "past": [
                m for m in meetings if m.scheduled_at < now or m.status != Meeting.Status.SCHEDULED
            ][:12],
            "diversity": selectors.panel_representativeness(panel, today),
            "own_membership": selectors.own_membership(panel, request.user, today),
        }
    return render(request, "panels/panel_detail.html", context)


@login_required
def panel_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.current().select_related("borough"), request.user, Perm.MANAGE_PANEL, code=code
    )
    if Panel.objects.filter(ward=ward).exists():
        return redirect("panels:panel_detail", code=ward.code)
    form = PanelForm(request.POST or None, initial={"name": f"{ward.name} Neighbourhood Panel"})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_panel(
                acting_user=request.user,  # type: ignore[arg-type]
                ward=ward,
                name=form.cleaned_data["name"],
                established_on=form.cleaned_data["established_on"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{ward.name} has a panel. Add its members next.")
            return redirect("panels:panel_detail", code=ward.code)
    return render(request, "panels/panel_form.html", {"ward": ward, "form": form})


@login_required
def borough_panels(request: HttpRequest, code: str) -> HttpResponse:
    borough = get_object_for(Borough.objects.all(), request.user, Perm.VIEW_PANEL, code=code)
    today = timezone.localdate()
    # The list shows the panels this user may see; the counts and the protected diversity
    # figures are the whole borough's (they name nobody).
    visible = Panel.objects.filter(
        ward__in=Ward.objects.current(today).filter(borough=borough)
    ).visible_to(request.user, Perm.VIEW_PANEL)
    summaries = selectors.panel_summaries(visible.order_by("ward__name"), today)
    coverage = selectors.borough_coverage(borough, today)
    return render(
        request,
        "panels/borough_panels.html",
        {
            "borough": borough,
            "coverage": coverage,
            "summaries": summaries,
            "partial": len(summaries) < coverage.with_panel,
            "diversity": selectors.borough_representativeness(borough, today),
            "today": today,
        },
    )
