from django.urls import path

from wards import views

app_name = "wards"

urlpatterns = [
    path("boroughs/", views.borough_list, name="borough_list"),
    path("boroughs/<str:code>/", views.borough_detail, name="borough_detail"),
    path("wards/<str:code>/", views.ward_detail, name="ward_detail"),
    path("wards/<str:code>/postings/new/", views.posting_create, name="posting_create"),
    path("postings/<int:pk>/end/", views.posting_end, name="posting_end"),
    path("wards/<str:code>/abstractions/", views.abstraction_list, name="abstraction_list"),
    path("wards/<str:code>/abstractions/new/", views.abstraction_create, name="abstraction_create"),
]
