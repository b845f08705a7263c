"""Device tokens in the admin: administrators see who has one and since when, and revoke one
(a lost phone); they never read a key, which would let them act as its owner, nor make one.

DRF's own token admin shows keys (in the list, and as each token's name on its pages), so it
is replaced: a list of owners with a "Revoke" link to a confirmation page of our own."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from api import services
from wards.models import User

admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class DeviceTokenAdmin(TokenAdmin):
    list_display = ("user", "created", "revoke")
    list_display_links = None
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The list only: a token's own pages are titled with its key.
        return obj is None and super().has_view_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # through revoke_view, which never names the key

    @admin.display(description="Revoke")
    def revoke(self, token: TokenProxy) -> str:
        url = reverse("admin:authtoken_tokenproxy_revoke", args=[token.user_id])
        return format_html('<a href="{}">Revoke</a>', url)

    def get_urls(self) -> list[URLPattern]:
        revoke = path(
            "<int:user_id>/revoke/",
            self.admin_site.admin_view(self.revoke_view),
            name="authtoken_tokenproxy_revoke",
        )
        return [revoke, *super().get_urls()]

    def revoke_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        if not request.user.has_perm("authtoken.delete_tokenproxy"):
            raise PermissionDenied
        token = get_object_or_404(TokenProxy.objects.select_related("user"), user_id=user_id)
        owner: User = token.user
        if request.method == "POST":
            services.revoke_token(acting_user=request.user, owner=owner)  # type: ignore[arg-type]
            messages.success(request, f"{owner.display_name}'s API token is revoked.")
            return redirect("admin:authtoken_tokenproxy_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "owner": owner,
            "created": token.created,
            "title": "Revoke an API token",
        }
        return TemplateResponse(request, "api/admin_revoke_token.html", context)
