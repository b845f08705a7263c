"""Preferences (in progress)."""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


preferences = analysis_create = _todo
