"""Seating members, changing their position, ending their term (MANAGE_PANEL)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from panels import services
from panels.forms import EndTermForm, MemberForm, PositionForm
from panels.views.access import membership_for, panel_for
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm


@login_required
def membership_create(request: HttpRequest, code: str) -> HttpResponse:
    panel = panel_for(request, code, Perm.MANAGE_PANEL)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership, created = services.add_member(
                acting_user=request.user,  # type: ignore[arg-type]
                panel=panel,
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
                partner=data["partner"],
                is_police=data["is_police"],
                term_start=data["term_start"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, unnamed_to="full_name")
        else:
            name = membership.user.display_name
            message = f"{name} is on the panel as {membership.get_position_display().lower()}."
            if created:
                message += (
                    " A new account was created for them without a password: an administrator "
                    "sets one up so that they can sign in and vote."
                )
            messages.success(request, message)
            return redirect("panels:panel_detail", code=panel.ward.code)
    return render(
        request, "panels/member_form.html", {"ward": panel.ward, "panel": panel, "form": form}
    )


@login_required
def membership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for(request, pk, Perm.MANAGE_PANEL)
    initial = {
        "position": membership.position,
        "partner": membership.partner,
        "is_police": membership.is_police,
    }
    form = PositionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_position(
                acting_user=request.user,  # type: ignore[arg-type]
                membership=membership,
                position=form.cleaned_data["position"],
                partner=form.cleaned_data["partner"],
                is_police=form.cleaned_data["is_police"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{membership.user.display_name}'s position is saved.")
            return redirect("panels:panel_detail", code=membership.panel.ward.code)
    return render(
        request,
        "panels/member_position.html",
        {"ward": membership.panel.ward, "membership": membership, "form": form},
    )


@login_required
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for(request, pk, Perm.MANAGE_PANEL)
    form = EndTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(
                acting_user=request.user,  # type: ignore[arg-type]
                membership=membership,
                term_end=form.cleaned_data["term_end"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{membership.user.display_name}'s term has ended.")
            return redirect("panels:panel_detail", code=membership.panel.ward.code)
    return render(
        request,
        "panels/member_end.html",
        {"ward": membership.panel.ward, "membership": membership, "form": form},
    )
