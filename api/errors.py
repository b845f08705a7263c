"""How the API reports errors, and their shapes for the schema.

Every error is JSON. A 400 is always a map from a field name to its messages, with
``non_field_errors`` for the request as a whole (a body that is not JSON, a rule about several
fields): the services' Django ``ValidationError``s become 400s naming the same fields as on the
pages. Every other error is ``{"detail": "..."}``: 401 not authenticated, 403 refused (a role
that may see the object but not do this, or a session request without its CSRF token), 404 not
found or outside what the user may see, 405, 406, 415 and 429.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler


def field_errors(exc: DjangoValidationError) -> dict[str, Any]:
    """A service's ValidationError as the API's 400 body: messages by field."""
    detail = as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return detail


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError(field_errors(exc))
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and response.status_code == status.HTTP_400_BAD_REQUEST
        and isinstance(response.data, dict)
        and set(response.data) == {"detail"}
    ):
        # A body that is not JSON (ParseError) reads like any other 400.
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: [response.data["detail"]]}
    return response


class NoSuchEndpoint(APIView):
    """Any other path under /api/v1/ (an id that is not a number, a table's name with a space):
    the API's own JSON 404 rather than the portal's HTML page, after authentication like every
    other endpoint (so an anonymous caller learns only that it must authenticate)."""

    schema = None  # not an operation

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error but a 400."""

    detail = serializers.CharField(help_text="What went wrong, in words.")


class ValidationErrorSerializer(serializers.Serializer[Any]):
    """A 400: each field's messages (see ``ValidationErrorExtension`` for its schema)."""


class ValidationErrorExtension(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    """The 400 body's schema: field name to messages. A list field's errors are per item
    (an object per item, empty for a valid one) or by index."""

    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        messages = {
            "type": "array",
            "items": {"anyOf": [{"type": "string"}, {"type": "object"}]},
        }
        return {
            "type": "object",
            "description": (
                "Messages by field name; `non_field_errors` for the request as a whole. "
                "The errors of a list field are per item."
            ),
            "additionalProperties": {"anyOf": [messages, {"type": "object"}]},
            "example": {
                "quantity": ["“Arrest” is counted in whole numbers."],
                "date": ["The date cannot be in the future."],
            },
        }
