"""The authenticated REST API (Django REST framework), under /api/v1/, with its schema at
/api/schema/, its documentation at /api/docs/ and the API token page at /api/token/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import dashboards, docs, tokens
from api.engagement import EventViewSet
from api.epic import ActivityTypesView, ActivityViewSet
from api.errors import NoSuchEndpoint
from api.priorities import PriorityViewSet, ReviewViewSet

app_name = "api"

urlpatterns = [
    # EPIC
    path(
        "v1/epic/activities/",
        ActivityViewSet.as_view({"get": "list", "post": "create"}),
        name="activity_list",
    ),
    path(
        "v1/epic/activities/<int:pk>/",
        ActivityViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="activity_detail",
    ),
    path("v1/epic/types/", ActivityTypesView.as_view(), name="epic_types"),
    # Engagement
    path(
        "v1/engagement/events/",
        EventViewSet.as_view({"get": "list", "post": "create"}),
        name="event_list",
    ),
    path(
        "v1/engagement/events/<int:pk>/",
        EventViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="event_detail",
    ),
    # Priorities and reviews
    path("v1/priorities/", PriorityViewSet.as_view({"get": "list"}), name="priority_list"),
    path(
        "v1/priorities/<int:pk>/",
        PriorityViewSet.as_view({"get": "retrieve"}),
        name="priority_detail",
    ),
    path("v1/priorities/reviews/", ReviewViewSet.as_view({"get": "list"}), name="review_list"),
    path(
        "v1/priorities/reviews/<int:pk>/",
        ReviewViewSet.as_view({"get": "retrieve"}),
        name="review_detail",
    ),
    # Dashboards and their tables
    path(
        "v1/dashboards/london/",
        dashboards.LondonDashboard.as_view(),
        name="dashboard_london",
    ),
    path(
        "v1/dashboards/london/tables/<slug:table>/",
        dashboards.LondonDashboardTable.as_view(),
        name="dashboard_london_table",
    ),
    path(
        "v1/dashboards/boroughs/<str:code>/",
        dashboards.BoroughDashboard.as_view(),
        name="dashboard_borough",
    ),
    path(
        "v1/dashboards/boroughs/<str:code>/tables/<slug:table>/",
        dashboards.BoroughDashboardTable.as_view(),
        name="dashboard_borough_table",
    ),
    path(
        "v1/dashboards/wards/<str:code>/",
        dashboards.WardDashboard.as_view(),
        name="dashboard_ward",
    ),
    path(
        "v1/dashboards/wards/<str:code>/tables/<slug:table>/",
        dashboards.WardDashboardTable.as_view(),
        name="dashboard_ward_table",
    ),
    # Tokens for devices
    path("v1/auth/token/", tokens.ObtainToken.as_view(), name="token_obtain"),
    path("token/", tokens.token_page, name="token_page"),
    # The schema and its documentation
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.docs_page, name="docs"),
    # Last: a path under v1/ that matches none of the above is the API's JSON 404. Only paths
    # ending in a slash, so that one without still gets Django's redirect to the slashed form.
    re_path(r"^v1/(?P<rest>[\s\S]*/)\Z", NoSuchEndpoint.as_view(), name="no_such_endpoint"),
]
