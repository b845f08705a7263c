from django.urls import path

from engagement.views import events, kins, preferences, public, research, tracker

app_name = "engagement"

urlpatterns = [
    # Stage 1: research
    path("wards/<str:code>/research/", research.research_detail, name="research_detail"),
    path("wards/<str:code>/research/edit/", research.research_edit, name="research_edit"),
    path("wards/<str:code>/research/groups/new/", research.group_create, name="group_create"),
    path("research/groups/<int:pk>/edit/", research.group_edit, name="group_edit"),
    path("wards/<str:code>/research/places/new/", research.feature_create, name="feature_create"),
    path("research/places/<int:pk>/edit/", research.feature_edit, name="feature_edit"),
    # Stage 2: engagement events and the concerns raised at them
    path("wards/<str:code>/engagement/", events.event_list, name="event_list"),
    path("wards/<str:code>/engagement/new/", events.event_create, name="event_create"),
    path("engagement/events/<int:pk>/", events.event_detail, name="event_detail"),
    path("engagement/events/<int:pk>/outcome/", events.event_update, name="event_update"),
    path("log-engagement/", events.event_start, name="event_start"),
    # Stages 3 and 4: public preferences and their analysis
    path("wards/<str:code>/preferences/", preferences.preferences, name="preferences"),
    path(
        "wards/<str:code>/preferences/analysis/",
        preferences.analysis_create,
        name="analysis_create",
    ),
    # Key Individual Network
    path("wards/<str:code>/kins/", kins.kin_list, name="kin_list"),
    path("wards/<str:code>/kins/new/", kins.kin_create, name="kin_create"),
    path("kins/<int:pk>/", kins.kin_detail, name="kin_detail"),
    path("kins/<int:pk>/edit/", kins.kin_edit, name="kin_edit"),
    path("kins/<int:pk>/erase/", kins.kin_erase, name="kin_erase"),
    # The public "tell us your concern" page (no sign-in)
    path("your-area/<str:code>/concern/", public.public_concern, name="public_concern"),
    path(
        "your-area/<str:code>/concern/thanks/",
        public.public_concern_thanks,
        name="public_concern_thanks",
    ),
    # The seven-stage tracker across a borough
    path("boroughs/<str:code>/cycle/", tracker.borough_tracker, name="borough_tracker"),
]
