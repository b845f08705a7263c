"""Stages 3 and 4: the ward's public preferences with their crime evidence, and the team's
recorded analysis of them (the pack the panel decides from)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from engagement import selectors, services
from engagement.forms.preferences import AnalysisForm, PreferencePeriodForm
from engagement.models import Analysis
from snt_portal.permissions import Perm, get_object_for, holds
from wards.models import Ward


@login_required
def preferences(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.select_related("borough"), request.user, Perm.VIEW_PREFERENCES, code=code
    )
    period = PreferencePeriodForm(request.GET or None)
    start, end = period.period()
    form = AnalysisForm(initial={"start": start, "end": end})
    return _render(request, ward, period, start, end, form)


@login_required
@require_POST
def analysis_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.current().select_related("borough"),
        request.user,
        Perm.RECORD_ANALYSIS,
        code=code,
    )
    form = AnalysisForm(request.POST)
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        try:
            services.record_analysis(
                acting_user=request.user,  # type: ignore[arg-type]
                ward=ward,
                start=start,
                end=end,
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            form.add_error("summary" if hasattr(exc, "error_dict") else None, exc)
        else:
            messages.success(request, "The analysis is recorded.")
            query = urlencode({"start": start.isoformat(), "end": end.isoformat()})
            return redirect(f"{reverse('engagement:preferences', args=[ward.code])}?{query}")
    period = PreferencePeriodForm(
        {"start": request.POST.get("start", ""), "end": request.POST.get("end", "")}
    )
    start, end = period.period()
    return _render(request, ward, period, start, end, form)


def _render(
    request: HttpRequest,
    ward: Ward,
    period: PreferencePeriodForm,
    start: dt.date,
    end: dt.date,
    form: AnalysisForm,
) -> HttpResponse:
    place = {"ward_id": ward.pk, "borough_id": ward.borough_id}
    can_view_records = holds(request.user, Perm.VIEW_ENGAGEMENT, **place)
    can_record = holds(request.user, Perm.RECORD_ANALYSIS, **place)
    context = {
        "ward": ward,
        "period": period,
        "start": start,
        "end": end,
        "rows": selectors.preferences(ward, start=start, end=end),
        # What individuals said is for the team; panels see the ranked, counted table.
        "concerns": (
            selectors.recent_concerns(ward, start=start, end=end)[:50] if can_view_records else None
        ),
        "analyses": Analysis.objects.filter(ward=ward).select_related("recorded_by")[:5],
        "analysis_form": form if can_record else None,
    }
    return render(request, "engagement/preferences.html", context)
