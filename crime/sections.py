"""The crime app's part of the ward page: a headline figure and the way to the evidence."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from crime.selectors import ward_crime_by_month
from snt_portal.sections import register_ward_section
from wards.models import Ward


@register_ward_section(order=20, template="crime/includes/ward_section.html")
def ward_crime(request: HttpRequest, ward: Ward) -> dict[str, Any] | None:
    # The ward page itself is access-checked; police.uk counts are public.
    by_month = ward_crime_by_month(ward)
    return {"ward": ward, "by_month": by_month}
