"""Forms for the panel's ballots. They validate input; priorities.ballots applies the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fixed, Fluid, Size
from django import forms

from engagement.concerns import ConcernCategory
from priorities.ballots import (
    DEFAULT_MAX_CHOICES,
    DEFAULT_TITLE,
    MAX_ADDED,
    NewCandidate,
    Suggestion,
)
from priorities.models import Candidate, PrioritySource
from wards.forms import _gds_helper

SECRET_CHOICES = (
    Choice(
        "secret",
        "Secret ballot",
        hint="Nobody, not even the chair, can see how a member voted, and the totals stay "
        "hidden until the ballot closes. The panel sees who has voted.",
    ),
    Choice(
        "open",
        "Open ballot",
        hint="The panel sees who approved each issue, and the running totals.",
    ),
)


def _suggestion_choice(s: Suggestion) -> Choice:
    row = s.row
    hint = f"Raised {row.times_raised} time{'s' if row.times_raised != 1 else ''}"
    hint += f" through {row.sources} channel{'s' if row.sources != 1 else ''}"
    if row.youth:
        hint += f", {row.youth} by young people"
    if s.source == PrioritySource.YOUTH:
        hint += " (youth-identified)"
    return Choice(s.category, row.label, hint=hint + ".")


class BallotForm(forms.Form):
    """Prepare a ballot: the preferences to put on it, issues the chair adds, and the rules."""

    title = forms.CharField(label="Title", max_length=200, initial=DEFAULT_TITLE)
    preferences = forms.MultipleChoiceField(
        label="Issues from the ward's preferences",
        help_text="What residents raised since the panel last met, most often raised first. "
        "Untick any the panel should not vote on.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    kind = forms.ChoiceField(
        label="Type of ballot",
        choices=SECRET_CHOICES,
        widget=forms.RadioSelect,
        initial="secret",
        error_messages={"required": "Select a secret or an open ballot"},
    )
    max_choices = forms.IntegerField(
        label="How many issues may each member choose?",
        help_text="Each member ticks up to this many issues.",
        min_value=1,
        max_value=20,
        initial=DEFAULT_MAX_CHOICES,
        error_messages={
            "required": "Enter how many issues each member may choose",
            "invalid": "Enter a whole number of issues",
            "min_value": "Members must be able to choose at least 1 issue",
            "max_value": "Members can choose at most 20 issues",
        },
    )
    seats = forms.IntegerField(
        label="How many priorities will the ballot adopt?",
        min_value=1,
        initial=3,
        error_messages={
            "required": "Enter how many priorities the ballot adopts",
            "invalid": "Enter a whole number of priorities",
            "min_value": "The ballot must adopt at least 1 priority",
        },
    )

    def __init__(
        self,
        *args: Any,
        suggestions: Sequence[Suggestion],
        max_seats: int,
        seats: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["preferences"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [_suggestion_choice(s) for s in suggestions]
        field.initial = [s.category for s in suggestions]
        self.max_seats = max_seats
        self.fields["seats"].initial = seats
        self.fields["seats"].help_text = (
            f"The issues with the most approvals are adopted. A ward has at most {max_seats} "
            "active priorities."
        )
        fieldsets = []
        for n in range(1, MAX_ADDED + 1):
            self.fields[f"issue_{n}"] = forms.CharField(
                label="Issue",
                max_length=300,
                required=False,
                error_messages={"max_length": "An issue must be 300 characters or fewer"},
            )
            self.fields[f"category_{n}"] = forms.ChoiceField(
                label="Category",
                choices=[("", "Choose a category"), *ConcernCategory.choices],
                required=False,
            )
            self.fields[f"source_{n}"] = forms.ChoiceField(
                label="Where it came from",
                choices=PrioritySource.choices,
                initial=PrioritySource.COMMUNITY,
                required=False,
            )
            fieldsets.append(
                Fieldset(
                    Field.text(f"issue_{n}"),
                    Field.select(f"category_{n}"),
                    Field.select(f"source_{n}"),
                    legend=f"Add an issue (optional, {n} of {MAX_ADDED})",
                    legend_size=Size.SMALL,
                )
            )
        if not suggestions:
            del self.fields["preferences"]
        self.helper = _gds_helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            *([Field.checkboxes("preferences", legend_size=Size.MEDIUM)] if suggestions else []),
            *fieldsets,
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.text("max_choices", field_width=Fixed.TWO, inputmode="numeric"),
            Field.text("seats", field_width=Fixed.TWO, inputmode="numeric"),
            submit="Create ballot",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, MAX_ADDED + 1):
            issue = (data.get(f"issue_{n}") or "").strip()
            if issue and not data.get(f"category_{n}"):
                self.add_error(f"category_{n}", "Choose a category for the issue you added")
            if not issue and data.get(f"category_{n}"):
                self.add_error(f"issue_{n}", "Describe the issue, or clear its category")
        return data

    def clean_seats(self) -> int:
        seats: int = self.cleaned_data["seats"]
        if seats > self.max_seats:
            raise forms.ValidationError(f"A ballot adopts at most {self.max_seats} priorities")
        return seats

    @property
    def secret(self) -> bool:
        return bool(self.cleaned_data["kind"] == "secret")

    def chosen_preferences(self) -> list[str]:
        return list(self.cleaned_data.get("preferences") or [])

    def added(self) -> list[NewCandidate]:
        data = self.cleaned_data
        return [
            NewCandidate(
                issue=data[f"issue_{n}"].strip(),
                category=data[f"category_{n}"],
                source=data.get(f"source_{n}") or PrioritySource.COMMUNITY,
            )
            for n in range(1, MAX_ADDED + 1)
            if (data.get(f"issue_{n}") or "").strip()
        ]


class VoteForm(forms.Form):
    """A member's paper: tick up to ``max_choices`` issues."""

    choices = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one issue"},
    )

    def __init__(
        self, *args: Any, candidates: Sequence[Candidate], max_choices: int, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.max_choices = max_choices
        field = self.fields["choices"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        # The category as a hint, unless the issue is the category's own name.
        field.choices = [
            Choice(c.pk, c.issue, hint=c.get_category_display())
            if c.get_category_display() != c.issue
            else Choice(c.pk, c.issue)
            for c in candidates
        ]
        field.label = f"Choose up to {max_choices} issue{'s' if max_choices != 1 else ''}"
        field.help_text = "Tick the issues you want the team to tackle first."
        self.helper = _gds_helper(
            Field.checkboxes("choices", legend_size=Size.MEDIUM),
            submit="Cast my vote",
        )

    def clean_choices(self) -> list[int]:
        chosen: list[int] = self.cleaned_data["choices"]
        if len(chosen) > self.max_choices:
            raise forms.ValidationError(
                f"Choose up to {self.max_choices} issues: you chose {len(chosen)}"
            )
        return chosen


class CastingVoteForm(forms.Form):
    """The chair's casting vote between candidates tied for the last seat(s)."""

    casting_vote = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose which of the tied issues to adopt"},
    )

    def __init__(self, *args: Any, tied: Sequence[Candidate], seats_left: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.seats_left = seats_left
        field = self.fields["casting_vote"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(c.pk, c.issue) for c in tied]
        field.label = (
            "Your casting vote: choose the tied issue to adopt"
            if seats_left == 1
            else f"Your casting vote: choose {seats_left} of the tied issues to adopt"
        )
        self.helper = _gds_helper(
            # Tells the close view that this POST carries the casting vote.
            HTML('<input type="hidden" name="casting" value="1">'),
            Field.checkboxes("casting_vote", legend_size=Size.MEDIUM),
            submit="Close the ballot",
        )

    def clean_casting_vote(self) -> list[int]:
        chosen: list[int] = self.cleaned_data["casting_vote"]
        if len(chosen) != self.seats_left:
            raise forms.ValidationError(
                "Choose 1 of the tied issues"
                if self.seats_left == 1
                else f"Choose {self.seats_left} of the tied issues"
            )
        return chosen
