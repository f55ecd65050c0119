"""The current date and time, in one place so that tests and scheduled jobs can be driven by a controlled clock."""

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def utc_date(moment: datetime) -> date:
    """The day `moment` falls on in UTC. Timestamps from the database are UTC already; a job's `now` may not be."""
    if moment.utcoffset() is None:
        raise ValueError('A time without a zone has no UTC date.')
    return moment.astimezone(UTC).date()
