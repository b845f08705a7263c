"""The Key Individual Network register (in progress)."""

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


kin_list = kin_create = kin_detail = kin_edit = kin_erase = _todo
