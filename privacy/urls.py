from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/kins/<int:pk>/export/", views.kin_export, name="kin_export"),
    path("privacy/members/<int:pk>/export/", views.member_export, name="member_export"),
]
