from __future__ import annotations

from typing import Any

from django import forms

from wards.forms import PeriodForm


class PreferencePeriodForm(PeriodForm):
    """The preferences period: the last 90 days unless chosen (a quarter, as the cycle runs)."""

    DEFAULT_DAYS = 90


class AnalysisForm(forms.Form):
    start = forms.DateField(widget=forms.HiddenInput)
    end = forms.DateField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label="What does the analysis show?",
        help_text=(
            "For example: which concerns are most widely held, what the crime figures say "
            "about them, and which should go to the panel."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Write what the analysis found"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The period must end on or after its start")
        return data
