"""A member's own diversity declaration: opt-in, theirs alone, withdrawn by deleting it.

Only the signed-in member reaches it, for their own current seat: a panel they may not see is
a 404, one they may see but do not sit on a 403. The page never shows the answers given, not
even to the member: a new declaration replaces the old one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from panels import selectors, services
from panels.forms import DeclarationForm
from panels.models import DiversityDeclaration, PanelMembership
from panels.views.access import panel_for
from snt_portal.forms import apply_service_errors
from snt_portal.permissions import Perm
from wards.models import User


def _own_seat(request: HttpRequest, code: str) -> PanelMembership:
    panel = panel_for(request, code, Perm.VIEW_PANEL)
    membership = selectors.own_membership(panel, request.user)
    if membership is None:
        raise PermissionDenied("Only the panel's current members make a declaration.")
    return membership


@never_cache
@login_required
def declaration(request: HttpRequest, code: str) -> HttpResponse:
    membership = _own_seat(request, code)
    user: User = request.user  # type: ignore[assignment]
    existing = (
        DiversityDeclaration.objects.filter(membership=membership)
        .only("pk", "consent_given_at")
        .first()
    )
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_declaration(
                acting_user=user, membership=membership, answers=form.answers()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, "Thank you. Your answers are saved and only ever counted with others'."
            )
            return redirect("panels:panel_detail", code=membership.panel.ward.code)
    return render(
        request,
        "panels/declaration.html",
        {
            "ward": membership.panel.ward,
            "membership": membership,
            "form": form,
            "declared_at": existing.consent_given_at if existing else None,
        },
    )


@never_cache
@login_required
def declaration_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    membership = _own_seat(request, code)
    user: User = request.user  # type: ignore[assignment]
    has_one = DiversityDeclaration.objects.filter(membership=membership).exists()
    if request.method == "POST":
        if services.withdraw_declaration(acting_user=user, membership=membership):
            messages.success(request, "Your declaration is withdrawn and deleted.")
        else:
            messages.info(request, "You had no answers to withdraw.")
        return redirect("panels:panel_detail", code=membership.panel.ward.code)
    return render(
        request,
        "panels/declaration_withdraw.html",
        {"ward": membership.panel.ward, "membership": membership, "has_one": has_one},
    )
