"""Panel URLs (namespace "panels")."""

from django.urls import path

from panels.views import declarations, meetings, members, panels

app_name = "panels"

urlpatterns = [
    path("wards/<str:code>/panel/", panels.panel_detail, name="panel_detail"),
    path("wards/<str:code>/panel/new/", panels.panel_create, name="panel_create"),
    path("boroughs/<str:code>/panels/", panels.borough_panels, name="borough_panels"),
    # Members
    path(
        "wards/<str:code>/panel/members/new/", members.membership_create, name="membership_create"
    ),
    path("panel-members/<int:pk>/position/", members.membership_edit, name="membership_edit"),
    path("panel-members/<int:pk>/end/", members.membership_end, name="membership_end"),
    # A member's own declaration
    path("wards/<str:code>/panel/my-declaration/", declarations.declaration, name="declaration"),
    path(
        "wards/<str:code>/panel/my-declaration/withdraw/",
        declarations.declaration_withdraw,
        name="declaration_withdraw",
    ),
    # Meetings
    path("wards/<str:code>/panel/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("panel-meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("panel-meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("panel-meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path(
        "panel-meetings/<int:pk>/agenda/new/",
        meetings.agenda_item_create,
        name="agenda_item_create",
    ),
    path(
        "panel-meetings/<int:pk>/agenda/<int:item_pk>/remove/",
        meetings.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path(
        "panel-meetings/<int:pk>/attendance/",
        meetings.meeting_attendance,
        name="meeting_attendance",
    ),
    path("panel-meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path(
        "panel-meetings/<int:pk>/approve-minutes/",
        meetings.minutes_approve,
        name="minutes_approve",
    ),
    path("panel-meetings/<int:pk>/evidence/", meetings.evidence_pack, name="evidence_pack"),
]
