"""Forms for the research stage: they validate input; engagement.services saves it."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from engagement.models import CommunityGroup, LocalFeature
from wards.forms import _gds_helper


class ResearchForm(forms.Form):
    notes = forms.CharField(
        label="Research notes",
        help_text=(
            "What the team knows about the ward: who lives and works here, what draws people "
            "in, what has changed. Do not name private individuals."
        ),
        required=False,
        max_length=20000,
        widget=forms.Textarea,
        error_messages={"max_length": "Research notes must be 20,000 characters or fewer"},
    )
    reviewed = forms.BooleanField(label="I have reviewed this research today", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(
            Field.textarea("notes", rows=12),
            Field.checkbox("reviewed"),
            submit="Save research",
        )


class CommunityGroupForm(forms.Form):
    name = forms.CharField(
        label="Name of the group or community",
        max_length=150,
        error_messages={
            "required": "Enter the name of the group or community",
            "max_length": "The name must be 150 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of group is it?",
        choices=CommunityGroup.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of group it is"},
    )
    hard_to_reach = forms.BooleanField(
        label="Not yet engaged or hard to reach",
        help_text="Tick if the team has not reached this group yet, or finds it hard to reach.",
        required=False,
    )
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="For example: where and when they meet, who to contact about them.",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"max_length": "Notes must be 5,000 characters or fewer"},
    )

    def __init__(self, *args: Any, submit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.checkbox("hard_to_reach"),
            Field.textarea("notes", rows=4),
            submit=submit,
        )


class LocalFeatureForm(forms.Form):
    kind = forms.ChoiceField(
        label="Is it a demand generator or a hotspot?",
        choices=LocalFeature.Kind.choices,
        widget=forms.RadioSelect,
        help_text=(
            "A demand generator draws people and calls for police: a station, a late-night "
            "venue, a school gate. A hotspot is where crime or disorder keeps happening."
        ),
        error_messages={"required": "Select whether it is a demand generator or a hotspot"},
    )
    name = forms.CharField(
        label="Name",
        max_length=150,
        error_messages={
            "required": "Enter a name for the place",
            "max_length": "The name must be 150 characters or fewer",
        },
    )
    location = forms.CharField(
        label="Where is it? (optional)",
        help_text="A street, junction or landmark.",
        required=False,
        max_length=200,
        error_messages={"max_length": "The location must be 200 characters or fewer"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"max_length": "Notes must be 5,000 characters or fewer"},
    )

    def __init__(self, *args: Any, submit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("location", field_width=Fluid.TWO_THIRDS),
            Field.textarea("notes", rows=4),
            submit=submit,
        )
