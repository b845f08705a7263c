"""The Key Individual Network register: personal data, for the ward's own team and inspector.

Every view reaches its ward or KIN through snt_portal.permissions.get_object_for with
Perm.VIEW_KINS (Perm.ERASE_KINS to erase): outside the user's area is a 404, a role that may see
the ward but not its KINs (panels, managers, analysts, administrators) a 403. Responses are
never cached, so a shared phone or browser keeps no copy of anyone's details. Page titles and
URLs carry no personal data: a KIN is named by its number only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from engagement import selectors, services
from engagement.forms.kins import KinForm
from engagement.models import EngagementEvent, EventKind, Kin
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm, get_object_for, holds
from wards.models import Ward

HELD = EngagementEvent.Status.HELD


def _kins(request: HttpRequest, perm: Perm, pk: int) -> Kin:
    return get_object_for(Kin.objects.select_related("ward__borough"), request.user, perm, pk=pk)


@never_cache
@login_required
def kin_list(request: HttpRequest, code: str) -> HttpResponse:
    # Not only current wards: KINs of a ward since redrawn must still be reachable to erase.
    ward = get_object_for(
        Ward.objects.select_related("borough"), request.user, Perm.VIEW_KINS, code=code
    )
    # Erased KINs are only ever counted: how many, and how many interviews they gave.
    register = selectors.kin_register(ward)
    context = {
        "ward": ward,
        "rows": register.rows,
        "active_count": len(register.rows),
        "due_count": register.due_count,
        "erased_count": register.erased_count,
        "erased_interviews": register.erased_interviews,
        "review_days": settings.SNT_KIN_REVIEW_DAYS,
    }
    return render(request, "engagement/kins/kin_list.html", context)


@never_cache
@login_required
def kin_create(request: HttpRequest, code: str) -> HttpResponse:
    ward = get_object_for(
        Ward.objects.current().select_related("borough"), request.user, Perm.VIEW_KINS, code=code
    )
    form = KinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kin = services.save_kin(
                acting_user=request.user,  # type: ignore[arg-type]
                ward=ward,
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{kin.name} has been added to the register.")
            return redirect("engagement:kin_detail", pk=kin.pk)
    return render(
        request,
        "engagement/kins/kin_form.html",
        {"ward": ward, "form": form, "back_url": reverse("engagement:kin_list", args=[code])},
    )


@never_cache
@login_required
def kin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kin = _kins(request, Perm.VIEW_KINS, pk)
    ward = kin.ward
    context: dict[str, Any] = {
        "ward": ward,
        "kin": kin,
        "can_erase": holds(
            request.user, Perm.ERASE_KINS, ward_id=ward.pk, borough_id=ward.borough_id
        ),
    }
    if kin.is_erased:
        # Only how many: what was said and where went with the erasure.
        context["interview_count"] = selectors.kin_interviews(kin).filter(status=HELD).count()
    else:
        context["interviews"] = selectors.kin_interviews(kin)
        context["review_due"] = selectors.kins_due_for_review(ward).filter(pk=kin.pk).exists()
        context["log_interview_url"] = (
            reverse("engagement:event_create", kwargs={"code": ward.code})
            + f"?kind={EventKind.KIN_INTERVIEW.value}&kin={kin.pk}"
        )
    return render(request, "engagement/kins/kin_detail.html", context)


@never_cache
@login_required
def kin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kin = _kins(request, Perm.VIEW_KINS, pk)
    if kin.is_erased:
        messages.error(
            request, "This key individual's record has been erased: it cannot be edited."
        )
        return redirect("engagement:kin_detail", pk=kin.pk)
    form = KinForm.for_kin(kin, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_kin(
                acting_user=request.user,  # type: ignore[arg-type]
                ward=kin.ward,
                kin=kin,
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The key individual's details have been saved.")
            return redirect("engagement:kin_detail", pk=kin.pk)
    return render(
        request,
        "engagement/kins/kin_form.html",
        {
            "ward": kin.ward,
            "kin": kin,
            "form": form,
            "back_url": reverse("engagement:kin_detail", args=[kin.pk]),
        },
    )


@never_cache
@login_required
def kin_erase(request: HttpRequest, pk: int) -> HttpResponse:
    kin = _kins(request, Perm.ERASE_KINS, pk)
    if request.method == "POST":
        services.erase_kin(acting_user=request.user, kin=kin)  # type: ignore[arg-type]
        messages.success(
            request,
            "The key individual's personal data has been erased. "
            "Their interviews stay in the register as anonymous counts.",
        )
        return redirect("engagement:kin_list", code=kin.ward.code)
    return render(
        request,
        "engagement/kins/kin_erase.html",
        {"ward": kin.ward, "kin": kin, "interview_count": selectors.kin_interviews(kin).count()},
    )
