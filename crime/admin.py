"""Read-only admin for imported police.uk data: imports change through import_crimes only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from crime.models import CrimeImport, LsoaWard


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CrimeImport)
class CrimeImportAdmin(ReadOnlyAdmin):
    list_display = (
        "falls_within",
        "month",
        "file_name",
        "rows_imported",
        "rows_outside",
        "imported_at",
    )
    list_filter = ("falls_within",)


@admin.register(LsoaWard)
class LsoaWardAdmin(ReadOnlyAdmin):
    list_display = ("lsoa_code", "vintage", "ward")
    search_fields = ("lsoa_code", "ward__code", "ward__name")
    list_select_related = ("ward",)
