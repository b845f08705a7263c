"""Engagement events through the API: list and filter, log one (with the concerns raised at
it), record how it went.

As on the pages: reading needs ``VIEW_ENGAGEMENT`` over the event's ward, logging and
recording an outcome ``LOG_ENGAGEMENT`` (the ward's team, its inspector, administrators). The
writes are ``engagement.services.log_event`` and ``update_event``, which validate the event and
mark its EPIC rollup bucket dirty: every event held counts as EPIC Communication of its kind.
Events are not deleted, here or on the pages: a planned event that did not happen is recorded
as cancelled.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import django_filters  # type: ignore[import-untyped]
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.lookups import MAX_ID, NO_WARD, find_person, team_people, visible_ward
from api.permissions import ScopedViewSet
from engagement import services
from engagement.concerns import ConcernCategory
from engagement.forms.events import MAX_CONCERNS
from engagement.models import (
    CommunityGroup,
    Concern,
    EngagementEvent,
    EventKind,
    EventQuerySet,
    Kin,
)
from epic.catalogue import ENGAGEMENT_TYPES
from snt_portal.permissions import Perm, get_object_for, holds
from wards.models import Borough, User, Ward

MAX_ATTENDANCE = 100_000
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
HORIZON_DAYS = 5 * 366  # how far ahead an event may be planned

# --- reading ------------------------------------------------------------------------------------


class ConcernSerializer(serializers.ModelSerializer[Concern]):
    category_label = serializers.CharField(source="get_category_display")

    class Meta:
        model = Concern
        fields = ("id", "category", "category_label", "text", "location", "source", "raised_on")
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer[EngagementEvent]):
    """An engagement event as its page shows it."""

    ward = serializers.CharField(source="ward.code", help_text="The ward's ONS code.")
    ward_name = serializers.CharField(source="ward.name")
    borough = serializers.CharField(source="ward.borough.code", help_text="ONS code.")
    kind_label = serializers.CharField(source="get_kind_display")
    officers = serializers.SlugRelatedField[User](
        slug_field="username", many=True, read_only=True, help_text="Usernames."
    )
    groups_reached = serializers.PrimaryKeyRelatedField[CommunityGroup](many=True, read_only=True)
    kin = serializers.SerializerMethodField(
        help_text="The key individual interviewed: only for those who may see the ward's KINs."
    )
    concerns = ConcernSerializer(many=True, read_only=True)
    epic_type = serializers.SerializerMethodField(
        help_text="The EPIC Communication type it counts as once held."
    )
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = EngagementEvent
        fields = (
            "id",
            "ward",
            "ward_name",
            "borough",
            "kind",
            "kind_label",
            "status",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "description",
            "officers",
            "attendance",
            "groups_reached",
            "kin",
            "notes",
            "concerns",
            "epic_type",
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_kin(self, event: EngagementEvent) -> int | None:
        ward = event.ward
        user = self.context["request"].user
        if holds(user, Perm.VIEW_KINS, ward_id=ward.pk, borough_id=ward.borough_id):
            return event.kin_id
        return None

    def get_epic_type(self, event: EngagementEvent) -> str:
        return ENGAGEMENT_TYPES[event.kind].key


def _engagement_wards(request: Request | None) -> QuerySet[Ward]:
    if request is None:
        return Ward.objects.none()
    return Ward.objects.visible_to(request.user, Perm.VIEW_ENGAGEMENT)


def _boroughs(request: Request | None) -> QuerySet[Borough]:
    if request is None:
        return Borough.objects.none()
    return Borough.objects.visible_to(request.user)


class EventFilter(django_filters.rest_framework.FilterSet):
    ward = django_filters.ModelChoiceFilter(
        field_name="ward", to_field_name="code", queryset=_engagement_wards, label="Ward (ONS code)"
    )
    borough = django_filters.ModelChoiceFilter(
        field_name="ward__borough", to_field_name="code", queryset=_boroughs, label="Borough"
    )
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label="Kind of engagement")
    status = django_filters.ChoiceFilter(choices=EngagementEvent.Status.choices)
    date_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label="Starting on or after"
    )
    date_to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label="Starting on or before"
    )

    class Meta:
        model = EngagementEvent
        fields: list[str] = []


# --- writing ------------------------------------------------------------------------------------


class ConcernInputSerializer(serializers.Serializer[Any]):
    """A concern raised at the event."""

    category = serializers.ChoiceField(choices=ConcernCategory.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)

    @staticmethod
    def to_input(data: dict[str, Any]) -> services.ConcernInput:
        return services.ConcernInput(
            category=data["category"], text=data.get("text", ""), location=data.get("location", "")
        )


class ConcernsField(serializers.ListField):
    """Concerns raised at an event, each validated whole (a PATCH is partial, its concerns
    are not: each needs its category)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=ConcernInputSerializer(), max_length=MAX_CONCERNS, **kwargs)

    def run_child_validation(self, data: list[Any]) -> list[Any]:
        result: list[Any] = []
        errors: dict[str, Any] = {}
        for index, item in enumerate(data):
            concern = ConcernInputSerializer(data=item)
            if concern.is_valid():
                result.append(concern.validated_data)
            else:
                errors[str(index)] = concern.errors
        if errors:
            raise serializers.ValidationError(errors)
        return result


def _when(value: dt.datetime) -> None:
    latest = timezone.now() + dt.timedelta(days=HORIZON_DAYS)
    if not EARLIEST <= value <= latest:
        raise serializers.ValidationError(
            f"Enter a date and time between 2000 and {latest:%Y}, like 2026-03-14T18:30."
        )


def _ward_groups(ward: Ward, ids: list[int]) -> list[CommunityGroup]:
    groups = list(CommunityGroup.objects.filter(ward=ward, pk__in=ids))
    if len(groups) != len(set(ids)):
        raise serializers.ValidationError(
            {"groups_reached": [f"Choose groups identified in {ward.name}."]}
        )
    return groups


class EventCreateSerializer(serializers.Serializer[EngagementEvent]):
    """An event to log: one held (the default) or planned (shown to the public)."""

    ward = serializers.CharField(max_length=9, help_text="The ward's ONS code (E05…).")
    kind = serializers.ChoiceField(choices=EventKind.choices)
    status = serializers.ChoiceField(
        choices=[EngagementEvent.Status.HELD, EngagementEvent.Status.PLANNED],
        default=EngagementEvent.Status.HELD,
    )
    starts_at = serializers.DateTimeField(validators=[_when])
    ends_at = serializers.DateTimeField(required=False, allow_null=True, validators=[_when])
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    officers = serializers.ListField(
        child=serializers.CharField(max_length=150),
        required=False,
        max_length=50,
        help_text="Collar numbers or usernames of the officers present, on the ward's team "
        "today; you when left out.",
    )
    attendance = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ATTENDANCE
    )
    groups_reached = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=200,
        help_text="Ids of the ward's community groups reached.",
    )
    kin = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="For a KIN interview: the id of the key individual, from the ward's register.",
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    concerns = ConcernsField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user: User = self.context["request"].user
        ward = visible_ward(user, attrs["ward"])
        if ward is None:
            raise serializers.ValidationError({"ward": [NO_WARD]})
        attrs["ward"] = ward
        people = team_people(ward, current=True)
        officers = []
        for name in attrs.get("officers", []):
            officer = find_person(people, name)
            if officer is None:
                raise serializers.ValidationError(
                    {"officers": [f"No one with the collar number or username “{name}” is on "
                                  f"{ward.name}'s team."]}
                )  # fmt: skip
            officers.append(officer)
        attrs["officers"] = officers
        attrs["groups_reached"] = _ward_groups(ward, attrs.get("groups_reached", []))
        if attrs.get("kin") is not None:
            kin = (
                Kin.objects.filter(ward=ward, erased_at__isnull=True)
                .visible_to(user, Perm.VIEW_KINS)
                .filter(pk=attrs["kin"])
                .first()
            )
            if kin is None:
                raise serializers.ValidationError(
                    {"kin": ["Choose a key individual from the ward's register."]}
                )
            attrs["kin"] = kin
        if attrs["kind"] == EventKind.KIN_INTERVIEW and attrs.get("kin") is None:
            raise serializers.ValidationError(
                {"kin": ["Choose the key individual who was interviewed."]}
            )
        ends_at = attrs.get("ends_at")
        if ends_at is not None and ends_at < attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["The end must be after the start."]})
        return attrs


class EventUpdateSerializer(serializers.Serializer[EngagementEvent]):
    """How the event went (send only what changes): held or cancelled, who came, more concerns."""

    status = serializers.ChoiceField(
        choices=[EngagementEvent.Status.HELD, EngagementEvent.Status.CANCELLED], required=False
    )
    attendance = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ATTENDANCE
    )
    groups_reached = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=200,
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    add_concerns = ConcernsField(
        required=False, help_text="Concerns raised at it, added to those already recorded."
    )

    instance: EngagementEvent

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "groups_reached" in attrs:
            attrs["groups_reached"] = _ward_groups(self.instance.ward, attrs["groups_reached"])
        return attrs


# --- the endpoints ------------------------------------------------------------------------------


@extend_schema(tags=["engagement"])
class EventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedViewSet[EngagementEvent],
):
    """Engagement events in the wards you may see."""

    queryset = EngagementEvent.objects.all()
    serializer_class = EventSerializer
    filterset_class = EventFilter
    collection_perms: ClassVar = {"list": Perm.VIEW_ENGAGEMENT, "create": Perm.LOG_ENGAGEMENT}
    object_perms: ClassVar = {
        "retrieve": Perm.VIEW_ENGAGEMENT,
        "partial_update": Perm.LOG_ENGAGEMENT,
    }

    def scoped_queryset(self) -> EventQuerySet:
        return EngagementEvent.objects.select_related(
            "ward__borough", "created_by"
        ).prefetch_related(
            Prefetch("officers", queryset=User.objects.order_by("username")),
            Prefetch("groups_reached", queryset=CommunityGroup.objects.order_by("pk")),
            Prefetch("concerns", queryset=Concern.objects.order_by("pk")),
        )

    def _saved(self, event: EngagementEvent, code: int) -> Response:
        fresh = self.scoped_queryset().get(pk=event.pk)
        body = EventSerializer(fresh, context=self.get_serializer_context()).data
        url = reverse("api:event_detail", kwargs={"pk": event.pk})
        return Response(body, status=code, headers={"Location": url} if code == 201 else None)

    @extend_schema(summary="List engagement events", description="Latest first.")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read one engagement event")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Log an engagement event",
        request=EventCreateSerializer,
        responses={201: EventSerializer},
        description=(
            "Logs an event held (it counts as EPIC Communication) or planned, with the concerns "
            "raised at it, in a current ward where you may log engagement. A ward you cannot "
            "see is refused like an unknown one (400); one you may see but not log in, 403."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: User = request.user  # type: ignore[assignment]
        serializer = EventCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ward = get_object_for(Ward.objects.current(), user, Perm.LOG_ENGAGEMENT, pk=data["ward"].pk)
        event = services.log_event(
            acting_user=user,
            ward=ward,
            kind=data["kind"],
            status=data["status"],
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            title=data.get("title", ""),
            place=data.get("place", ""),
            description=data.get("description", ""),
            officers=data["officers"],
            attendance=data.get("attendance"),
            groups_reached=data["groups_reached"],
            kin=data.get("kin"),
            notes=data.get("notes", ""),
            concerns=[ConcernInputSerializer.to_input(c) for c in data.get("concerns", [])],
        )
        return self._saved(event, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record how an event went",
        request=EventUpdateSerializer,
        responses={200: EventSerializer},
        description="Held or cancelled, attendance, groups reached, notes, and concerns to add.",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        event = self.get_object()
        serializer = EventUpdateSerializer(
            event, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.update_event(
            acting_user=request.user,  # type: ignore[arg-type]
            event=event,
            status=data.get("status", event.status),
            attendance=data.get("attendance", event.attendance),
            groups_reached=data.get("groups_reached", list(event.groups_reached.all())),
            notes=data.get("notes", event.notes),
            concerns=[ConcernInputSerializer.to_input(c) for c in data.get("add_concerns", [])],
        )
        return self._saved(event, status.HTTP_200_OK)
