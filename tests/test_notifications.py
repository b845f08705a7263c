"""Notification emails go out once, however often the task runs."""

from __future__ import annotations

import pytest
from django.core import mail

from snt_portal.notifications import send_once


@pytest.mark.django_db
def test_a_retried_send_sends_no_duplicate() -> None:
    for _ in range(3):
        send_once(key="meeting-reminder:1", recipient="chair@example.org", subject="S", body="B")
    send_once(key="meeting-reminder:1", recipient="member@example.org", subject="S", body="B")
    assert sorted(m.to[0] for m in mail.outbox) == ["chair@example.org", "member@example.org"]


@pytest.mark.django_db
def test_a_failed_send_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("snt_portal.notifications.send_mail", broken)
    with pytest.raises(ConnectionError):
        send_once(key="ballot-opened:7", recipient="a@example.org", subject="S", body="B")
    monkeypatch.undo()
    assert send_once(key="ballot-opened:7", recipient="a@example.org", subject="S", body="B")
    assert len(mail.outbox) == 1
