"""Logging engagement from a phone: one page, sensible defaults, concerns added inline."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from engagement.concerns import ConcernCategory
from engagement.models import CommunityGroup, EngagementEvent, EventKind, Kin
from engagement.services import ConcernInput
from snt_portal.forms import DateInputField
from wards.models import User

_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
MAX_CONCERNS = 10


def _time_field(label: str, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text="24-hour clock, for example 14:30",
        required=required,
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter the time, for example 14:30"},
    )


def _parse_time(value: str) -> dt.time | None:
    if not value.strip():
        return None
    match = _TIME.match(value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise forms.ValidationError("Enter a time like 14:30")
    return dt.time(int(match[1]), int(match[2]))


class EventForm(forms.Form):
    """What happened (or is planned), when, where, who was there."""

    kind = forms.ChoiceField(
        label="Type of engagement",
        choices=[("", "Choose a type"), *EventKind.choices],
        error_messages={"required": "Choose the type of engagement"},
    )
    status = forms.ChoiceField(
        label="Has it happened yet?",
        choices=[
            (EngagementEvent.Status.HELD, "Yes, it has been held"),
            (EngagementEvent.Status.PLANNED, "No, it is planned (shown to the public)"),
        ],
        widget=forms.RadioSelect,
        initial=EngagementEvent.Status.HELD,
    )
    date = DateInputField(label="Date", help_text="For example, 23 11 2026")
    start_time = _time_field("Start time", required=True)
    end_time = _time_field("End time (optional)", required=False)
    place = forms.CharField(
        label="Place",
        max_length=200,
        required=False,
        help_text="For example: outside Tesco, High Road",
    )
    title = forms.CharField(
        label="Title for the public (optional)",
        max_length=200,
        required=False,
        help_text="Planned events appear on the ward's public page.",
    )
    description = forms.CharField(
        label="Public description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attendance = forms.IntegerField(
        label="How many people took part?",
        required=False,
        min_value=0,
        max_value=100_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the number of people as a whole number, like 12",
            "min_value": "The number of people cannot be negative",
        },
    )
    officers = forms.ModelMultipleChoiceField(
        label="Officers present",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    groups_reached = forms.ModelMultipleChoiceField(
        label="Community groups reached",
        queryset=CommunityGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    kin = forms.ModelChoiceField(
        label="Key individual interviewed",
        help_text="Only for KIN interviews.",
        queryset=Kin.objects.none(),
        required=False,
    )
    notes = forms.CharField(
        label="Notes for the team (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        officers: Any,
        groups: Any,
        kins: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        officer_field = self.fields["officers"]
        assert isinstance(officer_field, forms.ModelMultipleChoiceField)
        officer_field.queryset = officers
        officer_field.label_from_instance = lambda u: str(u.display_name)  # type: ignore[method-assign,assignment]
        group_field = self.fields["groups_reached"]
        assert isinstance(group_field, forms.ModelMultipleChoiceField)
        group_field.queryset = groups
        kin_field = self.fields["kin"]
        assert isinstance(kin_field, forms.ModelChoiceField)
        kin_field.queryset = kins
        if not kins.exists():
            del self.fields["kin"]
        if not groups.exists():
            del self.fields["groups_reached"]
        # The page wraps this form and the concerns in one <form>: the essentials come first,
        # then the concerns, then the optional extras folded away ("More details").
        self.helper = _helper(
            self,
            "kind",
            "kin",
            "status",
            "date",
            "start_time",
            "end_time",
            "place",
            "attendance",
            "officers",
            "groups_reached",
        )
        self.extras_helper = _helper(self, "title", "description", "notes")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("date")
        try:
            start = _parse_time(data.get("start_time", ""))
        except forms.ValidationError as exc:
            self.add_error("start_time", exc)
            start = None
        try:
            end = _parse_time(data.get("end_time", ""))
        except forms.ValidationError as exc:
            self.add_error("end_time", exc)
            end = None
        if day and start:
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, start))
            data["ends_at"] = (
                timezone.make_aware(dt.datetime.combine(day, end)) if end is not None else None
            )
            if data["ends_at"] is not None and data["ends_at"] < data["starts_at"]:
                self.add_error("end_time", "The end time must be after the start time")
        if data.get("kind") == EventKind.KIN_INTERVIEW and not data.get("kin"):
            if "kin" in self.fields:
                self.add_error("kin", "Choose the key individual who was interviewed")
            else:
                self.add_error("kind", "Add the key individual to the ward's register first")
        return data


def _helper(form: forms.Form, *names: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*[_layout(name) for name in names if name in form.fields])
    return helper


def _layout(name: str) -> Any:
    if name in {"status"}:
        return Field.radios(name, legend_size=Size.SMALL, small=True)
    if name in {"officers", "groups_reached"}:
        return Field.checkboxes(name, legend_size=Size.SMALL, small=True)
    if name in {"kind", "kin"}:
        return Field.select(name)
    if name in {"description", "notes"}:
        return Field.textarea(name, rows=2)
    if name == "date":
        return Field(name)
    if name in {"start_time", "end_time"}:
        return Field.text(name, field_width=5)
    if name == "attendance":
        return Field.text(name, field_width=4)
    return Field.text(name, field_width=Fluid.FULL)


class EventOutcomeForm(forms.Form):
    """How a planned event went."""

    status = forms.ChoiceField(
        label="What happened?",
        choices=[
            (EngagementEvent.Status.HELD, "It was held"),
            (EngagementEvent.Status.CANCELLED, "It was cancelled"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the event was held or cancelled"},
    )
    attendance = EventForm.base_fields["attendance"]
    groups_reached = EventForm.base_fields["groups_reached"]
    notes = EventForm.base_fields["notes"]

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group_field = self.fields["groups_reached"]
        assert isinstance(group_field, forms.ModelMultipleChoiceField)
        group_field.queryset = groups
        if not groups.exists():
            del self.fields["groups_reached"]
        self.helper = _helper(self, "status", "attendance", "groups_reached", "notes")


class ConcernForm(forms.Form):
    """One concern raised: a category from the controlled list, what was said, where."""

    category = forms.ChoiceField(
        label="Concern",
        choices=[("", "Choose a concern"), *ConcernCategory.choices],
        required=False,
    )
    text = forms.CharField(
        label="What was said",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    location = forms.CharField(label="Where (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.select("category"),
            Field.textarea("text", rows=2),
            Field.text("location", field_width=Fluid.FULL),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("text", "").strip() or data.get("location", "").strip()) and not data.get(
            "category"
        ):
            self.add_error("category", "Choose the kind of concern for what was said")
        return data

    def to_input(self) -> ConcernInput | None:
        data = self.cleaned_data
        if not data.get("category"):
            return None
        return ConcernInput(category=data["category"], text=data["text"], location=data["location"])


class BaseConcernFormSet(forms.BaseFormSet[ConcernForm]):
    def concerns(self) -> list[ConcernInput]:
        return [c for form in self.forms if (c := form.to_input()) is not None]


ConcernFormSet: type[BaseConcernFormSet] = forms.formset_factory(  # type: ignore[assignment]
    ConcernForm,
    formset=BaseConcernFormSet,
    extra=3,
    max_num=MAX_CONCERNS,
    validate_max=True,
    absolute_max=MAX_CONCERNS,
)
