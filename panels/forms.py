"""Forms for panels: they validate input; panels.services applies the domain rules."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.utils import timezone

from panels.diversity import CHARACTERISTICS
from panels.models import Attendance, DiversityDeclaration, PanelMembership
from snt_portal.forms import DateInputField
from wards.forms import _gds_helper

Position = PanelMembership.Position
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")

PARTNER_CHOICES = [("", "Not a partner representative"), *PanelMembership.Partner.choices]


class PanelForm(forms.Form):
    name = forms.CharField(
        label="Name of the panel",
        max_length=200,
        error_messages={"required": "Enter the panel's name"},
    )
    established_on = DateInputField(
        label="Date it was set up (optional)", help_text="For example, 3 11 2026", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field("established_on"),
            submit="Set up the panel",
        )


def _position_fields() -> tuple[forms.ChoiceField, forms.ChoiceField, forms.BooleanField]:
    return (
        forms.ChoiceField(
            label="Position on the panel",
            choices=Position.choices,
            widget=forms.RadioSelect,
            initial=Position.MEMBER,
            error_messages={"required": "Select the person's position on the panel"},
        ),
        forms.ChoiceField(
            label="Organisation represented",
            help_text="For partner representatives only.",
            choices=PARTNER_CHOICES,
            required=False,
        ),
        forms.BooleanField(
            label="This person is a police officer",
            help_text="A panel whose chair is a police officer is police-led.",
            required=False,
        ),
    )


def _clean_partner(form: forms.Form, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("position") == Position.PARTNER and not data.get("partner"):
        form.add_error("partner", "Select the organisation the partner represents")
    if data.get("position") != Position.PARTNER:
        data["partner"] = ""
    return data


class MemberForm(forms.Form):
    """Seat someone on the panel, found by email or created with an account to vote with."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name"},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="Meeting reminders go here. A known address finds the person's account.",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    position, partner, is_police = _position_fields()
    term_start = DateInputField(label="Start of their term", help_text="For example, 3 11 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"term_start": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.helper = _gds_helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("position", legend_size=Size.SMALL, small=True),
            Field.select("partner"),
            Field.checkbox("is_police", small=True),
            Field("term_start"),
            submit="Add to the panel",
        )

    def clean(self) -> dict[str, Any]:
        return _clean_partner(self, super().clean() or {})


class PositionForm(forms.Form):
    position, partner, is_police = _position_fields()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(
            Field.radios("position", legend_size=Size.SMALL, small=True),
            Field.select("partner"),
            Field.checkbox("is_police", small=True),
            submit="Save position",
        )

    def clean(self) -> dict[str, Any]:
        return _clean_partner(self, super().clean() or {})


class EndTermForm(forms.Form):
    term_end = DateInputField(label="Last day of the term", help_text="For example, 30 11 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"term_end": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(Field("term_end"), submit="End the term")


def _parse_time(value: str) -> dt.time:
    match = _TIME.match(value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise forms.ValidationError("Enter a time like 19:00")
    return dt.time(int(match[1]), int(match[2]))


class MeetingForm(forms.Form):
    date = DateInputField(label="Date", help_text="For example, 3 11 2026")
    start_time = forms.CharField(
        label="Start time",
        help_text="24-hour clock, for example 19:00",
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Enter the start time, for example 19:00"},
    )
    place = forms.CharField(
        label="Place",
        max_length=200,
        help_text="For example: Library meeting room, High Road",
        error_messages={"required": "Enter where the panel meets"},
    )
    agenda = forms.CharField(
        label="Agenda (optional)",
        help_text="One item on each line. More can be added later.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )

    def __init__(self, *args: Any, with_agenda: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_agenda:
            del self.fields["agenda"]
        self.helper = _gds_helper(
            Field("date"),
            Field.text("start_time", field_width=5),
            Field.text("place", field_width=Fluid.FULL),
            *([Field.textarea("agenda", rows=4)] if with_agenda else []),
            submit="Schedule the meeting" if with_agenda else "Save changes",
        )

    def clean_start_time(self) -> dt.time:
        return _parse_time(self.cleaned_data["start_time"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("start_time"):
            data["scheduled_at"] = timezone.make_aware(
                dt.datetime.combine(data["date"], data["start_time"])
            )
        return data

    def agenda_lines(self) -> list[str]:
        return [line for line in self.cleaned_data.get("agenda", "").splitlines() if line.strip()]


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        label="Item", max_length=200, error_messages={"required": "Enter the agenda item"}
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(
            Field.text("title", field_width=Fluid.FULL),
            Field.textarea("notes", rows=3),
            submit="Add to the agenda",
        )


def member_field(membership_id: int) -> str:
    return f"member_{membership_id}"


class AttendanceForm(forms.Form):
    """One radio group per member (present, absent, apologies), then the public's part."""

    public_attendees = forms.IntegerField(
        label="Members of the public attending",
        required=False,
        min_value=0,
        max_value=10_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the number of people as a whole number, like 12",
            "min_value": "The number of people cannot be negative",
        },
    )
    organisations = forms.CharField(
        label="Organisations present (optional)",
        help_text="For example: council ASB team, housing association, Neighbourhood Watch",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(
        self, *args: Any, members: list[tuple[PanelMembership, str | None]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        names = []
        for membership, status in members:
            name = member_field(membership.pk)
            label = membership.user.display_name
            if membership.position != Position.MEMBER:
                label += f" ({membership.get_position_display()})"
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                initial=status,
                error_messages={"required": f"Select whether {label} was present"},
            )
            names.append(name)
        self.helper = _gds_helper(
            *[
                Field.radios(name, legend_size=Size.SMALL, small=True, inline=True)
                for name in names
            ],
            Field.text("public_attendees", field_width=4),
            Field.textarea("organisations", rows=2),
            submit="Save attendance",
        )

    def statuses(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[member_field(m.pk)] for m, _ in self.members}


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Minutes",
        help_text="A draft until the panel approves them at its next meeting.",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=50_000,
        error_messages={"required": "Write the minutes"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(Field.textarea("minutes", rows=12), submit="Save draft minutes")


CONSENT_TEXT = (
    "I agree that the SNT Portal keeps these answers while I sit on this panel, to show how "
    "well the panel's members reflect the people of the ward. My answers are never shown on "
    "their own, to anyone: only counted with other members' answers, and only where at least "
    "10 people share an answer. I can change or withdraw them at any time, and they are "
    "deleted when my term ends."
)


class DeclarationForm(forms.Form):
    """A member's own, optional declaration: every question has "Prefer not to say"."""

    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": "Tick the box to agree, or leave this page to not declare"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for characteristic in CHARACTERISTICS:
            label = characteristic.label
            self.fields[characteristic.field] = forms.ChoiceField(
                label=label,
                choices=characteristic.choices,
                widget=forms.RadioSelect,
                initial=DiversityDeclaration.PREFER_NOT,
                error_messages={"required": f"Select an answer for {label.lower()}"},
            )
        self.helper = _gds_helper(
            *[Field.radios(ch.field, legend_size=Size.SMALL, small=True) for ch in CHARACTERISTICS],
            Field.checkbox("consent", small=True),
            submit="Save my answers",
        )

    def answers(self) -> dict[str, str]:
        return {ch.field: self.cleaned_data[ch.field] for ch in CHARACTERISTICS}
