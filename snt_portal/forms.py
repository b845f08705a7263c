"""Helpers shared by every app's forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
