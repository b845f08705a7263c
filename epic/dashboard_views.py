"""The dashboards, their CSV exports and map data: London for those who hold VIEW_DASHBOARD
everywhere (the central unit, administrators), a borough for those who hold it over the
borough or a ward in it, a ward for those who hold it over the ward. Outside what a user may
see is a 404; seen but not theirs to read a dashboard of, a 403."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from epic import dashboards
from epic.dashboards import Period, Place
from snt_portal.permissions import Perm, require_place, scope_for


def _london(request: HttpRequest) -> Place:
    if not scope_for(request.user).area(Perm.VIEW_DASHBOARD).everywhere:
        raise PermissionDenied("The pan-London dashboard is for the central unit.")
    return Place.london()


def _borough(request: HttpRequest, code: str) -> Place:
    place = dashboards.borough_place(code)
    if place is None:
        raise Http404("No Met borough has this code.")
    require_place(request.user, Perm.VIEW_DASHBOARD, borough_id=place.borough_id)
    return place


def _ward(request: HttpRequest, code: str) -> Place:
    place = dashboards.ward_place(code)
    if place is None:
        raise Http404("No current Met ward has this code.")
    require_place(
        request.user, Perm.VIEW_DASHBOARD, borough_id=place.borough_id, ward_id=place.ward_id
    )
    return place


def _period(request: HttpRequest) -> tuple[Period, str | None]:
    try:
        return dashboards.parse_period(request.GET.get("period")), None
    except ValueError as exc:
        return dashboards.parse_period(None), str(exc)


def _page(request: HttpRequest, place: Place) -> HttpResponse:
    period, error = _period(request)
    context = {
        "body": mark_safe(dashboards.body_html(place, period)),
        "place": place,
        "period": period,
        "period_error": error,
        "periods": dashboards.period_choices(),
    }
    return render(request, "epic/dashboard.html", context, status=400 if error else 200)


def _export(request: HttpRequest, place: Place, table: str) -> HttpResponse:
    period, error = _period(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    board = dashboards.dashboard(place, period)
    if table not in board.tables:
        raise Http404(f"This dashboard has no table called “{table}”.")
    data = board.table(table)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    filename = f"{place.code or 'london'}-{table}-{period.key}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(data.headers)
    for row in data.rows:
        writer.writerow(["" if v is None else v for v in row])
    return response


def _map(request: HttpRequest, place: Place) -> HttpResponse:
    period, error = _period(request)
    if error:
        return JsonResponse({"error": error}, status=400)
    return JsonResponse(dashboards.map_data(place, period))


@login_required
def london_dashboard(request: HttpRequest) -> HttpResponse:
    return _page(request, _london(request))


@login_required
def london_export(request: HttpRequest, table: str) -> HttpResponse:
    return _export(request, _london(request), table)


@login_required
def london_map(request: HttpRequest) -> HttpResponse:
    return _map(request, _london(request))


@login_required
def borough_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _borough(request, code))


@login_required
def borough_export(request: HttpRequest, code: str, table: str) -> HttpResponse:
    return _export(request, _borough(request, code), table)


@login_required
def borough_map(request: HttpRequest, code: str) -> HttpResponse:
    return _map(request, _borough(request, code))


@login_required
def ward_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _ward(request, code))


@login_required
def ward_export(request: HttpRequest, code: str, table: str) -> HttpResponse:
    return _export(request, _ward(request, code), table)


@login_required
def ward_map(request: HttpRequest, code: str) -> HttpResponse:
    return _map(request, _ward(request, code))
