"""The four files' columns, and one record of each read into a row; what is wrong with a record is listed instead."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from dashboard.domain.models import HistoryAction, LicenceKind, Plan, Region, Role
from dashboard.importer import fields
from dashboard.importer.csv_files import FileLayout

ORGANISATIONS = FileLayout(
    'organisations.csv',
    required=('serial_number', 'name', 'plan', 'region', 'subscription_end'),
    optional=('main_contact_email',),
)
USERS = FileLayout('users.csv', required=('serial_number', 'full_name', 'email', 'role'), optional=('phone',))
LICENCES = FileLayout('licences.csv', required=('serial_number', 'kind', 'total', 'in_use', 'expiry_date'))
HISTORY = FileLayout(
    'licence_history.csv',
    required=('serial_number', 'occurred_at', 'actor', 'action'),
    optional=('kind', 'old_value', 'new_value', 'note'),
)
MAX_NAME = 200
MAX_HISTORY_VALUE = 200
MAX_NOTE = 1000


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    line: int
    serial_number: str
    name: str
    plan: Plan
    region: Region
    subscription_end: date
    main_contact_email: str | None


@dataclass(frozen=True, slots=True)
class UserRow:
    line: int
    serial_number: str | None  # None for vendor staff
    full_name: str
    email: str
    phone: str | None
    role: Role

    @property
    def email_key(self) -> str:
        return self.email.lower()


@dataclass(frozen=True, slots=True)
class PoolRow:
    line: int
    serial_number: str
    kind: LicenceKind
    total: int
    in_use: int
    expiry_date: date


@dataclass(frozen=True, slots=True)
class HistoryRow:
    serial_number: str
    occurred_at: datetime
    actor: str
    action: HistoryAction
    kind: LicenceKind | None
    old_value: str | None
    new_value: str | None
    note: str | None


Parsed = tuple[Any, list[str]]  # the row, or None and what is wrong with the record
Reader = Callable[[str, str], Any]  # (column, text) to value, or raises fields.BadValue

_ORGANISATION_COLUMNS: tuple[tuple[str, Reader, bool], ...] = (
    ('serial_number', fields.serial_number, True),
    ('name', partial(fields.text, max_length=MAX_NAME), True),
    ('plan', partial(fields.choice, choices=Plan), True),
    ('region', partial(fields.choice, choices=Region), True),
    ('subscription_end', fields.day, True),
    ('main_contact_email', fields.email, False),
)
_USER_COLUMNS: tuple[tuple[str, Reader, bool], ...] = (
    ('full_name', partial(fields.text, max_length=MAX_NAME), True),
    ('email', fields.email, True),
    ('phone', fields.phone, False),
    ('role', partial(fields.choice, choices=Role), True),
)
_POOL_COLUMNS: tuple[tuple[str, Reader, bool], ...] = (
    ('serial_number', fields.serial_number, True),
    ('kind', partial(fields.choice, choices=LicenceKind), True),
    ('total', fields.whole_number, True),
    ('in_use', fields.whole_number, True),
    ('expiry_date', fields.day, True),
)
_HISTORY_COLUMNS: tuple[tuple[str, Reader, bool], ...] = (
    ('serial_number', fields.serial_number, True),
    ('occurred_at', fields.timestamp, True),
    ('actor', partial(fields.text, max_length=MAX_NAME), True),
    ('action', partial(fields.choice, choices=HistoryAction), True),
    ('kind', partial(fields.choice, choices=LicenceKind), False),
    ('old_value', partial(fields.text, max_length=MAX_HISTORY_VALUE), False),
    ('new_value', partial(fields.text, max_length=MAX_HISTORY_VALUE), False),
    ('note', partial(fields.text, max_length=MAX_NOTE, line_feeds=True), False),
)


def parse_organisation(line: int, record: dict[str, str]) -> Parsed:
    values, errors = _read(record, _ORGANISATION_COLUMNS)
    return (None, errors) if errors else (OrganisationRow(line=line, **values), [])


def parse_user(line: int, record: dict[str, str]) -> Parsed:
    """Customer users belong to an organisation; vendor staff to none."""
    values, errors = _read(record, _USER_COLUMNS)
    role, serial = values['role'], record['serial_number'].strip()
    if role is not None and role.is_vendor and serial:
        errors.insert(0, f"serial_number must be empty for vendor staff (role '{role}')")
    elif role is not None and not role.is_vendor:
        if not serial:
            errors.insert(0, f"serial_number is required for role '{role}'")
        else:
            serial_values, serial_errors = _read(record, (('serial_number', fields.serial_number, True),))
            errors[:0] = serial_errors
            values.update(serial_values)
    return (None, errors) if errors else (UserRow(line=line, **{'serial_number': None, **values}), [])


def parse_pool(line: int, record: dict[str, str]) -> Parsed:
    values, errors = _read(record, _POOL_COLUMNS)
    if values['total'] is not None and values['in_use'] is not None and values['in_use'] > values['total']:
        errors.append(f'in_use {values["in_use"]} is more than total {values["total"]}')
    return (None, errors) if errors else (PoolRow(line=line, **values), [])


def parse_history(line: int, record: dict[str, str]) -> Parsed:
    """Called twice for each of possibly millions of rows, so kept lean."""
    values, errors = _read(record, _HISTORY_COLUMNS)
    return (None, errors) if errors else (HistoryRow(**values), [])


def _read(record: dict[str, str], columns: tuple[tuple[str, Reader, bool], ...]) -> tuple[dict[str, Any], list[str]]:
    """Each column's value (None when empty or bad), and what is wrong, column by column."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for column, read, required in columns:
        text = record.get(column, '').strip()
        values[column] = None
        if text:
            try:
                values[column] = read(column, text)
            except fields.BadValue as error:
                errors.append(str(error))
        elif required:
            errors.append(f'{column} is required but empty')
    return values, errors
