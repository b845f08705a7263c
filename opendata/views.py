"""Open data in the shape of the data.police.uk API: no sign-in, read-only, under /api/.

Plain Django views rather than Django REST framework: the answers are police.uk's exact
shapes, built by ``opendata.selectors``, and stay out of the authenticated API's schema.

Every call is rate limited per client address, like police.uk's own API; a client over the
limit gets 429 with a JSON reason and Retry-After. Answers are cached in the Django cache
(Redis) under the generations of the data they were built from (``opendata.invalidation``),
so a change shows at once. An unknown force or neighbourhood is a plain 404, as on police.uk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]
from redis.exceptions import RedisError

from opendata import forces, invalidation, selectors
from opendata.locate import neighbourhood_at
from wards.models import Ward

logger = logging.getLogger(__name__)

# Rates (SNT_OPENDATA_RATE_LIMITS): police.uk allows 15 requests a second on average (with
# bursts of 30); the default, 900 a minute from one address, is the same average with bursts
# allowed within the minute. A comma-separated list ("30/s,900/m") applies each rate.

_MONTH = re.compile(r"(\d{4})-(\d{2})")

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Answer:
    """A police.uk-shaped answer, and when it goes out of date by itself (None: only when
    the data changes)."""

    data: Any
    expires: dt.datetime | None = None


def open_data(view: View) -> View:
    """GET and HEAD only, no sign-in, rate limited, readable from any web page (CORS)."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = _rate_limited(request) or view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _rate_limited(request: HttpRequest) -> HttpResponse | None:
    rates = settings.SNT_OPENDATA_RATE_LIMITS
    for rate in (part.strip() for part in rates.split(",") if part.strip()):
        try:
            usage = get_usage(request, group="opendata", key="ip", rate=rate, increment=True)
        except RedisError:
            # As RATELIMIT_FAIL_OPEN says for the concern form: no cache, no limit.
            logger.warning("Open data not rate limited: the cache is not answering.")
            return None
        if usage is not None and usage["should_limit"]:
            wait = max(int(usage["time_left"]), 1)
            response = JsonResponse(
                {
                    "detail": (
                        f"Too many requests from your address (more than {rate}). "
                        f"Try again in {wait} second{'s' if wait != 1 else ''}."
                    )
                },
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
    return None


def _not_found() -> HttpResponse:
    # police.uk answers an unknown force or neighbourhood with a bare 404, not JSON.
    return HttpResponse("Not Found", status=404, content_type="text/plain; charset=utf-8")


def _bad_request(reason: str) -> JsonResponse:
    return JsonResponse({"detail": reason}, status=400)


def _json(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="application/json")


def _cached(request: HttpRequest, build: Callable[[], Answer | None]) -> HttpResponse:
    """The answer for this URL from the cache, else built (None: 404) and cached.

    The cache only saves work: when it does not answer, the answer is built every time.
    """
    key = None
    try:
        geography, content = invalidation.current()
        # The site's own address is part of the answer (police.uk's URLs are absolute).
        digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"opendata:answer:{geography}:{content}:{timezone.localdate().isoformat()}:{digest}"
        body = cache.get(key)
    except RedisError:
        logger.warning("Open data built without the cache: the cache is not answering.")
        body = None
    if body is not None:
        return _json(body)
    answer = build()
    if answer is None:
        return _not_found()
    body = json.dumps(answer.data).encode()
    if key is not None:
        try:
            cache.set(key, body, _timeout(answer))
        except RedisError:
            logger.warning("Open data not cached: the cache is not answering.")
    return _json(body)


def _timeout(answer: Answer) -> int:
    seconds: int = settings.SNT_OPENDATA_CACHE_SECONDS
    if answer.expires is not None:
        left = (answer.expires - timezone.now()).total_seconds()
        seconds = min(seconds, max(math.ceil(left), 1))
    return seconds


# Forces ---------------------------------------------------------------------------------------


@open_data
def force_list(request: HttpRequest) -> HttpResponse:
    return _cached(request, lambda: Answer(selectors.force_list()))


@open_data
def force_detail(request: HttpRequest, force: str) -> HttpResponse:
    def build() -> Answer | None:
        detail = selectors.force_detail(force)
        return Answer(detail) if detail is not None else None

    return _cached(request, build)


# Neighbourhoods -------------------------------------------------------------------------------


@open_data
def neighbourhood_list(request: HttpRequest, force: str) -> HttpResponse:
    def build() -> Answer | None:
        if not forces.is_met(force):
            return None
        return Answer(selectors.neighbourhood_list())

    return _cached(request, build)


def _neighbourhood_view(
    answer: Callable[[HttpRequest, Ward], Answer],
) -> View:
    """A view of one neighbourhood: 404 unless the force and the ward are known."""

    @open_data
    @wraps(answer)
    def view(request: HttpRequest, force: str, code: str) -> HttpResponse:
        def build() -> Answer | None:
            ward = selectors.neighbourhood_ward(force, code)
            return answer(request, ward) if ward is not None else None

        return _cached(request, build)

    return view


@_neighbourhood_view
def neighbourhood_detail(request: HttpRequest, ward: Ward) -> Answer:
    return Answer(selectors.neighbourhood_detail(ward, absolute=request.build_absolute_uri))


@_neighbourhood_view
def neighbourhood_people(request: HttpRequest, ward: Ward) -> Answer:
    return Answer(selectors.people(ward))


@_neighbourhood_view
def neighbourhood_events(request: HttpRequest, ward: Ward) -> Answer:
    events, changes = selectors.events(ward)
    return Answer(events, expires=changes)


@_neighbourhood_view
def neighbourhood_priorities(request: HttpRequest, ward: Ward) -> Answer:
    return Answer(selectors.priorities(ward))


@_neighbourhood_view
def neighbourhood_boundary(request: HttpRequest, ward: Ward) -> Answer:
    return Answer(selectors.boundary(ward))


# Other calls ----------------------------------------------------------------------------------


@open_data
def locate_neighbourhood(request: HttpRequest) -> HttpResponse:
    """``?q=lat,lng``: the force and neighbourhood at a point; 404 outside every one."""
    point, problem = _parse_point(request.GET.get("q", ""))
    if point is None:
        return _bad_request(problem)
    geography = invalidation.geography_token()
    code = neighbourhood_at(latitude=point[0], longitude=point[1], geography=geography)
    if code is None:
        return _not_found()
    return JsonResponse(selectors.located(code))


def _parse_point(q: str) -> tuple[tuple[float, float] | None, str]:
    if not q.strip():
        return None, "Give the point as q=latitude,longitude, e.g. q=51.5007,-0.1246."
    parts = q.split(",")
    if len(parts) != 2:
        return None, f"q must be latitude,longitude (two numbers and a comma), not {q!r}."
    try:
        latitude, longitude = (float(part) for part in parts)
    except ValueError:
        return None, f"q must be latitude,longitude in decimal degrees, not {q!r}."
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        return None, f"The latitude {parts[0].strip()} is not between -90 and 90."
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        return None, f"The longitude {parts[1].strip()} is not between -180 and 180."
    return (latitude, longitude), ""


@open_data
def crime_categories(request: HttpRequest) -> HttpResponse:
    """``?date=YYYY-MM`` (optional): police.uk's crime categories."""
    date = request.GET.get("date")
    if date is not None:
        match = _MONTH.fullmatch(date)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            return _bad_request(f"date must be a month as YYYY-MM, e.g. 2024-01, not {date!r}.")
    return _cached(request, lambda: Answer(selectors.crime_categories()))
