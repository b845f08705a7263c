"""Events (in progress)."""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


event_list = event_create = event_detail = event_update = event_start = _todo
