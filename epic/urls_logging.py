"""EPIC logging URLs (included by epic/urls.py)."""

from django.urls import path

from epic import views_logging as views

urlpatterns = [
    path("log-activity/", views.log_start, name="log_start"),
    path("wards/<str:code>/epic/", views.activity_list, name="activity_list"),
    path("wards/<str:code>/epic/log/", views.activity_create, name="activity_create"),
    path("wards/<str:code>/epic/shift/", views.activity_shift, name="activity_shift"),
    path("epic/activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("epic/activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("boroughs/<str:code>/epic/upload/", views.activity_upload, name="activity_upload"),
    path(
        "boroughs/<str:code>/epic/upload/template.csv",
        views.activity_upload_template,
        name="activity_upload_template",
    ),
]
