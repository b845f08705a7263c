"""Priorities, their plans and reviews, the borough's priorities, and the public ward page."""

from django.urls import path

from priorities.views import plans, public

urlpatterns = [
    path("wards/<str:code>/priorities/", plans.ward_priorities, name="ward_priorities"),
    path("wards/<str:code>/priorities/new/", plans.priority_create, name="priority_create"),
    path("priorities/<int:pk>/actions/new/", plans.action_create, name="action_create"),
    path("priorities/actions/<int:pk>/edit/", plans.action_update, name="action_update"),
    path("priorities/<int:pk>/review/", plans.review_create, name="review_create"),
    path("boroughs/<str:code>/priorities/", plans.borough_priorities, name="borough_priorities"),
    # The public ward page (no sign-in); engagement's /your-area/<code>/concern/ sits under it.
    path("your-area/<str:code>/", public.public_ward, name="public_ward"),
]
