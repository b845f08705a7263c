"""EPIC activity through the API: list and filter, log, correct, delete; and the catalogue.

Who may do what is the pages' rule, decided where the pages decide it: reading needs
``VIEW_EPIC`` over the record's ward; logging, correcting and deleting go through
``epic.services`` (``log_activity``, ``update_activity``, ``delete_activity``), which check
``LOG_EPIC`` and the change rule (the record's officer, whoever logged it, or a supervisor),
validate the record and mark its rollup buckets dirty in the same transaction. Engagement
events count as EPIC Communication from the engagement endpoints; they are not entered here.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters  # type: ignore[import-untyped]
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.lookups import MAX_ID, NO_WARD, find_person, team_people, visible_ward
from api.permissions import ScopedViewSet
from epic import services
from epic.catalogue import LOGGED_CHOICES, TYPES, ActivityType
from epic.forms import ActivityFilter
from epic.models import Activity, ActivityQuerySet
from epic.services import MAX_NOTE, ActivityInput
from priorities.models import Priority
from snt_portal.permissions import Perm
from wards.models import Borough, User, Ward

# --- reading ------------------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer[Activity]):
    """One EPIC record as the activity list shows it."""

    ward = serializers.CharField(source="ward.code", help_text="The ward's ONS code.")
    ward_name = serializers.CharField(source="ward.name")
    borough = serializers.CharField(source="ward.borough.code", help_text="ONS code.")
    category_label = serializers.CharField(source="get_category_display")
    type_label = serializers.CharField(source="get_type_display")
    unit = serializers.SerializerMethodField(help_text="`count` or `hours`.")
    officer = serializers.CharField(source="officer.username", help_text="Their username.")
    officer_name = serializers.CharField(source="officer.display_name")
    created_by = serializers.CharField(source="created_by.username", help_text="Who logged it.")
    can_change = serializers.SerializerMethodField(
        help_text="Whether you may correct or delete this record."
    )

    class Meta:
        model = Activity
        fields = (
            "id",
            "ward",
            "ward_name",
            "borough",
            "date",
            "category",
            "category_label",
            "type",
            "type_label",
            "unit",
            "quantity",
            "officer",
            "officer_name",
            "priority",
            "note",
            "source",
            "created_by",
            "created_at",
            "updated_at",
            "can_change",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["count", "hours"]))
    def get_unit(self, activity: Activity) -> str:
        return str(TYPES[activity.type].unit.value)

    def get_can_change(self, activity: Activity) -> bool:
        return services.can_change(self.context["request"].user, activity)


def _epic_wards(request: Request | None) -> QuerySet[Ward]:
    if request is None:
        return Ward.objects.none()
    return Ward.objects.visible_to(request.user, Perm.VIEW_EPIC)


def _boroughs(request: Request | None) -> QuerySet[Borough]:
    if request is None:
        return Borough.objects.none()
    return Borough.objects.visible_to(request.user)


class ActivityApiFilter(ActivityFilter):
    """The activity list's filters (dates, category, type, officer), plus a ward or borough.

    A ward, borough or officer the user cannot see is refused like an unknown one (400)."""

    ward = django_filters.ModelChoiceFilter(
        field_name="ward", to_field_name="code", queryset=_epic_wards, label="Ward (ONS code)"
    )
    borough = django_filters.ModelChoiceFilter(
        field_name="ward__borough",
        to_field_name="code",
        queryset=_boroughs,
        label="Borough (ONS code)",
    )
    officer = django_filters.ModelChoiceFilter(
        to_field_name="username", queryset=User.objects.none(), label="Officer (username)"
    )
    # The page groups the types under their categories; the API lists their keys.
    type = django_filters.ChoiceFilter(choices=LOGGED_CHOICES, label="Type")

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Activity] | None = None,
        *,
        request: Request | None = None,
        prefix: str | None = None,
    ) -> None:
        # The page offers the officers with records in the list; so does this.
        officers = (
            User.objects.filter(pk__in=queryset.values("officer_id"))
            if queryset is not None
            else User.objects.none()
        )
        super().__init__(data, queryset, request=request, prefix=prefix, officers=officers)


# --- writing ------------------------------------------------------------------------------------


class ActivityTypeField(serializers.ChoiceField):
    """The loggable types; an engagement type is refused with where to log it instead."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=LOGGED_CHOICES, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        activity_type: ActivityType | None = TYPES.get(str(data))
        if activity_type is not None and activity_type.from_engagement:
            raise serializers.ValidationError(services.engagement_message(activity_type))
        return super().to_internal_value(data)


class ActivityWriteSerializer(serializers.Serializer[Activity]):
    """What a device sends to log a record (POST) or correct one (PATCH: only what changes)."""

    ward = serializers.CharField(max_length=9, help_text="The ward's ONS code (E05…).")
    type = ActivityTypeField(help_text="A loggable type from `GET /api/v1/epic/types/`.")
    quantity = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        help_text="A whole number, or hours in quarter hours for types counted in hours.",
    )
    date = serializers.DateField(
        required=False, help_text="The day it was done; today when left out. Not in the future."
    )
    officer = serializers.CharField(
        required=False,
        max_length=150,
        help_text=(
            "Collar number or username of the officer who did it, on the ward's team that day; "
            "you when left out."
        ),
    )
    priority = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The id of an active priority of the ward this worked on, or null.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_NOTE, trim_whitespace=False
    )

    instance: Activity | None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Resolve the ward, officer and priority among what the user may see."""
        user: User = self.context["request"].user
        current = self.instance
        if "ward" in attrs:
            among = None
            if current is not None:
                # A correction may move a record to another current ward of its borough.
                among = Ward.objects.filter(
                    Q(pk=current.ward_id)
                    | Q(pk__in=Ward.objects.current().filter(borough_id=current.ward.borough_id))
                )
            ward = visible_ward(user, attrs["ward"], among=among)
            if ward is None:
                raise serializers.ValidationError({"ward": [NO_WARD]})
            attrs["ward"] = ward
        ward = attrs.get("ward") or (current.ward if current else None)
        assert ward is not None  # required on create
        if "officer" in attrs:
            officer = find_person(team_people(ward), attrs["officer"])
            if officer is None:
                raise serializers.ValidationError(
                    {
                        "officer": [
                            f"No one with the collar number or username “{attrs['officer']}” "
                            f"has been on {ward.name}'s team."
                        ]
                    }
                )
            attrs["officer"] = officer
        if attrs.get("priority") is not None:
            priority = Priority.objects.filter(pk=attrs["priority"], ward=ward).first()
            if priority is None:
                raise serializers.ValidationError(
                    {"priority": ["Choose one of this ward's priorities."]}
                )
            attrs["priority"] = priority
        return attrs

    def to_input(self, user: User) -> ActivityInput:
        """The service's input: what was sent, the rest as the record has it (or defaults)."""
        data, current = self.validated_data, self.instance

        def value(name: str, default: Any) -> Any:
            if name in data:
                return data[name]
            return getattr(current, name) if current is not None else default

        return ActivityInput(
            officer=value("officer", user),
            ward=value("ward", None),
            date=value("date", timezone.localdate()),
            type=value("type", None),
            quantity=value("quantity", None),
            priority=value("priority", None),
            note=value("note", ""),
        )


# --- the endpoints ------------------------------------------------------------------------------


@extend_schema(tags=["epic"])
class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedViewSet[Activity],
):
    """EPIC activity records in the wards you may see."""

    queryset = Activity.objects.all()
    serializer_class = ActivitySerializer
    filterset_class = ActivityApiFilter
    collection_perms: ClassVar = {"list": Perm.VIEW_EPIC, "create": Perm.LOG_EPIC}
    object_perms: ClassVar = {
        "retrieve": Perm.VIEW_EPIC,
        "partial_update": Perm.LOG_EPIC,
        "destroy": Perm.LOG_EPIC,
    }

    def scoped_queryset(self) -> ActivityQuerySet:
        return Activity.objects.select_related("ward__borough", "officer", "created_by")

    def get_object(self) -> Activity:
        activity = super().get_object()
        if self.action in ("partial_update", "destroy") and not services.can_change(
            self.request.user,  # type: ignore[arg-type]
            activity,
        ):
            self.permission_denied(
                self.request,
                message="Only its officer, whoever logged it or a supervisor can change it.",
            )
        return activity

    def _saved(self, activity: Activity, code: int) -> Response:
        fresh = self.scoped_queryset().get(pk=activity.pk)
        body = ActivitySerializer(fresh, context=self.get_serializer_context()).data
        url = reverse("api:activity_detail", kwargs={"pk": activity.pk})
        return Response(body, status=code, headers={"Location": url} if code == 201 else None)

    @extend_schema(summary="List EPIC records", description="Newest first; filter as the page.")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read one EPIC record")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Log an EPIC record",
        request=ActivityWriteSerializer,
        responses={201: ActivitySerializer},
        description=(
            "Logs one record, as the quick form does: in a current ward where you may log, "
            "for an officer on its team that day. A ward you cannot see is refused like an "
            "unknown one (400); one you may see but not log in, 403."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user: User = request.user  # type: ignore[assignment]
        serializer = ActivityWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        row = serializer.to_input(user)
        activity = services.log_activity(
            acting_user=user,
            **row.as_kwargs(),
            source=Activity.Source.API,
        )
        return self._saved(activity, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct an EPIC record",
        request=ActivityWriteSerializer,
        responses={200: ActivitySerializer},
        description=(
            "Send only the fields that change. Its officer, whoever logged it, and the ward's "
            "supervisors (sergeant, inspector, administrators) may correct a record; it may move "
            "to another current ward of its borough where you may log."
        ),
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        user: User = request.user  # type: ignore[assignment]
        serializer = ActivityWriteSerializer(
            activity, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        row = serializer.to_input(user)
        services.update_activity(
            acting_user=user,
            activity=activity,
            **row.as_kwargs(),
        )
        return self._saved(activity, status.HTTP_200_OK)

    @extend_schema(
        summary="Delete an EPIC record",
        responses={204: OpenApiResponse(description="Deleted (its history stays in the audit).")},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        services.delete_activity(acting_user=request.user, activity=activity)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the catalogue ------------------------------------------------------------------------------


class ActivityTypeSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="What `type` takes.")
    label = serializers.CharField()  # type: ignore[assignment]
    category = serializers.CharField(source="category.value", help_text="E, P, I or C.")
    category_label = serializers.CharField(source="category.label")
    unit = serializers.CharField(source="unit.value", help_text="`count` or `hours`.")
    loggable = serializers.BooleanField(
        help_text="False for engagement: those are logged as engagement events and counted "
        "as Communication from there."
    )


class ActivityTypesView(APIView):
    """The EPIC catalogue: every type, its category and unit."""

    @extend_schema(
        tags=["epic"],
        summary="The EPIC catalogue",
        responses={200: ActivityTypeSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(ActivityTypeSerializer(list(TYPES.values()), many=True).data)
