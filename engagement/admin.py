"""Admin for engagement records, scoped like every page. Key individuals are deliberately not
here: administrators are not the ward's team. Public submissions show no contact details."""

from __future__ import annotations

from django.contrib import admin

from engagement.models import (
    Analysis,
    CommunityGroup,
    Concern,
    EngagementEvent,
    GlaWardProfile,
    LocalFeature,
    PublicSubmission,
    WardResearch,
)
from wards.admin import ScopedAdminMixin


@admin.register(GlaWardProfile)
class GlaWardProfileAdmin(admin.ModelAdmin[GlaWardProfile]):
    list_display = ("code", "name", "population")
    search_fields = ("code", "name")
    readonly_fields = ("code", "old_code", "name", "population", "measures", "imported_at")


@admin.register(WardResearch)
class WardResearchAdmin(ScopedAdminMixin, admin.ModelAdmin[WardResearch]):
    list_display = ("ward", "reviewed_on", "reviewed_by")
    raw_id_fields = ("ward", "reviewed_by")
    list_select_related = ("ward", "reviewed_by")


@admin.register(CommunityGroup)
class CommunityGroupAdmin(ScopedAdminMixin, admin.ModelAdmin[CommunityGroup]):
    list_display = ("name", "kind", "ward", "hard_to_reach", "updated_at")
    list_filter = ("kind", "hard_to_reach")
    search_fields = ("name", "ward__name")
    raw_id_fields = ("ward", "updated_by")
    list_select_related = ("ward",)


@admin.register(LocalFeature)
class LocalFeatureAdmin(ScopedAdminMixin, admin.ModelAdmin[LocalFeature]):
    list_display = ("name", "kind", "ward", "updated_at")
    list_filter = ("kind",)
    raw_id_fields = ("ward", "updated_by")
    list_select_related = ("ward",)


@admin.register(EngagementEvent)
class EngagementEventAdmin(ScopedAdminMixin, admin.ModelAdmin[EngagementEvent]):
    list_display = ("__str__", "kind", "status", "ward", "starts_at", "attendance")
    list_filter = ("kind", "status")
    date_hierarchy = "starts_at"
    raw_id_fields = ("ward", "created_by", "officers", "groups_reached")
    # The KIN link is shown as a number only: the KIN's details are not for administrators.
    readonly_fields = ("kin",)
    list_select_related = ("ward",)


@admin.register(Concern)
class ConcernAdmin(ScopedAdminMixin, admin.ModelAdmin[Concern]):
    list_display = ("category", "source", "ward", "raised_on")
    list_filter = ("category", "source")
    date_hierarchy = "raised_on"
    raw_id_fields = ("ward", "event", "submission", "created_by")
    exclude = ("kin",)
    list_select_related = ("ward",)


@admin.register(PublicSubmission)
class PublicSubmissionAdmin(ScopedAdminMixin, admin.ModelAdmin[PublicSubmission]):
    list_display = ("pk", "ward", "submitted_at", "contact_erased_at")
    # Contact details are for replying to the resident, by the ward's team, not for admins.
    exclude = ("name", "email", "phone")
    readonly_fields = ("ward", "submitted_at", "contact_erased_at")
    list_select_related = ("ward",)


@admin.register(Analysis)
class AnalysisAdmin(ScopedAdminMixin, admin.ModelAdmin[Analysis]):
    list_display = ("ward", "period_start", "period_end", "recorded_by", "recorded_at")
    raw_id_fields = ("ward", "recorded_by")
    readonly_fields = ("ranking",)
    list_select_related = ("ward", "recorded_by")
