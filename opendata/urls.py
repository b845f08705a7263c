"""Open data in the shape of the data.police.uk API, under /api/ (no login, read-only)."""

from django.urls import URLPattern

app_name = "opendata"

urlpatterns: list[URLPattern] = []
