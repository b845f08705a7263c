"""The OpenAPI schema (drf-spectacular): only the authenticated API, with every error response.

Each operation documents, besides its success, the errors it can answer (bodies in
``api.errors``): 401 and 403 wherever a sign-in is needed (a role refused, a session write
without its CSRF token, a session still to enter its second factor's code), 404 wherever the
path names an object (or a list's page), 400 and 415 on every write, and whatever a view adds
in its ``error_codes`` (a list's filters, a dashboard's period and place, the token
endpoint's 429).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

from api.errors import ErrorSerializer, ValidationErrorSerializer

ERRORS = {
    "400": "Invalid: the messages name the fields at fault.",
    "401": "Not authenticated: send `Authorization: Token <key>`, or sign in to the portal.",
    "403": (
        "Refused: your role may see this but not do it, a session request came without its "
        "CSRF token, or the session has not yet entered the code from its authenticator app "
        "(inspectors, borough managers, central analysts, administrators)."
    ),
    "404": "Not found, or outside what you may see.",
    "406": "Not acceptable: ask for `application/json` or `text/csv`.",
    "415": "Unsupported media type: send JSON (`Content-Type: application/json`).",
    "429": "Too many attempts: wait the seconds in `Retry-After`, then try again.",
}

SUCCESS = {
    "200": "OK.",
    "201": "Created: the new record, its address in `Location`.",
    "204": "Done: no body.",
}
WRITES = {"POST", "PUT", "PATCH"}


def authenticated_api_only(endpoints: list[Any], **kwargs: Any) -> list[Any]:
    """Leave out everything under /api/ but the versioned API (the open data has its own
    police.uk contract, and the schema and docs pages are not part of the API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class AutoSchema(SpectacularAutoSchema):
    def error_codes(self) -> set[str]:
        codes = set(getattr(self.view, "error_codes", ()))
        permissions = self.view.get_permissions()
        if not all(isinstance(p, AllowAny) for p in permissions):
            # 403: a role refused, a session write without its CSRF token, or a session still
            # to enter its second factor's code (snt_portal/otp.py), which any operation may be.
            codes |= {"401", "403"}
        if "{" in self.path:
            codes.add("404")
        if self.method in WRITES:
            codes |= {"400", "415"}
        if self.method == "GET" and getattr(self.view, "action", None) == "list":
            codes |= {"400", "404"}  # a filter's value; a page past the end
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, response in responses.items():
            if not response.get("description") and code in SUCCESS:
                response["description"] = SUCCESS[code]
        for code in sorted(self.error_codes() - set(responses)):
            body = ValidationErrorSerializer if code == "400" else ErrorSerializer
            response = self._get_response_for_code(  # type: ignore[no-untyped-call]
                body, code, ["application/json"], direction
            )
            response["description"] = ERRORS[code]
            responses[code] = response
        return dict(sorted(responses.items()))
