"""Admin for EPIC activity, scoped like every page. Records are read here; corrections and
deletions go through ``epic.services`` like the pages', so the rollups hear of them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from epic import services
from epic.models import Activity
from wards.admin import ScopedAdminMixin
from wards.models import User


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, admin.ModelAdmin[Activity]):
    list_display = ("date", "type", "quantity", "ward", "officer", "source", "created_at")
    list_filter = ("category", "source", "type")
    date_hierarchy = "date"
    search_fields = ("ward__name", "ward__code", "officer__username", "officer__collar_number")
    list_select_related = ("ward", "officer")
    readonly_fields = (
        "officer",
        "ward",
        "date",
        "category",
        "type",
        "quantity",
        "priority",
        "note",
        "source",
        "created_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # logged on the pages or uploaded, where the rules are checked

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Activity) -> None:
        services.delete_activity(acting_user=_user(request), activity=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        for activity in queryset:
            services.delete_activity(acting_user=_user(request), activity=activity)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]
