"""Logging EPIC activity from a phone: the quick form (one record), the shift form (several
rows for one day), the correction form, the activity list's filters and the CSV upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters  # type: ignore[import-untyped]
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat

from epic.catalogue import LOGGED_TYPES, TYPES, ActivityType, Category, Unit
from epic.models import Activity
from epic.services import MAX_NOTE, ActivityInput, engagement_message
from priorities.models import Priority
from snt_portal.forms import DateInputField
from wards.models import User, Ward

MAX_SHIFT_ROWS = 12


def type_choices(empty_label: str) -> list[Any]:
    """The loggable types grouped by category (a select's option groups), units shown."""
    groups: list[Any] = [("", empty_label)]
    for category in Category:
        options = [
            (t.key, f"{t.label} (hours)" if t.unit == Unit.HOURS else t.label)
            for t in LOGGED_TYPES
            if t.category == category
        ]
        groups.append((category.label, options))
    return groups


class ActivityTypeField(forms.ChoiceField):
    """The type picker. It knows the engagement types only to say where those are logged."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="Activity",
            choices=type_choices("Choose an activity"),
            error_messages={"required": "Choose the activity"},
            **kwargs,
        )

    def valid_value(self, value: Any) -> bool:
        return _engagement_type(value) is not None or super().valid_value(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if (activity_type := _engagement_type(value)) is not None:
            raise forms.ValidationError(engagement_message(activity_type))


def _engagement_type(value: Any) -> ActivityType | None:
    activity_type = TYPES.get(str(value))
    return activity_type if activity_type is not None and activity_type.from_engagement else None


def _quantity_field() -> forms.DecimalField:
    return forms.DecimalField(
        label="How many (or hours)",
        help_text="A number, or hours for patrols: 1.5 is an hour and a half.",
        initial=Decimal(1),
        min_value=Decimal("0.01"),
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter how many, or the hours",
            "invalid": "Enter a number, like 2 or 1.5",
            "min_value": "Enter a quantity greater than 0",
            "max_digits": "Enter a smaller number",
            "max_decimal_places": "Enter at most 2 decimal places",
        },
    )


def _priority_field() -> forms.ModelChoiceField[Priority]:
    return forms.ModelChoiceField(
        label="Ward priority (optional)",
        help_text="If this worked on one of the ward's active priorities.",
        queryset=Priority.objects.none(),
        required=False,
        empty_label="None",
    )


def _note_field() -> forms.CharField:
    return forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _officer_field() -> forms.ModelChoiceField[User]:
    return forms.ModelChoiceField(
        label="Officer",
        queryset=User.objects.none(),
        empty_label="Choose the officer",
        error_messages={"required": "Choose the officer who did it"},
    )


def _helper(form: forms.BaseForm, *names: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*[_layout(name) for name in names if name in form.fields])
    return helper


def _layout(name: str) -> Any:
    if name in {"type", "officer", "priority", "ward"}:
        return Field.select(name)
    if name == "quantity":
        return Field.text(name, field_width=4)
    if name == "note":
        return Field.textarea(name, rows=2)
    if name == "date":
        return Field(name)
    return Field.text(name, field_width=Fluid.FULL)


def _set_queryset(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
    if name == "officer":
        field.label_from_instance = lambda u: str(u.display_name)  # type: ignore[method-assign,assignment]


class ActivityForm(forms.Form):
    """One record: the quick form, and (with ``wards``) the correction form."""

    type = ActivityTypeField()
    quantity = _quantity_field()
    date = DateInputField(label="Date", help_text="For example, 23 11 2026")
    officer = _officer_field()
    ward = forms.ModelChoiceField(
        label="Ward", queryset=Ward.objects.none(), error_messages={"required": "Choose the ward"}
    )
    priority = _priority_field()
    note = _note_field()

    def __init__(
        self,
        *args: Any,
        officers: QuerySet[User],
        priorities: QuerySet[Priority],
        wards: QuerySet[Ward] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "officer", officers)
        _set_queryset(self, "priority", priorities)
        if not priorities.exists():
            del self.fields["priority"]
        if wards is None:
            del self.fields["ward"]  # the quick form's ward is the page's
        else:
            _set_queryset(self, "ward", wards)
        self.helper = _helper(self, "type", "quantity", "date", "officer", "ward", "priority")
        self.extras_helper = _helper(self, "note")

    def to_input(self, ward: Ward | None = None) -> ActivityInput:
        data = self.cleaned_data
        return ActivityInput(
            officer=data["officer"],
            ward=ward or data["ward"],
            date=data["date"],
            type=data["type"],
            quantity=data["quantity"],
            priority=data.get("priority"),
            note=data.get("note", ""),
        )


class ShiftForm(forms.Form):
    """The shift: one day and one officer for all its rows, and a note for them all."""

    date = DateInputField(label="Date of the shift", help_text="For example, 23 11 2026")
    officer = _officer_field()
    note = _note_field()

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "officer", officers)
        self.helper = _helper(self, "date", "officer")
        self.extras_helper = _helper(self, "note")


class ShiftRowForm(forms.Form):
    """One row of a shift: what and how many, and the priority it worked on."""

    type = ActivityTypeField(required=False)
    quantity = _quantity_field()
    priority = _priority_field()

    def __init__(self, *args: Any, priorities: QuerySet[Priority], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "priority", priorities)
        if not priorities.exists():
            del self.fields["priority"]
        self.fields["quantity"].help_text = ""  # said once, above the rows
        self.helper = _helper(self, "type", "quantity", "priority")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("type") and not self.errors:
            self.add_error("type", "Choose the activity, or clear this row")
        return data


class BaseShiftRowFormSet(forms.BaseFormSet[ShiftRowForm]):
    def __init__(self, *args: Any, priorities: QuerySet[Priority], **kwargs: Any) -> None:
        self.priorities = priorities
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "priorities": self.priorities}

    @property
    def empty_form(self) -> ShiftRowForm:
        form = ShiftRowForm(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            priorities=self.priorities,
        )
        self.add_fields(form, None)
        return form

    def clean(self) -> None:
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError("Add at least one activity")

    def filled(self) -> list[tuple[int, ShiftRowForm]]:
        """The rows that were filled in, with their index among all the rows."""
        return [(i, form) for i, form in enumerate(self.forms) if form.has_changed()]


ShiftRowFormSet: type[BaseShiftRowFormSet] = forms.formset_factory(  # type: ignore[assignment]
    ShiftRowForm,
    formset=BaseShiftRowFormSet,
    extra=5,
    max_num=MAX_SHIFT_ROWS,
    validate_max=True,
    absolute_max=MAX_SHIFT_ROWS,
)


class ActivityFilter(django_filters.FilterSet):
    """The activity list's filters: a date range, category, type and officer."""

    date_from = django_filters.DateFilter(
        field_name="date",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
    )
    date_to = django_filters.DateFilter(
        field_name="date",
        lookup_expr="lte",
        label="To",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices, empty_label="All categories", label="Category"
    )
    type = django_filters.ChoiceFilter(
        choices=type_choices("All activities")[1:], empty_label="All activities", label="Activity"
    )
    officer = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), empty_label="All officers", label="Officer"
    )

    class Meta:
        model = Activity
        fields: list[str] = []

    def __init__(self, *args: Any, officers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["officer"].queryset = officers
        form = self.form
        _set_queryset(form, "officer", officers)
        form.helper = FormHelper()
        form.helper.form_tag = False
        form.helper.disable_csrf = True
        form.helper.layout = Layout(
            Field.text("date_from", field_width=Fluid.FULL),
            Field.text("date_to", field_width=Fluid.FULL),
            Field.select("category"),
            Field.select("type"),
            Field.select("officer"),
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Up to 5,000 rows. Saved as CSV from Excel is fine.",
        error_messages={"required": "Choose a CSV file", "empty": "The file is empty"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("file"))

    def clean_file(self) -> Any:
        # Refused on its size alone, before anything reads it (SNT_UPLOAD_MAX_BYTES).
        upload = self.cleaned_data["file"]
        limit = settings.SNT_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}: it must be at most "
                f"{filesizeformat(limit)}. Split it into smaller files."
            )
        return upload
