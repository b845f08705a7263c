"""A database outage answers 503 "temporarily unavailable", not a 500 error page.

While PostgreSQL is down or restarting, every query raises ``OperationalError`` (or
``InterfaceError`` on a connection the server closed). Those are not bugs in the page: the
request may simply be tried again once the database is back, which Django reconnects to by
itself (``CONN_HEALTH_CHECKS``). The page is plain HTML on purpose: the portal's own templates
read the session and the user, which need the database that is down.

A view's error arrives at ``process_exception``. One raised by another middleware (the session
read or saved, the sign-in limits) has already been turned into Django's 500 response by the
time it gets here; ``got_request_exception``, sent while it is handled, marks the request, and
the 500 is replaced on the way out. So the middleware goes before SessionMiddleware.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
_MARK = "_snt_database_unavailable"

UNAVAILABLE_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Sorry, the service is unavailable - SNT Portal</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: arial, sans-serif; margin: 2em;">
<h1>Sorry, the service is temporarily unavailable</h1>
<p>The portal cannot reach its database just now. Nothing you were doing has been lost that
was already saved.</p>
<p>Try again in a minute.</p>
</body>
</html>
"""


def _is_outage(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


def _unavailable(request: HttpRequest, exception: BaseException | None) -> HttpResponse:
    logger.error("database unavailable for %s %s: %s", request.method, request.path, exception)
    response = HttpResponse(UNAVAILABLE_PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Sent from inside Django's ``except`` block, so the exception is the one in hand."""
    exception = sys.exc_info()[1]
    if request is not None and _is_outage(exception):
        setattr(request, _MARK, exception)


got_request_exception.connect(_mark_outage, dispatch_uid="snt_portal.database_unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        exception = getattr(request, _MARK, None)
        if exception is not None and response.status_code >= 500:
            return _unavailable(request, exception)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return _unavailable(request, exception) if _is_outage(exception) else None
