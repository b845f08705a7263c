"""The portal's URLs plus the benchmark's baseline and comparator (bench.epic_bench only)."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from epic import dashboards
from epic.dashboard_views import _borough, _london, _period, _ward
from epic.dashboards import Place
from snt_portal.urls import urlpatterns as portal_urls


@login_required
def minimal(request: HttpRequest) -> HttpResponse:
    """The baseline: the same sign-in check and one trivial query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def _naive(request: HttpRequest, place: Place) -> HttpResponse:
    """The same dashboard computed from the raw records on every request, rendered alike."""
    period, _ = _period(request)
    board = dashboards.build(place, period, source=dashboards.RAW)
    return render(
        request,
        "epic/dashboard_body.html",
        {
            "board": board,
            "place": place,
            "period": period,
            "league_shown": dashboards.LEAGUE_SHOWN if place.kind == "london" else None,
            "map_measures": dashboards.MAP_MEASURES,
        },
    )


@login_required
def naive_london(request: HttpRequest) -> HttpResponse:
    return _naive(request, _london(request))


@login_required
def naive_borough(request: HttpRequest, code: str) -> HttpResponse:
    return _naive(request, _borough(request, code))


@login_required
def naive_ward(request: HttpRequest, code: str) -> HttpResponse:
    return _naive(request, _ward(request, code))


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/naive/london/", naive_london),
    path("bench/naive/boroughs/<str:code>/", naive_borough),
    path("bench/naive/wards/<str:code>/", naive_ward),
    *portal_urls,
]
