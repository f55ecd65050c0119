"""Writing a checked folder in one transaction: organisations, users and licence pools are matched and updated in
place, history rows are added unless an identical one is stored. Pool changes made here write no licence history."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, bindparam, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from dashboard.db import Database, table_of
from dashboard.domain import clock
from dashboard.domain.auth.models import UserSession
from dashboard.domain.auth.sessions import close_sessions
from dashboard.domain.changes import SESSIONS_ENDED, Change
from dashboard.domain.models import LicencePool, Organisation, User
from dashboard.importer.history_writer import write_history
from dashboard.importer.organisation_ids import LOOKUP_CHUNK, OrganisationIds
from dashboard.importer.problems import ImportFailed
from dashboard.importer.report import Counts, ImportReport
from dashboard.importer.validation import CheckedFolder

_organisation = table_of(Organisation)
_user = table_of(User)
_pool = table_of(LicencePool)


def write_folder(*, db: Database, folder: CheckedFolder, progress: bool) -> ImportReport:
    """All or nothing: any failure rolls the whole transaction back."""
    try:
        with db.engine.begin() as connection:
            ids = OrganisationIds(connection)
            organisations = _write_organisations(connection, folder=folder, ids=ids)
            users = _write_users(connection, folder=folder, ids=ids)
            ended = _end_sessions_of_changed_users(connection, users.changed_ids)
            organisations.updated |= _set_main_contacts(connection, folder=folder, ids=ids, users_moved=users.moved)
            pools = _write_pools(connection, folder=folder, ids=ids)
            added, skipped = (
                write_history(connection=connection, path=folder.history, ids=ids, progress=progress)
                if folder.history
                else (0, 0)
            )
    except DBAPIError as error:
        raise ImportFailed([f'the database refused the import, so nothing was imported: {error.orig}']) from error
    if ended:
        db.changes.publish([Change(organisation_id=0, what=SESSIONS_ENDED, session_ids=tuple(ended))])
    return ImportReport(
        organisations=organisations.counts(),
        users=users.counts(),
        pools=pools.counts(),
        history_added=added,
        history_skipped=skipped,
    )


@dataclass
class _Written:
    """Which rows of one file were created, updated or left as they were, by their key."""

    created: set[Any] = field(default_factory=set)
    updated: set[Any] = field(default_factory=set)
    keys: set[Any] = field(default_factory=set)
    moved: bool = False  # a user changed organisation
    changed_ids: set[int] = field(default_factory=set)  # rows whose `ends_sessions` columns changed

    def counts(self) -> Counts:
        updated = self.updated - self.created
        return Counts(
            created=len(self.created), updated=len(updated), unchanged=len(self.keys - self.created - updated)
        )


def _write_organisations(connection: Connection, *, folder: CheckedFolder, ids: OrganisationIds) -> _Written:
    rows = [
        {
            'serial_number': row.serial_number,
            'name': row.name,
            'plan': row.plan,
            'region': row.region,
            'subscription_end': row.subscription_end,
        }
        for row in folder.organisations
    ]
    written = _upsert(
        connection, table=_organisation, key=('serial_number',), rows=rows, on_insert={'created_at': clock.now()}
    )
    ids.load(row.serial_number for row in folder.organisations)
    return written


def _write_users(connection: Connection, *, folder: CheckedFolder, ids: OrganisationIds) -> _Written:
    ids.load(row.serial_number for row in folder.users if row.serial_number)
    rows = [
        {
            'email_key': row.email_key,
            'email': row.email,
            'full_name': row.full_name,
            'phone': row.phone,
            'role': row.role,
            'organisation_id': ids[row.serial_number] if row.serial_number else None,
        }
        for row in folder.users
    ]
    return _upsert(
        connection,
        table=_user,
        key=('email_key',),
        rows=rows,
        on_insert={'created_at': clock.now(), 'is_active': True, 'password_hash': None},
        watch='organisation_id',
        ends_sessions=('role', 'organisation_id'),
    )


def _end_sessions_of_changed_users(connection: Connection, user_ids: set[int]) -> list[int]:
    """A user given another role or organisation is signed out everywhere: no page keeps powers they lost."""
    ended: list[int] = []
    chunk_ids = sorted(user_ids)
    for start in range(0, len(chunk_ids), LOOKUP_CHUNK):
        chunk = chunk_ids[start:start + LOOKUP_CHUNK]
        ended += close_sessions(connection, col(UserSession.user_id).in_(chunk), reason='role_changed')
    return ended


def _set_main_contacts(
    connection: Connection, *, folder: CheckedFolder, ids: OrganisationIds, users_moved: bool
) -> set[tuple[str]]:
    """Sets the main contacts the file names, once the users exist; an empty cell leaves the current one. A contact
    who moved to another organisation stops being the old one's. Returns the keys of the organisations changed."""
    wanted = {
        row.serial_number: row.main_contact_email.lower() for row in folder.organisations if row.main_contact_email
    }
    user_ids = dict(_select_in(connection, (_user.c.email_key, _user.c.id), _user.c.email_key, wanted.values()))
    current = dict(
        _select_in(
            connection,
            (_organisation.c.serial_number, _organisation.c.main_contact_id),
            _organisation.c.serial_number,
            wanted,
        )
    )
    changes = {ids[serial]: user_ids[email] for serial, email in wanted.items() if current[serial] != user_ids[email]}
    if users_moved:
        elsewhere = select(_user.c.id).where(
            or_(_user.c.organisation_id.is_(None), _user.c.organisation_id != _organisation.c.id)
        )
        stale = select(_organisation.c.id).where(_organisation.c.main_contact_id.in_(elsewhere.scalar_subquery()))
        changes.update(dict.fromkeys(connection.execute(stale).scalars()))
    if changes:
        statement = update(_organisation).where(_organisation.c.id == bindparam('organisation'))
        connection.execute(
            statement,
            [
                {'organisation': organisation_id, 'main_contact_id': user_id}
                for organisation_id, user_id in changes.items()
            ],
        )
    return {(row.serial_number,) for row in folder.organisations if ids[row.serial_number] in changes}


def _write_pools(connection: Connection, *, folder: CheckedFolder, ids: OrganisationIds) -> _Written:
    ids.load(row.serial_number for row in folder.pools)
    rows = [
        {
            'organisation_id': ids[row.serial_number],
            'kind': row.kind,
            'total': row.total,
            'in_use': row.in_use,
            'expiry_date': row.expiry_date,
        }
        for row in folder.pools
    ]
    return _upsert(connection, table=_pool, key=('organisation_id', 'kind'), rows=rows)


def _upsert(
    connection: Connection,
    *,
    table: Table,
    key: Sequence[str],
    rows: list[dict[str, Any]],
    on_insert: dict[str, Any] | None = None,
    watch: str = '',
    ends_sessions: Sequence[str] = (),
) -> _Written:
    """Inserts the rows whose key is new and updates those that differ from the stored row; the key's first column
    finds the stored rows. `watch` names a column whose change is flagged in `moved`."""
    written = _Written(keys={tuple(row[column] for column in key) for row in rows})
    columns = [table.c[name] for name in rows[0]] if rows else []
    stored = {
        tuple(found[column] for column in key): found
        for found in _select_in(
            connection, (table.c.id, *columns), table.c[key[0]], {row[key[0]] for row in rows}, mappings=True
        )
    }
    inserts, updates = [], []
    for row in rows:
        row_key = tuple(row[column] for column in key)
        old = stored.get(row_key)
        if old is None:
            inserts.append({**row, **(on_insert or {})})
            written.created.add(row_key)
        elif any(old[name] != value for name, value in row.items()):
            updates.append({**row, 'row_id': old['id']})
            written.updated.add(row_key)
            written.moved |= bool(watch) and old[watch] != row[watch]
            if any(old[name] != row[name] for name in ends_sessions):
                written.changed_ids.add(old['id'])
    if inserts:
        connection.execute(table.insert(), inserts)
    if updates:
        connection.execute(update(table).where(table.c.id == bindparam('row_id')), updates)
    return written


def _select_in(
    connection: Connection, columns: Sequence[Any], match: Any, values: Iterable[Any], *, mappings: bool = False
) -> list[Any]:
    """The rows whose `match` column is one of `values`, fetched in chunks that every database accepts."""
    wanted = sorted(set(values))
    found: list[Any] = []
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        result = connection.execute(select(*columns).where(match.in_(wanted[start : start + LOOKUP_CHUNK])))
        found.extend(result.mappings().all() if mappings else result.all())
    return found
