"""Admin for priorities, their plans and reviews: for looking up and auditing, scoped like every
page. Changes go through the portal's pages, whose services keep the rules (at most
SNT_MAX_ACTIVE_PRIORITIES active, resolved only by a review), so these views are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from priorities.models import PlannedAction, Priority, Review
from snt_portal.permissions import Perm
from wards.admin import ScopedAdminMixin


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlannedActionInline(ReadOnlyMixin, admin.TabularInline[PlannedAction, Priority]):
    model = PlannedAction
    fields = ("description", "owner", "partner", "due_date", "status")
    extra = 0


class ReviewInline(ReadOnlyMixin, admin.TabularInline[Review, Priority]):
    model = Review
    fields = ("meeting", "rating", "decision", "note", "recorded_by", "recorded_at")
    extra = 0


@admin.register(Priority)
class PriorityAdmin(ReadOnlyMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    scope_perm = Perm.VIEW_PANEL
    list_display = ("issue", "ward", "category", "source", "status", "issue_date", "action_date")
    list_filter = ("status", "source", "category", "ward__borough")
    search_fields = ("issue", "ward__name", "ward__code")
    list_select_related = ("ward",)
    date_hierarchy = "issue_date"
    inlines = (PlannedActionInline, ReviewInline)


@admin.register(Review)
class ReviewAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("priority", "meeting", "rating", "decision", "recorded_by", "recorded_at")
    list_filter = ("rating", "decision")
    list_select_related = ("priority", "meeting__panel", "recorded_by")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Review]:
        # Reviews are scoped through their priority's ward, by the one mechanism.
        visible = Priority.objects.visible_to(request.user, Perm.VIEW_PANEL)
        queryset: QuerySet[Review] = super().get_queryset(request)
        return queryset.filter(priority__in=visible)
