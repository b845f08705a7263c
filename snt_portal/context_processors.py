from __future__ import annotations

from django.http import HttpRequest

from snt_portal.permissions import Perm, scope_for


def navigation(request: HttpRequest) -> dict[str, object]:
    """Which permissions the user holds anywhere, for showing navigation (never for access)."""
    if not request.user.is_authenticated:
        return {"perms_nav": {}}
    scope = scope_for(request.user)
    nav: dict[str, bool] = {perm.value: not scope.area(perm).is_empty for perm in Perm}
    nav["london_dashboard"] = scope.area(Perm.VIEW_DASHBOARD).everywhere
    return {"perms_nav": nav}
