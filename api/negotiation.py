"""How an API answer's format is chosen: the ``Accept`` header, or ``?format=``.

DRF answers a ``?format=`` that names none of the view's renderers with a 404, which reads as
"no such endpoint". Here an endpoint with only one way to answer (JSON) ignores the parameter,
and one with several (a dashboard table: JSON or CSV) answers 406 naming what it offers.
"""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer


class FormatNegotiation(DefaultContentNegotiation):
    def filter_renderers(
        self, renderers: Iterable[BaseRenderer], format: str
    ) -> list[BaseRenderer]:
        renderers = list(renderers)
        matching = [renderer for renderer in renderers if renderer.format == format]
        if matching:
            return matching
        if len(renderers) == 1:
            return renderers
        offered = ", ".join(sorted(str(renderer.format) for renderer in renderers))
        raise NotAcceptable(f"There is no “{format}” format here: ask for one of {offered}.")
