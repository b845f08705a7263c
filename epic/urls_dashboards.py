"""Dashboards, their CSV exports and map data (included by epic/urls.py)."""

from django.urls import path

from epic import dashboard_views as views

urlpatterns = [
    path("dashboards/london/", views.london_dashboard, name="london_dashboard"),
    path("dashboards/london/export/<slug:table>.csv", views.london_export, name="london_export"),
    path("dashboards/london/map.json", views.london_map, name="london_map"),
    path("dashboards/boroughs/<str:code>/", views.borough_dashboard, name="borough_dashboard"),
    path(
        "dashboards/boroughs/<str:code>/export/<slug:table>.csv",
        views.borough_export,
        name="borough_export",
    ),
    path("dashboards/boroughs/<str:code>/map.json", views.borough_map, name="borough_map"),
    path("dashboards/wards/<str:code>/", views.ward_dashboard, name="ward_dashboard"),
    path(
        "dashboards/wards/<str:code>/export/<slug:table>.csv",
        views.ward_export,
        name="ward_export",
    ),
    path("dashboards/wards/<str:code>/map.json", views.ward_map, name="ward_map"),
]
