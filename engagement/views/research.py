"""Research pages (in progress)."""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


research_detail = research_edit = group_create = group_edit = feature_create = feature_edit = _todo
