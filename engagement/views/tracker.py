"""The seven-stage cycle across a borough: every ward's stage, and what is overdue."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from engagement.tracker import STAGES, State, ward_cycles
from snt_portal.permissions import Perm, get_visible_or_404
from wards.models import Borough, Ward


@login_required
def borough_tracker(request: HttpRequest, code: str) -> HttpResponse:
    borough = get_visible_or_404(Borough.objects.all(), request.user, code=code)
    wards = list(
        Ward.objects.current()
        .filter(borough=borough)
        .visible_to(request.user, Perm.VIEW_ENGAGEMENT)
        .order_by("name")
    )
    if not wards:
        raise PermissionDenied("Your role does not include the engagement records of these wards.")
    cycles = ward_cycles([w.pk for w in wards], timezone.localdate())
    rows = sorted(
        ((ward, cycles[ward.pk]) for ward in wards),
        key=lambda row: (-len(row[1].overdue), row[0].name),
    )
    # How many wards are at each stage (their first stage not yet done).
    at_stage = Counter(cycle.current.key for _, cycle in rows)
    overdue = Counter(s.key for _, cycle in rows for s in cycle.overdue)
    summary = [
        {"key": key, "name": name, "at": at_stage.get(key, 0), "overdue": overdue.get(key, 0)}
        for key, name in STAGES
    ]
    return render(
        request,
        "engagement/tracker.html",
        {
            "borough": borough,
            "rows": rows,
            "summary": summary,
            "stages": STAGES,
            "done": State.DONE,
        },
    )
