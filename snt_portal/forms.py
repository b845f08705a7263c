"""Helpers shared by every app's forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds import fields as crispy_fields
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

# The years a date in the portal may fall in: a typing slip beyond them is an error, not a
# record dated 19 or 20266.
MIN_YEAR, MAX_YEAR = 1900, 2099


def apply_service_errors(
    form: forms.Form, exc: ValidationError, *, unnamed_to: str | None = None
) -> None:
    """Show a service's ValidationError on the form that called it: on the field it names
    where the form has that field, otherwise on ``unnamed_to`` (e.g. the name field, for a
    uniqueness clash) or at the top, in the error summary."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            else:
                form.add_error(unnamed_to if name == NON_FIELD_ERRORS else None, errors)
    else:
        form.add_error(unnamed_to, exc.messages)


class DateInputField(crispy_fields.DateInputField):
    """crispy-forms-gds's day, month and year boxes, refusing whatever is not a real date.

    The library's field lets a box of spaces through as "no date" even when the date is
    required, and a number too big for a date (day 2147483648) raises OverflowError instead of
    an error on the form. Here spaces count as an empty box ("Enter the day") and anything that
    is not a date from 1900 to 2099 gets one clear message.
    """

    default_error_messages = {"not_a_date": "Enter a real date, for example 3 11 2026"}

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            value = [part.strip() if isinstance(part, str) else part for part in value]
        return super().clean(value)

    def compress(self, data_list: Any) -> dt.date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            date = dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["not_a_date"], code="invalid") from None
        if not MIN_YEAR <= date.year <= MAX_YEAR:
            raise ValidationError(self.error_messages["not_a_date"], code="invalid")
        return date
