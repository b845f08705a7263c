"""The audit viewer: every audited change, newest first, for administrators only
(Perm.VIEW_AUDIT)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.filters import AuditFilter
from audit.registry import AUDITED
from audit.selectors import AuditRow, audit_page
from snt_portal.permissions import Perm, can


@login_required
@require_GET
def change_list(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Perm.VIEW_AUDIT):
        raise PermissionDenied("Only administrators can see the audit trail.")
    # Any query string but the page number means filters were submitted.
    submitted = request.GET.copy()
    submitted.pop("page", None)
    filters = AuditFilter(submitted or None, queryset=AUDITED[0].history)
    page: Page[Any] | None = None
    rows: list[AuditRow] = []
    if not filters.is_bound or filters.form.is_valid():
        page, rows = audit_page(filters, request.GET.get("page"))
    return render(
        request,
        "audit/change_list.html",
        {"filters": filters, "page": page, "rows": rows},
        status=200 if page is not None else 400,
    )
