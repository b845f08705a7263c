"""The audit viewer's filters: one FilterSet applied to every audited model's history."""

from __future__ import annotations

from typing import Any

import django_filters  # type: ignore[import-untyped]
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout
from django import forms
from django.db.models import QuerySet

from audit.registry import AUDITED, BY_HISTORY_MODEL
from wards.models import Borough, User, Ward

CHANGE_TYPES = (("+", "Created"), ("~", "Changed"), ("-", "Deleted"))


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class AuditFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data


class AuditFilter(django_filters.FilterSet):
    """Kind of record, who, when, what kind of change and where. Each filter works on any
    audited model's history; ward and borough follow the model's own path to its place."""

    kind = django_filters.ChoiceFilter(
        choices=[(entry.key, entry.label) for entry in AUDITED],
        empty_label="All records",
        label="Kind of record",
        method="filter_kind",
    )
    user = django_filters.ModelChoiceFilter(
        field_name="history_user",
        queryset=User.objects.all(),
        to_field_name="username",
        label="Changed by (username)",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
        error_messages={"invalid_choice": "There is no user with this username."},
    )
    date_from = django_filters.DateFilter(
        field_name="history_date", lookup_expr="date__gte", label="From", widget=_date_input()
    )
    date_to = django_filters.DateFilter(
        field_name="history_date", lookup_expr="date__lte", label="To", widget=_date_input()
    )
    change = django_filters.ChoiceFilter(
        field_name="history_type",
        choices=CHANGE_TYPES,
        empty_label="Any change",
        label="Change",
    )
    borough = django_filters.ModelChoiceFilter(
        queryset=Borough.objects.filter(is_met=True).order_by("name"),
        empty_label="All boroughs",
        label="Borough",
        method="filter_borough",
    )
    ward = django_filters.ModelChoiceFilter(
        queryset=Ward.objects.all(),
        to_field_name="code",
        label="Ward (ONS code, like E05000026)",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
        error_messages={"invalid_choice": "There is no ward with this ONS code."},
        method="filter_ward",
    )

    class Meta:
        form = AuditFilterForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        helper = self.form.helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Field.select("kind"),
            Field.text("user", field_width=Fluid.FULL),
            Field.text("date_from", field_width=Fluid.FULL),
            Field.text("date_to", field_width=Fluid.FULL),
            Field.select("change"),
            Field.select("borough"),
            Field.text("ward", field_width=Fluid.FULL),
        )

    def filter_kind(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        entry = BY_HISTORY_MODEL[queryset.model]
        return queryset if entry.key == value else queryset.none()

    def filter_borough(self, queryset: QuerySet[Any], name: str, value: Borough) -> QuerySet[Any]:
        return queryset.filter(BY_HISTORY_MODEL[queryset.model].borough_q(value.pk))

    def filter_ward(self, queryset: QuerySet[Any], name: str, value: Ward) -> QuerySet[Any]:
        return queryset.filter(BY_HISTORY_MODEL[queryset.model].ward_q(value.pk))
