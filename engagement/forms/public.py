"""The public "tell us your concern" form: up to three concerns and optional contact details.

Written for residents, not officers: plain words, each optional field marked "(optional)",
every error saying what to do. A honeypot field catches form-filling robots.
"""

from __future__ import annotations

import re
from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Size
from django import forms
from django.conf import settings
from django.utils.html import format_html

from engagement.concerns import ConcernCategory
from engagement.services import MAX_PUBLIC_CONCERNS, ConcernInput
from wards.forms import _gds_helper

HONEYPOT_FIELD = "website"
ORDINALS = ("first", "second", "third")
# Lenient, as GOV.UK advises: digits with the spaces, brackets, dashes and + people type.
PHONE = re.compile(r"\+?[\d\s()-]+")
PHONE_DIGITS = (7, 15)


class TelInput(forms.TextInput):
    input_type = "tel"


CATEGORY_CHOICES = [("", "Choose a type of concern"), *ConcernCategory.choices]


def _concern_fields(number: int) -> dict[str, forms.Field]:
    ordinal = ORDINALS[number - 1]
    return {
        f"category_{number}": forms.ChoiceField(
            label="What is it about?",
            choices=CATEGORY_CHOICES,
            required=number == 1,
            error_messages={
                "required": f"Choose what your {ordinal} concern is about",
                "invalid_choice": f"Choose what your {ordinal} concern is about from the list",
            },
        ),
        f"text_{number}": forms.CharField(
            label="What is happening?",
            help_text="For example, what you have seen, when it happens and how often.",
            required=False,
            max_length=2000,
            widget=forms.Textarea,
            error_messages={
                "max_length": f"Your {ordinal} concern must be 2,000 characters or fewer"
            },
        ),
        f"location_{number}": forms.CharField(
            label="Where? (optional)",
            help_text="A street, park, shop or landmark. Do not give a house number.",
            required=False,
            max_length=200,
            error_messages={"max_length": "Where it happens must be 200 characters or fewer"},
        ),
    }


class PublicConcernForm(forms.Form):
    name = forms.CharField(
        label="Your name (optional)",
        required=False,
        max_length=150,
        error_messages={"max_length": "Your name must be 150 characters or fewer"},
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Your email address must be 254 characters or fewer",
        },
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=40,
        widget=TelInput(attrs={"autocomplete": "tel"}),
        error_messages={"max_length": "Your phone number must be 40 characters or fewer"},
    )
    # The honeypot: hidden from people (and screen readers); robots fill every field.
    website = forms.CharField(required=False, label="Leave this field empty")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_PUBLIC_CONCERNS + 1):
            self.fields.update(_concern_fields(number))
        # Concerns first, then contact details: the order of the page and its error summary.
        self.order_fields([name for name in self.fields if name[-1].isdigit()])
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name", "spellcheck": "false"})
        legends = ("Your concern", "Another concern (optional)", "A third concern (optional)")
        days = settings.SNT_PUBLIC_CONTACT_DAYS
        self.helper = _gds_helper(
            *(
                Fieldset(
                    Field.select(f"category_{number}"),
                    Field.textarea(f"text_{number}", rows=4),
                    Field.text(f"location_{number}", field_width=Fluid.TWO_THIRDS),
                    legend=legend,
                    legend_size=Size.MEDIUM,
                )
                for number, legend in enumerate(legends, start=1)
            ),
            Fieldset(
                HTML(
                    format_html(
                        '<p class="govuk-body">You do not have to give your contact details. '
                        "If you do, the team will only use them to reply to you about what "
                        "you have told us. They are deleted after {} days.</p>",
                        days,
                    )
                ),
                Field.text("name", field_width=Fluid.TWO_THIRDS),
                Field.text("email", field_width=Fluid.TWO_THIRDS),
                Field.text("phone", field_width=20),
                legend="Your contact details (optional)",
                legend_size=Size.MEDIUM,
            ),
            HTML(
                format_html(
                    '<div class="govuk-visually-hidden" aria-hidden="true">'
                    '<label for="id_{0}">Leave this field empty</label>'
                    '<input type="text" name="{0}" id="id_{0}" value="" tabindex="-1" '
                    'autocomplete="off"></div>',
                    HONEYPOT_FIELD,
                )
            ),
            submit="Send",
        )

    @property
    def honeypot_filled(self) -> bool:
        """Whether a robot filled the field people cannot see (read before validating)."""
        return bool(str(self.data.get(HONEYPOT_FIELD, "")).strip())

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        digits = sum(char.isdigit() for char in phone)
        if phone and (
            not PHONE.fullmatch(phone) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]
        ):
            raise forms.ValidationError(
                "Enter a phone number, like 020 7946 0000 or +44 7700 900 982"
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number, ordinal in enumerate(ORDINALS, start=1):
            category = data.get(f"category_{number}")
            text = data.get(f"text_{number}", "").strip()
            location = data.get(f"location_{number}", "").strip()
            if category and not text and f"text_{number}" not in self.errors:
                self.add_error(
                    f"text_{number}", f"Tell us what is happening for your {ordinal} concern"
                )
            elif (
                number > 1
                and not category
                and (text or location)
                and f"category_{number}" not in self.errors
            ):
                self.add_error(f"category_{number}", f"Choose what your {ordinal} concern is about")
        return data

    def concerns(self) -> list[ConcernInput]:
        """The concerns given, in order (after is_valid())."""
        data = self.cleaned_data
        return [
            ConcernInput(
                category=data[f"category_{number}"],
                text=data[f"text_{number}"],
                location=data[f"location_{number}"],
            )
            for number in range(1, MAX_PUBLIC_CONCERNS + 1)
            if data.get(f"category_{number}")
        ]
