"""The key individual form: who they are, how to reach them, and their consent.

It validates what was typed; services.save_kin applies the register's rules (consent recorded
and not in the future) and the view shows its errors on the same form.
"""

from __future__ import annotations

import re
from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Size
from django import forms
from django.utils import timezone

from engagement.models import Kin
from snt_portal.forms import DateInputField
from wards.forms import _gds_helper

# Digits with the spaces, brackets, dashes and leading + people write phone numbers with.
_PHONE = re.compile(r"^\+?[0-9 ()\-]{6,25}$")

# The fields save_kin takes from this form, in the order the form shows them.
KIN_FORM_FIELDS = (
    "name",
    "connection",
    "connection_detail",
    "community_represented",
    "phone",
    "email",
    "address",
    "consent_given_on",
    "consent_method",
    "notes",
)


class KinForm(forms.Form):
    """Add a key individual to the register, or change their details."""

    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={
            "required": "Enter the key individual's full name",
            "max_length": "Full name must be 150 characters or fewer",
        },
    )
    connection = forms.ChoiceField(
        label="How are they connected to the ward?",
        choices=Kin.Connection.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the key individual is connected to the ward"},
    )
    connection_detail = forms.CharField(
        label="Role and where (optional)",
        help_text="For example: head teacher, St Mary's Primary",
        max_length=200,
        required=False,
        error_messages={"max_length": "Role and where must be 200 characters or fewer"},
    )
    community_represented = forms.CharField(
        label="Community they represent or know well (optional)",
        help_text="For example: parents at the school, traders on the high street",
        max_length=200,
        required=False,
        error_messages={"max_length": "Community they represent must be 200 characters or fewer"},
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": "Phone number must be 40 characters or fewer"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )
    address = forms.CharField(
        label="Address (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Address must be 500 characters or fewer"},
    )
    consent_given_on = DateInputField(
        label="When did they agree to be on the register?",
        help_text="For example, 27 3 2026",
    )
    consent_method = forms.ChoiceField(
        label="How did they give consent?",
        choices=Kin.ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the key individual gave consent"},
    )
    notes = forms.CharField(
        label="Notes for the team (optional)",
        help_text="For example, the best time to call. Do not record health, religion or other "
        "sensitive details unless the team needs them.",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Notes must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"consent_given_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        # DateInputField fixes its own messages; say what this date is when it is missing.
        self.fields["consent_given_on"].error_messages["required"] = (
            "Enter the date the key individual agreed to be on the register"
        )
        self.helper = _gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
            Field.radios("connection", legend_size=Size.SMALL, small=True),
            Field.text("connection_detail", field_width=Fluid.TWO_THIRDS),
            Field.text("community_represented", field_width=Fluid.TWO_THIRDS),
            Fieldset(
                Field.text("phone", field_width=20),
                Field.text("email", field_width=Fluid.TWO_THIRDS),
                Field.textarea("address", rows=3),
                legend="Contact details",
                legend_size=Size.MEDIUM,
            ),
            # A heading, not a fieldset: the date and the radios are fieldsets of their own.
            HTML('<h2 class="govuk-heading-m">Consent</h2>'),
            Field("consent_given_on"),
            Field.radios("consent_method", legend_size=Size.SMALL, small=True),
            Field.textarea("notes", rows=4),
            submit="Save key individual",
        )

    @classmethod
    def for_kin(cls, kin: Kin, data: Any = None) -> KinForm:
        """The form filled with a KIN's current details (or with what was posted)."""
        return cls(data, initial={name: getattr(kin, name) for name in KIN_FORM_FIELDS})

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(
                "Enter a phone number, like 020 7946 0000 or +44 7700 900 982"
            )
        return phone

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as save_kin's keyword arguments."""
        return {name: self.cleaned_data[name] for name in KIN_FORM_FIELDS}
