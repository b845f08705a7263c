"""Admin for panels, scoped like every page. Diversity declarations are deliberately absent:
they are never shown one by one, to anyone. A term is ended through the service (an action
here), so the member's declaration goes with it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from panels import services
from panels.models import AgendaItem, Attendance, Meeting, Panel, PanelMembership
from wards.admin import ScopedAdminMixin


@admin.register(Panel)
class PanelAdmin(ScopedAdminMixin, admin.ModelAdmin[Panel]):
    list_display = ("name", "ward", "established_on")
    search_fields = ("name", "ward__name", "ward__code")
    raw_id_fields = ("ward",)
    list_select_related = ("ward",)


@admin.register(PanelMembership)
class PanelMembershipAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("user", "position", "partner", "is_police", "panel", "term_start", "term_end")
    list_filter = ("position", "is_police", "panel__ward__borough")
    search_fields = ("user__first_name", "user__last_name", "panel__name", "panel__ward__code")
    raw_id_fields = ("panel", "user")
    list_select_related = ("user", "panel")
    readonly_fields = ("term_end",)
    actions = ("end_selected_today",)

    @admin.action(description="End the selected terms today (deletes their declarations)")
    def end_selected_today(self, request: HttpRequest, queryset: QuerySet[PanelMembership]) -> None:
        ended, errors = 0, []
        for membership in queryset.select_related("user"):
            try:
                services.end_membership(
                    acting_user=request.user,  # type: ignore[arg-type]
                    membership=membership,
                    term_end=timezone.localdate(),
                )
            except ValidationError as exc:
                errors.append(f"{membership.user.display_name}: {' '.join(exc.messages)}")
            else:
                ended += 1
        if errors:
            self.message_user(request, " ".join(errors), level=messages.ERROR)
        self.message_user(request, f"Ended {ended} terms.", level=messages.SUCCESS)


class AgendaItemInline(admin.TabularInline[AgendaItem, Meeting]):
    model = AgendaItem
    extra = 0


class AttendanceInline(admin.TabularInline[Attendance, Meeting]):
    model = Attendance
    extra = 0
    raw_id_fields = ("membership",)


@admin.register(Meeting)
class MeetingAdmin(ScopedAdminMixin, admin.ModelAdmin[Meeting]):
    list_display = ("__str__", "status", "minutes_status", "public_attendees")
    list_filter = ("status", "minutes_status")
    date_hierarchy = "scheduled_at"
    raw_id_fields = ("panel", "minutes_approved_at")
    list_select_related = ("panel",)
    inlines = (AgendaItemInline, AttendanceInline)
