"""How dates, times and changes are written for people: `5 Mar 2027`, `14:03 UTC`."""

from datetime import UTC, date, datetime


def format_date(value: date | None) -> str:
    return f'{value.day} {value:%b %Y}' if value else ''


def format_timestamp(value: datetime) -> str:
    value = value.astimezone(UTC)
    return f'{format_date(value.date())} {value:%H:%M} UTC'


def format_change(old: str | None, new: str | None) -> str:
    """`50 → 75`; dates as people read them: `30 Jun 2026 → 30 Jun 2027`."""
    old, new = _readable(old), _readable(new)
    if old and new:
        return f'{old} → {new}'
    return new or old or ''


def _readable(value: str | None) -> str | None:
    if value and len(value) == 10:
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    return value
