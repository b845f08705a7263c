"""Sending notification emails exactly once.

``send_once`` claims the (key, recipient) row first, in the same transaction as the send: if
the row exists the email was sent (or is being sent by a twin task) and nothing happens. A
send that fails rolls the claim back, so the retry sends it. Tasks call this with plain values.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from snt_portal.models import SentNotification


def send_once(*, key: str, recipient: str, subject: str, body: str) -> bool:
    """Send ``body`` to ``recipient`` unless this ``key`` was already sent to them.

    Returns True when an email went out now.
    """
    if not recipient:
        return False
    try:
        with transaction.atomic():
            SentNotification.objects.create(key=key, recipient=recipient, subject=subject)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    except IntegrityError:
        return False
    return True
