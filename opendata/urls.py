"""Open data in the shape of the data.police.uk API, under /api/ (no login, read-only).

The paths are police.uk's, without trailing slashes. ``<force>/neighbourhoods`` comes before
``<force>/<code>`` (police.uk reserves "neighbourhoods" as a neighbourhood id), and the named
paths before both.
"""

from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("forces", views.force_list, name="force_list"),
    path("forces/<str:force>", views.force_detail, name="force_detail"),
    path("crime-categories", views.crime_categories, name="crime_categories"),
    path("locate-neighbourhood", views.locate_neighbourhood, name="locate_neighbourhood"),
    path("<str:force>/neighbourhoods", views.neighbourhood_list, name="neighbourhood_list"),
    path("<str:force>/<str:code>", views.neighbourhood_detail, name="neighbourhood_detail"),
    path("<str:force>/<str:code>/people", views.neighbourhood_people, name="neighbourhood_people"),
    path("<str:force>/<str:code>/events", views.neighbourhood_events, name="neighbourhood_events"),
    path(
        "<str:force>/<str:code>/priorities",
        views.neighbourhood_priorities,
        name="neighbourhood_priorities",
    ),
    path(
        "<str:force>/<str:code>/boundary",
        views.neighbourhood_boundary,
        name="neighbourhood_boundary",
    ),
]
