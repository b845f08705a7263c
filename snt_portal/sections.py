"""Sections other apps contribute to the ward page, so the base app never imports them.

An app registers a function in its AppConfig.ready(); the ward page renders each section's
template with the context the function returns (or skips it when the function returns None,
e.g. when the user may not see it). Data still flows one way: wards knows nothing of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from wards.models import Ward

SectionContext = Callable[["HttpRequest", "Ward"], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: SectionContext


_WARD_SECTIONS: list[Section] = []


def register_ward_section(
    *, order: int, template: str
) -> Callable[[SectionContext], SectionContext]:
    def register(context: SectionContext) -> SectionContext:
        _WARD_SECTIONS.append(Section(order=order, template=template, context=context))
        _WARD_SECTIONS.sort(key=lambda s: s.order)
        return context

    return register


def ward_sections(request: HttpRequest, ward: Ward) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) for each section this user may see on this ward's page."""
    rendered = []
    for section in _WARD_SECTIONS:
        context = section.context(request, ward)
        if context is not None:
            rendered.append((section.template, context))
    return rendered
