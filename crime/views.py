"""A ward's recorded crime and ASB from police.uk: the evidence for the analysis stage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crime import selectors
from snt_portal.permissions import Perm, get_object_for
from wards.models import Ward


@login_required
def ward_crime(request: HttpRequest, code: str) -> HttpResponse:
    # police.uk street data is public: anyone who may see the ward may see its crime.
    ward = get_object_for(
        Ward.objects.select_related("borough"), request.user, Perm.VIEW_WARD, code=code
    )
    by_month = selectors.ward_crime_by_month(ward)
    return render(
        request,
        "crime/ward_crime.html",
        {
            "ward": ward,
            "by_month": by_month,
            "rows": [row for row in by_month.categories if row.total],
            "trend": selectors.ward_crime_trend(ward),
            "locations": selectors.ward_top_locations(ward),
        },
    )
