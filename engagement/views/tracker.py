"""Tracker (in progress)."""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


borough_tracker = _todo
