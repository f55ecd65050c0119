"""Checking a folder completely before anything is written: every row of every file, and how the files fit together."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from dashboard.db import Database
from dashboard.domain.models import Organisation, Role, User
from dashboard.importer import fields
from dashboard.importer.csv_files import FileLayout, read_records
from dashboard.importer.problems import Problems
from dashboard.importer.progress import ProgressBar
from dashboard.importer.rows import (
    HISTORY,
    LICENCES,
    ORGANISATIONS,
    USERS,
    OrganisationRow,
    PoolRow,
    UserRow,
    parse_history,
    parse_organisation,
    parse_pool,
    parse_user,
)

LOOKUP_CHUNK = 500
_VENDOR_ROLES = {role.value for role in Role if role.is_vendor}


@dataclass(frozen=True)
class CheckedFolder:
    """Everything to write. The history is only named here: it is read again, row by row, while it is written."""

    organisations: list[OrganisationRow]
    users: list[UserRow]
    pools: list[PoolRow]
    history: Path | None


def check_folder(*, db: Database, directory: Path, progress: bool) -> CheckedFolder:
    """Reads every file to the end and raises ImportFailed with what is wrong, if anything is."""
    problems = Problems()
    history = _existing(directory / HISTORY.name)
    with db.session() as session:
        organisations, serials_in_file = _check_organisations(path=directory / ORGANISATIONS.name, problems=problems)
        known = _KnownOrganisations(session=session, in_file=serials_in_file)
        users, owners = _check_users(path=_existing(directory / USERS.name), known=known, problems=problems)
        _check_main_contacts(session=session, organisations=organisations, owners=owners, problems=problems)
        pools = _check_pools(path=_existing(directory / LICENCES.name), known=known, problems=problems)
        if history:
            _check_history(path=history, known=known, problems=problems, progress=progress)
    problems.raise_if_any()
    return CheckedFolder(organisations=organisations, users=users, pools=pools, history=history)


def _check_organisations(*, path: Path, problems: Problems) -> tuple[list[OrganisationRow], set[str] | None]:
    """The good rows, and every serial number the file names, or None when a line could not be read at all: then no
    other file is told that its serial numbers are unknown, as they may be on that line."""
    rows: list[OrganisationRow] = []
    first_line: dict[str, int] = {}
    if not path.is_file():
        problems.add(ORGANISATIONS.name, None, f'not found in {path.parent}; this file is required')
        return rows, None
    counted = problems.count  # plus the problems of rows read; any others are lines that could not be read
    for line, record in read_records(path=path, layout=ORGANISATIONS, problems=problems):
        row, errors = parse_organisation(line, record)
        serial = record['serial_number'].strip()
        if serial in first_line:
            errors.append(f"serial_number '{serial}' is already on line {first_line[serial]}")
        elif serial:
            first_line[serial] = line
        _report(problems, ORGANISATIONS, line, errors)
        counted += len(errors)
        if not errors:
            rows.append(row)
    return rows, set(first_line) if problems.count == counted else None


def _check_users(
    *, path: Path | None, known: '_KnownOrganisations', problems: Problems
) -> tuple[list[UserRow], dict[str, str | None]]:
    """The good rows, and the organisation's serial number (None for vendor staff) of every email in the file."""
    rows: list[UserRow] = []
    owners: dict[str, str | None] = {}
    first_line: dict[str, int] = {}
    for line, record in _records(path, USERS, problems):
        row, errors = parse_user(line, record)
        if record['role'].strip() not in _VENDOR_ROLES:
            errors.extend(_unknown_serial(record, known))
        email = record['email'].strip()
        if email.lower() in first_line:
            errors.append(
                f"email '{email}' is already on line {first_line[email.lower()]} "
                '(emails are compared without regard to case)'
            )
        elif email:
            first_line[email.lower()] = line
            owners[email.lower()] = record['serial_number'].strip() or None
        _report(problems, USERS, line, errors)
        if not errors:
            rows.append(row)
    return rows, owners


def _check_main_contacts(
    *, session: Session, organisations: list[OrganisationRow], owners: dict[str, str | None], problems: Problems
) -> None:
    """A main contact is one of the organisation's own users, in users.csv or already in the database."""
    wanted = [(row, row.main_contact_email) for row in organisations if row.main_contact_email]
    in_database = _database_owners(session, {email.lower() for _row, email in wanted} - owners.keys())
    for row, email in wanted:
        key = email.lower()
        if key not in owners and key not in in_database:
            message = f"main_contact_email '{email}' is not a user in {USERS.name} or in the database"
        else:
            owner = owners[key] if key in owners else in_database[key]
            if owner == row.serial_number:
                continue
            whose = f'of {owner}' if owner else 'vendor staff'
            message = f"main_contact_email '{email}' is not a user of {row.serial_number} but {whose}"
        problems.add(ORGANISATIONS.name, row.line, message)


def _check_pools(*, path: Path | None, known: '_KnownOrganisations', problems: Problems) -> list[PoolRow]:
    rows: list[PoolRow] = []
    first_line: dict[tuple[str, str], int] = {}
    for line, record in _records(path, LICENCES, problems):
        row, errors = parse_pool(line, record)
        errors.extend(_unknown_serial(record, known))
        pool = (record['serial_number'].strip(), record['kind'].strip())
        if pool in first_line:
            errors.append(
                f'{pool[0]} already has a {pool[1]} row on line {first_line[pool]}; '
                'there can be one per organisation and kind'
            )
        elif all(pool):
            first_line[pool] = line
        _report(problems, LICENCES, line, errors)
        if not errors:
            rows.append(row)
    return rows


def _check_history(*, path: Path, known: '_KnownOrganisations', problems: Problems, progress: bool) -> None:
    """Streams the file: no row is kept, however many there are."""
    with ProgressBar(label=f'Checking {HISTORY.name}', total_bytes=path.stat().st_size, enabled=progress) as bar:
        for line, record in read_records(path=path, layout=HISTORY, problems=problems, on_progress=bar.update):
            _row, errors = parse_history(line, record)
            errors.extend(_unknown_serial(record, known))
            _report(problems, HISTORY, line, errors)


class _KnownOrganisations:
    """Serial numbers in organisations.csv or already in the database, each looked up in the database once.
    When organisations.csv could not be read (`in_file` is None), every serial number counts as known."""

    def __init__(self, *, session: Session, in_file: set[str] | None) -> None:
        self.session = session
        self.everything = in_file is None
        self.known = set(in_file or ())
        self.unknown: set[str] = set()

    def __contains__(self, serial: str) -> bool:
        if self.everything or serial in self.known:
            return True
        if serial in self.unknown:
            return False
        query = select(Organisation.id).where(Organisation.serial_number == serial)
        found = self.session.exec(query).first() is not None
        (self.known if found else self.unknown).add(serial)
        return found


def _unknown_serial(record: dict[str, str], known: _KnownOrganisations) -> list[str]:
    serial = record['serial_number'].strip()
    if not fields.SERIAL_NUMBER.fullmatch(serial) or serial in known:
        return []
    return [f"serial_number '{serial}' is not an organisation in {ORGANISATIONS.name} or in the database"]


def _database_owners(session: Session, email_keys: Iterable[str]) -> dict[str, str | None]:
    """The serial number of the organisation (None for vendor staff) of each of these emails that has a user."""
    keys = sorted(email_keys)
    owners: dict[str, str | None] = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        query = (
            select(User.email_key, Organisation.serial_number)
            .outerjoin(Organisation, col(User.organisation_id) == col(Organisation.id))
            .where(col(User.email_key).in_(keys[start : start + LOOKUP_CHUNK]))
        )
        owners.update(session.exec(query).all())
    return owners


def _records(path: Path | None, layout: FileLayout, problems: Problems) -> Iterable[tuple[int, dict[str, str]]]:
    return read_records(path=path, layout=layout, problems=problems) if path else ()


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def _report(problems: Problems, layout: FileLayout, line: int, errors: list[str]) -> None:
    for error in errors:
        problems.add(layout.name, line, error)
