"""The authenticated REST API (Django REST framework), under /api/v1/, with its schema."""

from django.urls import URLPattern

app_name = "api"

urlpatterns: list[URLPattern] = []
