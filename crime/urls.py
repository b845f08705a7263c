from django.urls import path

from crime import views

app_name = "crime"

urlpatterns = [
    path("wards/<str:code>/crime/", views.ward_crime, name="ward_crime"),
]
