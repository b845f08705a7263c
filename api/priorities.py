"""Ward priorities, their plans and their reviews through the API (read only).

As on the ward's priorities page: anyone who sees the ward's panel (``VIEW_PANEL``) reads its
priorities, their actions and reviews. A review is reached through its priority, so the same
rule decides.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters  # type: ignore[import-untyped]
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import HoldsPerm, ScopedViewSet
from engagement.concerns import ConcernCategory
from priorities.models import PlannedAction, Priority, PriorityQuerySet, Review
from snt_portal.permissions import Perm, get_object_for
from wards.models import Borough, Ward


class PlannedActionSerializer(serializers.ModelSerializer[PlannedAction]):
    owner = serializers.SerializerMethodField(help_text="The team member who owns it, if any.")

    class Meta:
        model = PlannedAction
        fields = ("id", "description", "owner", "partner", "due_date", "status")
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner(self, action: PlannedAction) -> str | None:
        return action.owner.display_name if action.owner else None


class PrioritySerializer(serializers.ModelSerializer[Priority]):
    """A priority in police.uk's terms (issue and its date; once resolved, the action taken and
    its date), with the team's plan."""

    ward = serializers.CharField(source="ward.code", help_text="The ward's ONS code.")
    ward_name = serializers.CharField(source="ward.name")
    borough = serializers.CharField(source="ward.borough.code", help_text="ONS code.")
    category_label = serializers.CharField(source="get_category_display")
    actions = PlannedActionSerializer(many=True, read_only=True)

    class Meta:
        model = Priority
        fields = (
            "id",
            "ward",
            "ward_name",
            "borough",
            "issue",
            "category",
            "category_label",
            "source",
            "issue_date",
            "status",
            "action",
            "action_date",
            "ballot",
            "actions",
        )
        read_only_fields = fields


class MeetingRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField()


class ReviewSerializer(serializers.ModelSerializer[Review]):
    """A panel meeting's review of a priority: red, amber or green, continue or resolve."""

    ward = serializers.CharField(source="priority.ward.code", help_text="The ward's ONS code.")
    meeting = MeetingRefSerializer()
    recorded_by = serializers.CharField(source="recorded_by.display_name")

    class Meta:
        model = Review
        fields = (
            "id",
            "priority",
            "ward",
            "meeting",
            "rating",
            "note",
            "decision",
            "recorded_by",
            "recorded_at",
        )
        read_only_fields = fields


def _panel_wards(request: Request | None) -> QuerySet[Ward]:
    if request is None:
        return Ward.objects.none()
    return Ward.objects.visible_to(request.user, Perm.VIEW_PANEL)


def _boroughs(request: Request | None) -> QuerySet[Borough]:
    if request is None:
        return Borough.objects.none()
    return Borough.objects.visible_to(request.user)


class PriorityFilter(django_filters.rest_framework.FilterSet):
    ward = django_filters.ModelChoiceFilter(
        field_name="ward", to_field_name="code", queryset=_panel_wards, label="Ward (ONS code)"
    )
    borough = django_filters.ModelChoiceFilter(
        field_name="ward__borough", to_field_name="code", queryset=_boroughs, label="Borough"
    )
    status = django_filters.ChoiceFilter(choices=Priority.Status.choices)
    category = django_filters.ChoiceFilter(choices=ConcernCategory.choices)

    class Meta:
        model = Priority
        fields: list[str] = []


class ReviewFilter(django_filters.rest_framework.FilterSet):
    ward = django_filters.ModelChoiceFilter(
        field_name="priority__ward",
        to_field_name="code",
        queryset=_panel_wards,
        label="Ward (ONS code)",
    )
    priority = django_filters.NumberFilter(field_name="priority_id", label="Priority id")
    rating = django_filters.ChoiceFilter(choices=Review.Rating.choices)
    decision = django_filters.ChoiceFilter(choices=Review.Decision.choices)

    class Meta:
        model = Review
        fields: list[str] = []


def _with_plan(queryset: PriorityQuerySet) -> PriorityQuerySet:
    actions = PlannedAction.objects.select_related("owner").order_by("due_date", "pk")
    return queryset.select_related("ward__borough").prefetch_related(
        Prefetch("actions", queryset=actions)
    )


@extend_schema(tags=["priorities"])
class PriorityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedViewSet[Priority],
):
    """Priorities adopted in the wards whose panel you may see."""

    queryset = Priority.objects.all()
    serializer_class = PrioritySerializer
    filterset_class = PriorityFilter
    collection_perms: ClassVar = {"list": Perm.VIEW_PANEL}
    object_perms: ClassVar = {"retrieve": Perm.VIEW_PANEL}

    def scoped_queryset(self) -> PriorityQuerySet:
        return _with_plan(Priority.objects.all())

    @extend_schema(summary="List priorities", description="Latest adopted first.")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read one priority, with its plan")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


@extend_schema(tags=["priorities"])
class ReviewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Review],
):
    """Reviews of the priorities you may see."""

    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    permission_classes = [HoldsPerm]
    collection_perms: ClassVar = {"list": Perm.VIEW_PANEL}

    def _reviews(self) -> QuerySet[Review]:
        return Review.objects.select_related("priority__ward", "meeting", "recorded_by")

    def get_queryset(self) -> QuerySet[Review]:
        visible = Priority.objects.visible_to(self.request.user, Perm.VIEW_PANEL)
        return self._reviews().filter(priority__in=visible.values("pk"))

    def get_object(self) -> Review:
        # Its priority decides: 404 outside what the user sees (the same answer as for no
        # such review), 403 seen but not theirs.
        try:
            review = self._reviews().get(pk=self.kwargs["pk"])
            get_object_for(
                Priority.objects.all(), self.request.user, Perm.VIEW_PANEL, pk=review.priority_id
            )
        except (Review.DoesNotExist, Http404):
            raise Http404("No review matches the given query.") from None
        return review

    @extend_schema(summary="List reviews", description="Latest recorded first.")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="Read one review")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)
