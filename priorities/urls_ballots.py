"""The panel's ballots on priorities: prepared at a meeting, opened, voted on, closed."""

from django.urls import path

from priorities.views import ballots

urlpatterns = [
    path("panel-meetings/<int:pk>/ballots/new/", ballots.ballot_create, name="ballot_create"),
    path("ballots/<int:pk>/", ballots.ballot_detail, name="ballot_detail"),
    path("ballots/<int:pk>/open/", ballots.ballot_open, name="ballot_open"),
    path("ballots/<int:pk>/vote/", ballots.ballot_vote, name="ballot_vote"),
    path("ballots/<int:pk>/close/", ballots.ballot_close, name="ballot_close"),
]
