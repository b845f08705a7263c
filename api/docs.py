"""The API's human documentation: Swagger UI (from drf-spectacular-sidecar, a PyPI package)
reading the schema at /api/schema/. The page has no inline script or style; its set-up is
static/js/api-docs.js, so it keeps working under a strict Content Security Policy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def docs_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/docs.html",
        {"schema_url": reverse("api:schema"), "token_url": reverse("api:token_page")},
    )
