"""Reading one value: each reader returns the value or raises `BadValue` with a message that names the column."""

import enum
import functools
import re
from datetime import date, datetime
from typing import TypeVar

from dashboard.domain.safe_text import describe_character, unsafe_character

SERIAL_NUMBER = re.compile(r'[A-Za-z0-9_-]{1,64}')
DAY = re.compile(r'\d{4}-\d{2}-\d{2}')
TIMESTAMP = re.compile(r'\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*')
EMAIL = re.compile(r'[^@\s]+@[^@\s.]+(\.[^@\s.]+)+')
PHONE = re.compile(r'[0-9 +\-().]*')
MAX_EMAIL = 320
MAX_PHONE = 32
MAX_WHOLE_NUMBER = 2_147_483_647  # the largest INTEGER the databases store
E = TypeVar('E', bound=enum.StrEnum)


class BadValue(ValueError):
    pass


def serial_number(column: str, raw: str) -> str:
    if not SERIAL_NUMBER.fullmatch(raw):
        raise BadValue(f"{column} {shown(raw)} must be 1 to 64 characters of letters A-Z, digits, '-' and '_'")
    return raw


def text(column: str, raw: str, *, max_length: int, line_feeds: bool = False) -> str:
    """Text of at most `max_length` characters, with no character unsafe in a name (`line_feeds`: a longer text,
    which may have line feeds)."""
    if len(raw) > max_length:
        raise BadValue(f'{column} is {len(raw):,} characters long; at most {max_length:,} are allowed')
    _refuse_unsafe(column, raw, line_feeds=line_feeds)
    return raw


def choice(column: str, raw: str, *, choices: type[E]) -> E:
    if raw not in _values(choices):
        raise BadValue(f'{column} {shown(raw)} is not one of {", ".join(choices)}')
    return choices(raw)


def day(column: str, raw: str) -> date:
    if not DAY.fullmatch(raw):
        raise BadValue(f'{column} {shown(raw)} is not a date in the form YYYY-MM-DD')
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadValue(f'{column} {shown(raw)} is not a real date') from None


def timestamp(column: str, raw: str) -> datetime:
    """An ISO 8601 timestamp that says its offset from UTC; one without could mean any time zone."""
    try:
        value = datetime.fromisoformat(raw) if TIMESTAMP.fullmatch(raw) else None
    except ValueError:
        value = None
    if value is None:
        raise BadValue(f'{column} {shown(raw)} is not an ISO 8601 timestamp such as 2026-03-01T10:15:00Z')
    if value.utcoffset() is None:
        raise BadValue(f"{column} {shown(raw)} has no offset from UTC; add 'Z' for UTC or one such as '+01:00'")
    return value


def email(column: str, raw: str) -> str:
    _refuse_unsafe(column, raw)
    if len(raw) > MAX_EMAIL or not EMAIL.fullmatch(raw):
        raise BadValue(f'{column} {shown(raw)} is not an email address')
    return raw


def phone(column: str, raw: str) -> str:
    if not PHONE.fullmatch(raw):
        raise BadValue(f'{column} {shown(raw)} may only contain digits, spaces and + - ( ) .')
    if len(raw) > MAX_PHONE:
        raise BadValue(f'{column} {shown(raw)} is {len(raw)} characters long; at most {MAX_PHONE} are allowed')
    return raw


def whole_number(column: str, raw: str) -> int:
    if not raw.isascii() or not raw.isdigit():
        raise BadValue(f'{column} {shown(raw)} is not a whole number of 0 or more')
    if int(raw) > MAX_WHOLE_NUMBER:
        raise BadValue(f'{column} {shown(raw)} is too large; at most {MAX_WHOLE_NUMBER:,} is allowed')
    return int(raw)


def _refuse_unsafe(column: str, raw: str, *, line_feeds: bool = False) -> None:
    char = unsafe_character(raw, line_feeds=line_feeds)
    if char is not None:
        position = raw.index(char) + 1
        raise BadValue(f'{column} has the control or invisible character {describe_character(char)} at character '
                       f'{position:,}; remove it (it could stop or disguise the emails that name it)')


@functools.cache
def _values(choices: type[enum.StrEnum]) -> frozenset[str]:
    return frozenset(member.value for member in choices)


def shown(raw: str, limit: int = 60) -> str:
    """A value quoted for a message, shortened when long."""
    return f"'{raw}'" if len(raw) <= limit else f"'{raw[:limit]}…'"
