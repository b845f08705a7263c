"""Priority URLs (namespace "priorities"): ballots in urls_ballots.py, priorities, plans,
reviews and the public ward page in urls_plans.py."""

from priorities.urls_ballots import urlpatterns as ballot_urls
from priorities.urls_plans import urlpatterns as plan_urls

app_name = "priorities"

urlpatterns = [*ballot_urls, *plan_urls]
