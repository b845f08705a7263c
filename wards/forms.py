"""Forms for postings and abstractions: they validate input; services apply the domain rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from snt_portal.forms import DateInputField
from wards.models import Abstraction, Posting, User

# Ranks a sergeant or inspector posts to a ward's team (inspectors lead clusters instead).
WARD_TEAM_ROLES = [
    (role.value, role.label) for role in Posting.Role if role != Posting.Role.INSPECTOR
]


def _gds_helper(*fields: Any, submit: str) -> FormHelper:
    helper = FormHelper()
    # The server's messages, in the GOV.UK error summary, replace the browser's own bubbles.
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.helper = _gds_helper(
            Field.text("username", field_width=Fluid.ONE_HALF),
            Field.text("password", field_width=Fluid.ONE_HALF),
            submit="Sign in",
        )


class PostingForm(forms.Form):
    """Post someone to a ward's team: an existing person by collar number, or a new one."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        required=False,
        error_messages={"max_length": "Full name must be 150 characters or fewer"},
    )
    collar_number = forms.CharField(
        label="Collar or warrant number",
        help_text="Blank for volunteers. A known number finds the person's existing record.",
        max_length=20,
        required=False,
    )
    role = forms.ChoiceField(
        label="Role on the team",
        choices=WARD_TEAM_ROLES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role on the team"},
    )
    start_date = DateInputField(label="First day on the team", help_text="For example, 3 11 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"start_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("collar_number", field_width=Fluid.ONE_THIRD),
            Field.radios("role", legend_size=Size.MEDIUM),
            Field("start_date"),
            submit="Add posting",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("full_name", "").strip() and not data.get("collar_number", "").strip():
            self.add_error("full_name", "Enter the person's full name or their collar number")
        return data


class EndPostingForm(forms.Form):
    end_date = DateInputField(label="Last day on the team", help_text="For example, 30 11 2026")
    end_reason = forms.CharField(
        label="Reason (optional)",
        help_text="For example: promoted, moved to response, retired",
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"end_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = _gds_helper(
            Field("end_date"),
            Field.text("end_reason", field_width=Fluid.TWO_THIRDS),
            submit="End posting",
        )


class AbstractionForm(forms.Form):
    """Record an abstraction: who, when, how long, why, and who authorised it."""

    posting = forms.ModelChoiceField(
        label="Officer",
        queryset=Posting.objects.none(),
        empty_label=None,
        error_messages={"required": "Select the officer who was abstracted"},
    )
    date = DateInputField(label="Date of the abstraction", help_text="For example, 3 11 2026")
    hours = forms.DecimalField(
        label="Hours off ward duty",
        min_value=Decimal("0.5"),
        max_value=Decimal("24"),
        max_digits=4,
        decimal_places=1,
        # GOV.UK advice: a text input with a numeric keyboard, not type=number.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the hours the officer spent off ward duty",
            "invalid": "Hours must be a number, like 7.5",
            "min_value": "Hours must be at least 0.5",
            "max_value": "Hours cannot be more than 24 in one day",
            "max_decimal_places": "Hours can have at most one decimal place, like 7.5",
        },
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=Abstraction.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the officer was abstracted"},
    )
    details = forms.CharField(
        label="Details",
        help_text="Required when the reason is 'Other'. For example, the operation name.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    authorised_by = forms.ModelChoiceField(
        label="Authorised by",
        queryset=User.objects.none(),
        error_messages={"required": "Select who authorised the abstraction"},
    )

    def __init__(
        self,
        *args: Any,
        postings: Any,
        supervisors: Any,
        acting_user: User,
        **kwargs: Any,
    ) -> None:
        initial: dict[str, object] = {"date": timezone.localdate()}
        if supervisors.filter(pk=acting_user.pk).exists():
            initial["authorised_by"] = acting_user.pk
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        posting_field = self.fields["posting"]
        assert isinstance(posting_field, forms.ModelChoiceField)
        posting_field.queryset = postings
        posting_field.label_from_instance = lambda p: (  # type: ignore[method-assign,assignment]
            f"{p.person.display_name} ({p.get_role_display()})"
        )
        authoriser_field = self.fields["authorised_by"]
        assert isinstance(authoriser_field, forms.ModelChoiceField)
        authoriser_field.queryset = supervisors
        authoriser_field.label_from_instance = lambda u: str(u.display_name)  # type: ignore[method-assign,assignment]
        self.helper = _gds_helper(
            Field.select("posting"),
            Field("date"),
            Field.text("hours", field_width=5),
            Fieldset(Field.radios("reason", legend_size=Size.SMALL)),
            Field.textarea("details"),
            Field.select("authorised_by"),
            submit="Record abstraction",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == Abstraction.Reason.OTHER and not data.get("details", "").strip():
            self.add_error(
                "details", "Say why the officer was abstracted when the reason is 'Other'"
            )
        return data


class PeriodForm(forms.Form):
    """A reporting period, from the query string; defaults to the last 28 days."""

    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    DEFAULT_DAYS = 28

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - dt.timedelta(days=self.DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("start", "The start of the period must be on or before its end")
        if (end - start).days > 366 * 3:
            self.add_error("start", "Choose a period of at most three years")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        end = timezone.localdate()
        return end - dt.timedelta(days=self.DEFAULT_DAYS - 1), end
