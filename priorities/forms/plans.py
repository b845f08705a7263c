"""Forms for adopting priorities, planning actions and recording reviews. They validate input;
priorities.services applies the domain rules."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from engagement.concerns import ConcernCategory
from panels.models import Meeting
from priorities.models import PlannedAction, PrioritySource, Review
from snt_portal.forms import DateInputField
from wards.forms import _gds_helper
from wards.models import User


class PriorityForm(forms.Form):
    """A priority the panel adopted without a ballot in the portal (e.g. the youth one)."""

    issue = forms.CharField(
        label="The issue",
        help_text="As the public page will show it, for example: Groups of youths gathering "
        "outside the shops on the High Road in the evening.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Describe the issue the panel wants tackled"},
    )
    category = forms.ChoiceField(
        label="Category",
        choices=[("", "Choose a category"), *ConcernCategory.choices],
        error_messages={"required": "Choose the category"},
    )
    source = forms.ChoiceField(
        label="Where did it come from?",
        choices=PrioritySource.choices,
        widget=forms.RadioSelect,
        initial=PrioritySource.COMMUNITY,
        error_messages={"required": "Select where the priority came from"},
    )
    issue_date = DateInputField(label="Date the panel set it", help_text="For example, 3 11 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"issue_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(
            Field.textarea("issue"),
            Field.select("category"),
            Fieldset(Field.radios("source", legend_size=Size.SMALL)),
            Field("issue_date"),
            submit="Adopt priority",
        )


class PlannedActionForm(forms.Form):
    """A step in the plan: what, who owns it (a team member or a partner), when, status."""

    description = forms.CharField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Describe the action"},
    )
    owner = forms.ModelChoiceField(
        label="Owner on the team",
        queryset=User.objects.none(),
        required=False,
        empty_label="A partner owns it",
    )
    partner = forms.CharField(
        label="Or the partner organisation that owns it",
        help_text="For example: the council's ASB team, the housing provider, the school",
        max_length=200,
        required=False,
    )
    due_date = DateInputField(
        label="Due date (optional)", help_text="For example, 30 11 2026", required=False
    )
    status = forms.ChoiceField(
        label="Status",
        choices=PlannedAction.Status.choices,
        widget=forms.RadioSelect,
        initial=PlannedAction.Status.PLANNED,
        error_messages={"required": "Select the action's status"},
    )

    def __init__(self, *args: Any, members: list[User], submit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(pk__in=[m.pk for m in members]).order_by(
            "last_name", "first_name"
        )
        owner.label_from_instance = lambda u: str(u.display_name)  # type: ignore[method-assign,assignment]
        self.helper = _gds_helper(
            Field.textarea("description"),
            Field.select("owner"),
            Field.text("partner", field_width=Fluid.TWO_THIRDS),
            Field("due_date"),
            Fieldset(Field.radios("status", legend_size=Size.SMALL, inline=True)),
            submit=submit,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_partner = bool(data.get("partner", "").strip())
        if data.get("owner") is None and not has_partner and "owner" not in self.errors:
            self.add_error("owner", "Choose the team member who owns it, or name the partner")
        elif data.get("owner") is not None and has_partner:
            self.add_error("partner", "Leave this blank when a team member owns the action")
        return data


class ReviewForm(forms.Form):
    """A meeting's review of one priority: progress, a note, continue or resolve."""

    meeting = forms.ModelChoiceField(
        label="Meeting",
        queryset=Meeting.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the meeting that reviewed the priority"},
    )
    rating = forms.ChoiceField(
        label="Progress",
        choices=Review.Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select red, amber or green"},
    )
    note = forms.CharField(
        label="What the team reported",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Say what progress the team reported"},
    )
    decision = forms.ChoiceField(
        label="The panel's decision",
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        initial=Review.Decision.CONTINUE,
        error_messages={"required": "Select continue or resolve"},
    )
    action = forms.CharField(
        label="When resolving: what was done",
        help_text="Shown on the ward's public page, for example: Dispersal order in place; "
        "youth club opened on Friday evenings with the council.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    action_date = DateInputField(
        label="When resolving: date of the action",
        help_text="For example, 30 11 2026",
        required=False,
    )

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        meeting.queryset = meetings
        meeting.label_from_instance = lambda m: (  # type: ignore[method-assign,assignment]
            f"{timezone.localtime(m.scheduled_at):%-d %B %Y}, {m.place}"
        )
        self.helper = _gds_helper(
            Field.select("meeting"),
            Fieldset(Field.radios("rating", legend_size=Size.SMALL)),
            Field.textarea("note"),
            Fieldset(Field.radios("decision", legend_size=Size.SMALL, inline=True)),
            Field.textarea("action"),
            Field("action_date"),
            submit="Record review",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Review.Decision.RESOLVE:
            if not data.get("action", "").strip():
                self.add_error("action", "Say what was done, for the public page")
            if data.get("action_date") is None and "action_date" not in self.errors:
                self.add_error("action_date", "Enter the date of the action")
        return data
