"""The public "tell us your concern" page: no sign-in, for any Met ward in force today.

It is the one page of the portal that anyone may use, so it does not go through the scoping
mechanism: the ward must simply be a current Met ward. CSRF protection stays on. Submissions
are rate limited per IP address, and a honeypot field turns robots away without telling them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_ratelimit.decorators import ratelimit  # type: ignore[import-untyped]

from engagement import services
from engagement.forms.public import PublicConcernForm
from engagement.selectors import upcoming_public_events
from wards.models import Ward

# Five submissions an hour from one address is more than any resident needs.
SUBMISSION_RATE = "5/h"
RATE_LIMITED = "Too many submissions from your connection. Try again in an hour."


def _public_ward(code: str) -> Ward:
    """A ward in force today and policed by the Met; 404 for anything else."""
    return get_object_or_404(
        Ward.objects.current().filter(borough__is_met=True).select_related("borough"), code=code
    )


@ratelimit(
    group="engagement.public_concern",
    key="ip",
    rate=SUBMISSION_RATE,
    method="POST",
    block=False,
)
def public_concern(request: HttpRequest, code: str) -> HttpResponse:
    ward = _public_ward(code)
    form = PublicConcernForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, RATE_LIMITED)
            status = 429
        elif form.honeypot_filled:
            # A robot: thank it as if it had succeeded, and keep nothing.
            return redirect("engagement:public_concern_thanks", code=ward.code)
        elif form.is_valid():
            try:
                services.submit_public_concerns(
                    ward=ward,
                    concerns=form.concerns(),
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return redirect("engagement:public_concern_thanks", code=ward.code)
    context = {"ward": ward, "form": form, "events": upcoming_public_events(ward)}
    return render(request, "engagement/public/concern.html", context, status=status)


def public_concern_thanks(request: HttpRequest, code: str) -> HttpResponse:
    ward = _public_ward(code)
    context = {"ward": ward, "contact_days": settings.SNT_PUBLIC_CONTACT_DAYS}
    return render(request, "engagement/public/thanks.html", context)
