"""Subject-access downloads, for administrators only (Perm.EXPORT_PERSONAL_DATA)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from engagement.models import Kin
from panels.models import PanelMembership
from privacy import services
from snt_portal.permissions import Perm, get_object_for
from wards.models import User


def _download(data: dict[str, Any], name: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, indent=2, cls=DjangoJSONEncoder), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="subject-access-{name}-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def kin_export(request: HttpRequest, pk: int) -> HttpResponse:
    kin = get_object_for(
        Kin.objects.select_related("ward"), request.user, Perm.EXPORT_PERSONAL_DATA, pk=pk
    )
    assert isinstance(request.user, User)
    data = services.export_kin(acting_user=request.user, kin=kin)
    return _download(data, f"kin-{kin.pk}")


@login_required
@require_GET
def member_export(request: HttpRequest, pk: int) -> HttpResponse:
    """``pk`` is one of the person's memberships; the export covers all their terms."""
    membership = get_object_for(
        PanelMembership.objects.select_related("user"),
        request.user,
        Perm.EXPORT_PERSONAL_DATA,
        pk=pk,
    )
    assert isinstance(request.user, User)
    data = services.export_panel_member(acting_user=request.user, person=membership.user)
    return _download(data, f"panel-member-{membership.user_id}")
