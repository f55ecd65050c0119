"""Writes the demo into an empty database: in one transaction, with bulk inserts, so that a million history rows
take well under a minute rather than hours."""

import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Table, bindparam, insert, update

from dashboard.db import Database
from dashboard.demo_data.licences import simulate_licences
from dashboard.demo_data.logins import demo_password_hash
from dashboard.demo_data.organisations import SHOWCASE_HISTORY_ROWS, OrganisationPlan, OrganisationPlanner
from dashboard.demo_data.people import UserPlan, vendor_staff
from dashboard.demo_data.request_rows import RequestRows
from dashboard.demo_data.requests import plan_requests
from dashboard.domain import clock
from dashboard.domain.models import (
    AuditEntry,
    DeletionRequest,
    LicenceHistory,
    LicencePool,
    LicenceRequest,
    Organisation,
    Role,
    User,
)

BATCH_ROWS = 5000
ORGANISATIONS: Table = Organisation.__table__  # type: ignore[attr-defined]
USERS: Table = User.__table__  # type: ignore[attr-defined]
POOLS: Table = LicencePool.__table__  # type: ignore[attr-defined]
HISTORY: Table = LicenceHistory.__table__  # type: ignore[attr-defined]
DELETION_REQUESTS: Table = DeletionRequest.__table__  # type: ignore[attr-defined]
LICENCE_REQUESTS: Table = LicenceRequest.__table__  # type: ignore[attr-defined]
AUDIT: Table = AuditEntry.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    users: int
    licence_pools: int
    history_rows: int
    open_deletion_requests: int
    withdrawn_deletion_requests: int
    licence_requests: int
    seed: int

    def describe(self) -> str:
        made = [
            _counted(self.organisations, 'organisation'),
            _counted(self.users, 'user'),
            _counted(self.licence_pools, 'licence pool'),
        ]
        withdrawn = (
            f' ({self.withdrawn_deletion_requests:,} withdrawn earlier)' if self.withdrawn_deletion_requests else ''
        )
        waiting = (
            f'{_counted(self.open_deletion_requests, "open deletion request")}{withdrawn} and '
            f'{_counted(self.licence_requests, "open licence request")}'
        )
        return (
            f'Created {", ".join(made)} and {_counted(self.history_rows, "history row")}; {waiting} (seed {self.seed}).'
        )


def generate_demo(
    *,
    db: Database,
    organisations: int,
    seed: int,
    progress: bool = False,
    showcase_history_rows: int = SHOWCASE_HISTORY_ROWS,
) -> DemoSummary:
    """Fills an empty, migrated database; the same seed on the same day gives the same data.

    `showcase_history_rows` sizes the history of the showcase organisation (the first one), e.g. for benchmarks."""
    if organisations < 1:
        raise ValueError('The demo needs at least one organisation.')
    today = clock.today()
    planner = OrganisationPlanner(seed=seed, today=today, showcase_history_rows=showcase_history_rows)
    plans = [planner.plan(index) for index in range(organisations)]
    staff = vendor_staff()
    vendor_admins = [person.full_name for person in staff if person.role is Role.VENDOR_ADMIN]
    meter = _Progress(organisations, enabled=progress)
    with db.engine.begin() as connection:
        organisation_ids = _insert_organisations(connection, plans)
        users, user_ids = _insert_users(connection, plans, organisation_ids, staff)
        pools, rows = 0, 0
        for pool_batch, history_batch in _licences(plans, organisation_ids, seed, today, vendor_admins, meter):
            pools += _insert(connection, POOLS, pool_batch)
            rows += _insert(connection, HISTORY, history_batch)
        requests = _insert_requests(connection, plans, organisation_ids, user_ids, seed, today)
    meter.finish()
    return DemoSummary(
        organisations=organisations,
        users=users,
        licence_pools=pools,
        history_rows=rows,
        open_deletion_requests=requests.open_deletions,
        withdrawn_deletion_requests=len(requests.deletions) - requests.open_deletions,
        licence_requests=len(requests.licence_requests),
        seed=seed,
    )


def _insert_organisations(connection: Connection, plans: Sequence[OrganisationPlan]) -> list[int]:
    rows = [
        {
            'serial_number': plan.serial_number,
            'name': plan.name,
            'plan': plan.plan.value,
            'region': plan.region.value,
            'subscription_end': plan.subscription_end,
            'main_contact_id': None,
            'cancelled_at': None,
            'created_at': plan.created_at,
        }
        for plan in plans
    ]
    return _insert_returning_ids(connection, ORGANISATIONS, rows)


def _insert_users(
    connection: Connection,
    plans: Sequence[OrganisationPlan],
    organisation_ids: Sequence[int],
    staff: Sequence[UserPlan],
) -> tuple[int, list[list[int]]]:
    """Vendor staff and every organisation's users; then each organisation's main contact, which is one of them.

    Returns how many users there are, and the ids of each organisation's users in the order of its plan."""
    password_hash = demo_password_hash()
    rows = [_user_row(person, None, datetime(2020, 1, 6, 9, tzinfo=UTC), password_hash) for person in staff]
    first_user = []
    for plan, organisation_id in zip(plans, organisation_ids, strict=True):
        first_user.append(len(rows))
        rows += [
            _user_row(person, organisation_id, plan.user_created_at(position), password_hash)
            for position, person in enumerate(plan.users)
        ]
    user_ids = _insert_returning_ids(connection, USERS, rows)
    contacts = [
        {'organisation': organisation_id, 'contact': user_ids[first + plan.main_contact]}
        for plan, organisation_id, first in zip(plans, organisation_ids, first_user, strict=True)
        if plan.main_contact is not None
    ]
    statement = (
        update(ORGANISATIONS)
        .where(ORGANISATIONS.c.id == bindparam('organisation'))
        .values(main_contact_id=bindparam('contact'))
    )
    for batch in _batches(contacts):
        connection.execute(statement, batch)
    by_organisation = [user_ids[first : first + len(plan.users)] for plan, first in zip(plans, first_user, strict=True)]
    return len(rows), by_organisation


def _user_row(person: UserPlan, organisation_id: int | None, created_at: datetime, password_hash: str) -> dict:
    return {
        'organisation_id': organisation_id,
        'full_name': person.full_name,
        'email': person.email,
        'email_key': person.email.lower(),
        'phone': person.phone,
        'role': person.role.value,
        'password_hash': password_hash if person.demo_login else None,
        'is_active': person.is_active,
        'created_at': created_at,
    }


def _licences(
    plans: Sequence[OrganisationPlan],
    organisation_ids: Sequence[int],
    seed: int,
    today: date,
    vendor_admins: Sequence[str],
    meter: '_Progress',
) -> Iterable[tuple[list[dict], list[dict]]]:
    """Pool and history rows in batches of a few thousand, so that even a huge demo never sits in memory whole."""
    pools: list[dict] = []
    history: list[dict] = []
    for plan, organisation_id in zip(plans, organisation_ids, strict=True):
        plan_pools, plan_history = simulate_licences(
            plan, organisation_id=organisation_id, seed=seed, today=today, vendor_admins=vendor_admins
        )
        pools += plan_pools
        history += plan_history
        meter.advance(len(plan_history))
        while len(history) >= BATCH_ROWS:
            yield pools, history[:BATCH_ROWS]
            pools, history = [], history[BATCH_ROWS:]
    yield pools, history


def _insert_requests(
    connection: Connection,
    plans: Sequence[OrganisationPlan],
    organisation_ids: Sequence[int],
    user_ids: Sequence[list[int]],
    seed: int,
    today: date,
) -> RequestRows:
    """Deletion and licence requests, and their audit entries; a withdrawal's entry names its request's id."""
    requests = RequestRows()
    for plan, organisation_id, ids in zip(plans, organisation_ids, user_ids, strict=True):
        requests.add(plan, plan_requests(plan, seed=seed, today=today), organisation_id=organisation_id, user_ids=ids)
    deletion_ids = _insert_returning_ids(connection, DELETION_REQUESTS, requests.deletions)
    for batch in _batches(requests.licence_requests):
        _insert(connection, LICENCE_REQUESTS, batch)
    for batch in _batches(requests.audit + requests.withdrawal_audit(deletion_ids)):
        _insert(connection, AUDIT, batch)
    return requests


def _insert(connection: Connection, table: Table, rows: list[dict]) -> int:
    if rows:
        connection.execute(insert(table), rows)
    return len(rows)


def _insert_returning_ids(connection: Connection, table: Table, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for batch in _batches(rows):
        ids += connection.execute(statement, batch).scalars().all()
    return ids


def _batches(rows: list[dict]) -> Iterable[list[dict]]:
    for start in range(0, len(rows), BATCH_ROWS):
        yield rows[start : start + BATCH_ROWS]


class _Progress:
    """A single line on standard error, redrawn at most a few times a second."""

    def __init__(self, organisations: int, *, enabled: bool) -> None:
        self.organisations, self.enabled = organisations, enabled
        self.done = self.rows = 0
        self.shown_at = 0.0

    def advance(self, rows: int) -> None:
        self.done += 1
        self.rows += rows
        if self.enabled and (time.monotonic() - self.shown_at > 0.25 or self.done == self.organisations):
            self.shown_at = time.monotonic()
            print(
                f'\rDemo data: {self.done:,} of {self.organisations:,} organisations, {self.rows:,} history rows',
                end='',
                file=sys.stderr,
                flush=True,
            )

    def finish(self) -> None:
        if self.enabled:
            print(file=sys.stderr, flush=True)


def _counted(count: int, noun: str) -> str:
    return f'{count:,} {noun}{"" if count == 1 else "s"}'
