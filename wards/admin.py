"""Django admin for administrators. Lists are scoped by the same visible_to as every page;
audited models show their history (who changed what, from what to what)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from snt_portal.otp import reset_second_factor_action
from snt_portal.permissions import Perm, ScopedQuerySet
from wards import services
from wards.models import Abstraction, Borough, Cluster, Posting, RoleAssignment, Team, User, Ward


class ScopedAdminMixin:
    """Admin lists show only rows the signed-in administrator's scope covers."""

    scope_perm = Perm.VIEW_WARD

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        if isinstance(queryset, ScopedQuerySet):
            return queryset.visible_to(request.user, self.scope_perm)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "first_name", "last_name", "collar_number", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "collar_number", "email")
    actions = (reset_second_factor_action,)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            "Police",
            {"fields": ("collar_number", "public_bio", "bio_opt_out")},
        ),
    )


@admin.register(Borough)
class BoroughAdmin(ScopedAdminMixin, admin.ModelAdmin[Borough]):
    list_display = ("name", "code", "is_met")
    search_fields = ("name", "code")
    exclude = ("boundary",)


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin[Cluster]):
    list_display = ("name", "borough")
    list_filter = ("borough",)
    search_fields = ("name",)


@admin.register(Ward)
class WardAdmin(ScopedAdminMixin, admin.ModelAdmin[Ward]):
    list_display = ("name", "code", "borough", "population", "valid_from", "valid_to")
    list_filter = ("borough", "valid_from", "valid_to")
    search_fields = ("name", "code")
    list_select_related = ("borough",)
    exclude = ("boundary",)
    raw_id_fields = ("cluster",)


@admin.register(Team)
class TeamAdmin(ScopedAdminMixin, admin.ModelAdmin[Team]):
    list_display = ("name", "kind", "borough")
    list_filter = ("kind", "borough")
    search_fields = ("name", "ward__code")
    raw_id_fields = ("ward", "cluster")
    list_select_related = ("borough",)


@admin.register(Posting)
class PostingAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("person", "role", "team", "start_date", "end_date")
    list_filter = ("role", "team__kind", "team__borough")
    search_fields = (
        "person__first_name",
        "person__last_name",
        "person__collar_number",
        "team__name",
    )
    raw_id_fields = ("person", "team")
    list_select_related = ("person", "team")
    date_hierarchy = "start_date"
    actions = ("end_selected_today",)

    @admin.action(description="End the selected postings today")
    def end_selected_today(self, request: HttpRequest, queryset: QuerySet[Posting]) -> None:
        try:
            count = services.end_postings(
                acting_user=request.user,  # type: ignore[arg-type]
                postings=queryset,
                end_date=timezone.localdate(),
                reason="Ended in bulk by an administrator",
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
        else:
            self.message_user(request, f"Ended {count} postings.", level=messages.SUCCESS)


@admin.register(Abstraction)
class AbstractionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_perm = Perm.VIEW_ABSTRACTIONS
    list_display = ("posting", "date", "hours", "reason", "authorised_by")
    list_filter = ("reason",)
    raw_id_fields = ("posting", "authorised_by", "recorded_by")
    list_select_related = ("posting__person", "posting__team", "authorised_by")
    date_hierarchy = "date"


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "borough", "ward", "created_at")
    list_filter = ("role", "borough")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    raw_id_fields = ("user", "ward")
    list_select_related = ("user", "borough", "ward")
