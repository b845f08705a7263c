"""The subject-access audit trail, read-only: rows are written by the export service alone."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from privacy.models import SubjectAccessExport


@admin.register(SubjectAccessExport)
class SubjectAccessExportAdmin(admin.ModelAdmin[SubjectAccessExport]):
    list_display = ("exported_at", "subject", "subject_id", "exported_by")
    list_filter = ("subject",)
    list_select_related = ("exported_by",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
