"""EPIC URLs (namespace "epic"): logging in urls_logging.py, dashboards and exports in
urls_dashboards.py."""

from epic.urls_dashboards import urlpatterns as dashboard_urls
from epic.urls_logging import urlpatterns as logging_urls

app_name = "epic"

urlpatterns = [*logging_urls, *dashboard_urls]
