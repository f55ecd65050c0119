"""The delivery and jobs tests' world: an SMTP server up or down, and emails queued in and read from the outbox."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.models import OutboxEmail
from tests.jobs.smtp_server import SmtpServer, free_port

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Running; `stop()` and `start()` take it down and up again on the same port."""
    server = SmtpServer(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """Nothing listens on its port until the test calls `start()`."""
    server = SmtpServer(port=free_port())
    yield server
    server.stop()


def queue(db, count: int = 1, to: str | list[str] = 'ops@customer.example') -> list[int]:
    with db.session() as session:
        for n in range(count):
            queue_email(session=session, to=to, subject=f'Email {n}', body_text=f'Text {n}',
                        body_html=f'<p>HTML {n}</p>')
        session.commit()
        return list(session.exec(select(OutboxEmail.id).order_by(OutboxEmail.id)).all())


def outbox(db) -> list[OutboxEmail]:
    with db.session() as session:
        return list(session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all())
