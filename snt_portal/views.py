"""The signed-in home page: what each role starts from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from snt_portal.permissions import Perm, scope_for
from wards import selectors
from wards.models import Borough, Ward


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Officers and panels: their wards. Borough managers: their borough. Central: London."""
    today = timezone.localdate()
    scope = scope_for(request.user)
    area = scope.area(Perm.VIEW_WARD)
    context: dict[str, object] = {"scope": scope, "area": area, "today": today}
    wards = Ward.objects.current(today).visible_to(request.user)
    if area.everywhere or area.boroughs:
        boroughs = list(Borough.objects.visible_to(request.user).filter(is_met=True))
        context["summaries"] = selectors.borough_summaries(boroughs, wards, today)
    if area.wards:
        own = wards.filter(pk__in=area.wards)
        context["own_wards"] = selectors.with_strength(own, today)
    return render(request, "home.html", context)
