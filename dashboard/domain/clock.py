"""The current date and time, in one place so that tests and scheduled jobs can be driven by a controlled clock."""

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()
