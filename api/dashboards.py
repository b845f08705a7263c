"""Dashboards through the API: a place's summary for a period, and each of its tables as JSON
or CSV (the same figures as the pages and their CSV exports, from ``epic.dashboards``).

Access is the dashboard pages': London for those who hold ``VIEW_DASHBOARD`` everywhere; a
borough for those who hold it over the borough or a ward in it; a ward for those who hold it
over the ward. Outside what a user may see, 404; seen but not theirs, 403.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import renderers, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from epic import dashboards
from epic.dashboards import Dashboard, Period, Place, Table
from snt_portal.permissions import Perm, get_object_for, scope_for
from wards.models import Borough, Ward

PERIOD = OpenApiParameter(
    "period",
    str,
    description=(
        "`12m` (the default), `3m`, `1m` (this month so far), `prev` (last month), one of the "
        "last four quarters (`2026-q1`) or the last two financial years (`fy2025`)."
    ),
)
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="ONS code.")
TABLE = OpenApiParameter(
    "table",
    str,
    OpenApiParameter.PATH,
    description="A table's `name` from the dashboard's summary, like `epic_by_category`.",
)
FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description="`csv` for the table as a CSV file (or send `Accept: text/csv`).",
)


# --- who may read which place ---------------------------------------------------------------------


def place_for(request: Request, kind: str, code: str | None) -> Place:
    """The place if the user may read its dashboard (the pages' rule, from the permissions)."""
    user = request.user
    if kind == "london":
        if not scope_for(user).area(Perm.VIEW_DASHBOARD).everywhere:
            raise PermissionDenied("The pan-London dashboard is for the central unit.")
        return Place.london()
    if kind == "borough":
        borough = get_object_for(
            Borough.objects.filter(is_met=True), user, Perm.VIEW_DASHBOARD, code=code
        )
        return Place.of_borough(borough)
    ward = get_object_for(
        Ward.objects.current().filter(borough__is_met=True), user, Perm.VIEW_DASHBOARD, code=code
    )
    return Place.of_ward(ward)


def period_for(request: Request) -> Period:
    try:
        return dashboards.parse_period(request.query_params.get("period"))
    except ValueError as exc:
        raise serializers.ValidationError({"period": [str(exc)]}) from None


# --- shapes -----------------------------------------------------------------------------------


@extend_schema_field(
    {
        "anyOf": [{"type": "number"}, {"type": "string", "nullable": True}],
        "description": "A number, text, or null where there is no figure.",
    }
)
class CellField(serializers.Field[Any, Any, Any, Any]):
    def to_representation(self, value: Any) -> Any:
        return float(value) if isinstance(value, Decimal) else value


class PlaceSerializer(serializers.Serializer[Place]):
    kind = serializers.ChoiceField(choices=["london", "borough", "ward"])
    name = serializers.CharField()
    code = serializers.CharField(help_text="ONS code; empty for London.")


class PeriodSerializer(serializers.Serializer[Period]):
    key = serializers.CharField(help_text="What `?period=` takes.")
    label = serializers.CharField()  # type: ignore[assignment]
    start = serializers.DateField(help_text="The first month's first day.")
    end = serializers.DateField(help_text="The last month's first day.")


class FigureSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField()


class TableIndexSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    title = serializers.CharField()
    caption = serializers.CharField()
    headers = serializers.ListField(child=serializers.CharField())
    row_count = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The table's rows (JSON, or CSV).")

    def get_row_count(self, table: Table) -> int:
        return len(table.rows)

    def get_url(self, table: Table) -> str:
        place: Place = self.context["place"]
        period: Period = self.context["period"]
        url = _table_url(place, table.name)
        return f"{url}?period={period.key}"


class DashboardSerializer(serializers.Serializer[Dashboard]):
    place = PlaceSerializer()
    period = PeriodSerializer()
    built_at = serializers.DateTimeField(help_text="When these figures were computed.")
    figures_as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="EPIC figures include every record saved before this (the rollups' state).",
    )
    population = serializers.IntegerField()
    wards = serializers.IntegerField()
    headline = serializers.SerializerMethodField()
    tables = serializers.SerializerMethodField()

    @extend_schema_field(FigureSerializer(many=True))
    def get_headline(self, board: Dashboard) -> Any:
        return [{"label": label, "value": value} for label, value in board.headline]

    @extend_schema_field(TableIndexSerializer(many=True))
    def get_tables(self, board: Dashboard) -> Any:
        return TableIndexSerializer(
            list(board.tables.values()), many=True, context=self.context
        ).data


class TableSerializer(serializers.Serializer[Table]):
    name = serializers.CharField()
    title = serializers.CharField()
    caption = serializers.CharField()
    headers = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=CellField()))


def _table_url(place: Place, table: str) -> str:
    if place.kind == "london":
        return reverse("api:dashboard_london_table", kwargs={"table": table})
    return reverse(f"api:dashboard_{place.kind}_table", kwargs={"code": place.code, "table": table})


class CSVRenderer(renderers.BaseRenderer):
    """A dashboard table as the pages export it: a header line, then a line per row."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(data["headers"])
        for row in data["rows"]:
            writer.writerow(["" if v is None else v for v in row])
        return out.getvalue().encode("utf-8")


# --- the endpoints ------------------------------------------------------------------------------


class _DashboardView(APIView):
    kind: ClassVar[str] = "london"
    # A period not on the list; a place the user may see but not read a dashboard of.
    error_codes: ClassVar[tuple[str, ...]] = ("400", "403")

    def board(self, request: Request, code: str | None) -> tuple[Place, Period, Dashboard]:
        place = place_for(request, self.kind, code)
        period = period_for(request)
        return place, period, dashboards.dashboard(place, period)


class DashboardView(_DashboardView):
    """A dashboard's headline figures and the tables it holds."""

    def get(self, request: Request, code: str | None = None) -> Response:
        place, period, board = self.board(request, code)
        context = {"request": request, "place": place, "period": period}
        return Response(DashboardSerializer(board, context=context).data)


class DashboardTableView(_DashboardView):
    """One table of a dashboard: JSON, or CSV with ``?format=csv`` or ``Accept: text/csv``."""

    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    error_codes: ClassVar[tuple[str, ...]] = ("400", "403", "406")

    def get(self, request: Request, table: str, code: str | None = None) -> Response:
        place, period, board = self.board(request, code)
        if table not in board.tables:
            raise Http404(f"This dashboard has no table called “{table}”.")
        found = board.table(table)
        if getattr(request.accepted_renderer, "format", None) != "csv":
            return Response(TableSerializer(found).data)
        # The CSV is the page's export, value for value.
        response = Response({"headers": found.headers, "rows": found.rows})
        stamp = f"{timezone.localdate():%Y-%m-%d}"
        filename = f"{place.code or 'london'}-{table}-{period.key}-{stamp}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def handle_exception(self, exc: Exception) -> Response:
        # Errors are JSON, whatever format the table was asked for in.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)


def _summary(summary: str, *params: OpenApiParameter) -> Any:
    return extend_schema(
        tags=["dashboards"],
        summary=summary,
        parameters=[*params, PERIOD],
        responses={200: DashboardSerializer},
    )


def _table(summary: str, *params: OpenApiParameter) -> Any:
    return extend_schema(
        tags=["dashboards"],
        summary=summary,
        parameters=[*params, TABLE, PERIOD, FORMAT],
        responses={
            (200, "application/json"): TableSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )


@_summary("London's dashboard")
class LondonDashboard(DashboardView):
    kind = "london"


@_summary("A borough's dashboard", CODE)
class BoroughDashboard(DashboardView):
    kind = "borough"


@_summary("A ward's dashboard", CODE)
class WardDashboard(DashboardView):
    kind = "ward"


@_table("A table of London's dashboard")
class LondonDashboardTable(DashboardTableView):
    kind = "london"


@_table("A table of a borough's dashboard", CODE)
class BoroughDashboardTable(DashboardTableView):
    kind = "borough"


@_table("A table of a ward's dashboard", CODE)
class WardDashboardTable(DashboardTableView):
    kind = "ward"
