"""What the Admin Team (`vendor_admin`) does to an organisation's licences and plan.

Each action checks the caller, validates every value before it changes anything, and writes its licence history
row (the real person as actor, shown to customers as "Admin Team") in the same transaction as the change."""

from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Update, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import require_current
from dashboard.domain.billing.licence_details import get_organisation
from dashboard.domain.errors import InvalidInput, NotFound
from dashboard.domain.formatting import format_date
from dashboard.domain.history.recording import record_history
from dashboard.domain.models import HistoryAction, LicenceKind, LicencePool, Organisation, Plan

MAX_TOTAL = 1_000_000
MAX_NOTE = 1000
EARLIEST_DATE = date(2000, 1, 1)
LATEST_YEARS = 10
Model = TypeVar('Model', bound=SQLModel)


def change_pool_total(*, session: Session, actor: Actor, organisation_id: int, kind: str, total: object,
                      note: str | None = None) -> bool:
    """Sets a pool's total, never below the licences in use; False when it already was that total."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    kind, total, note = _kind(kind), _total(total, minimum=0), _note(note)
    pool = _pool(session, organisation_id, kind)
    if total < pool.in_use:
        raise InvalidInput(f'{pool.in_use:,} {kind.label} licences are in use: the total cannot go below that.')
    if total == pool.total:
        return False
    old = pool.total
    _update_if_unchanged(session, update(LicencePool).where(
        col(LicencePool.id) == pool.id, col(LicencePool.total) == old, col(LicencePool.in_use) <= total
    ).values(total=total))
    record_history(session=session, organisation_id=organisation_id, actor=actor.name, by_vendor=True, kind=kind,
                   action=HistoryAction.LICENCES_INCREASED if total > old else HistoryAction.LICENCES_DECREASED,
                   old_value=old, new_value=total, note=note)
    session.commit()
    return True


def change_pool_expiry(*, session: Session, actor: Actor, organisation_id: int, kind: str, expiry: object,
                       note: str | None = None, today: date | None = None) -> bool:
    """Sets a pool's expiry date (`YYYY-MM-DD` or a date); False when it already was that date."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    kind, expiry, note = _kind(kind), _date(expiry, 'expiry date', today or clock.today()), _note(note)
    pool = _pool(session, organisation_id, kind)
    if expiry == pool.expiry_date:
        return False
    old = pool.expiry_date
    _update_if_unchanged(session, update(LicencePool).where(
        col(LicencePool.id) == pool.id, col(LicencePool.expiry_date) == old).values(expiry_date=expiry))
    record_history(session=session, organisation_id=organisation_id, actor=actor.name, by_vendor=True, kind=kind,
                   action=HistoryAction.EXPIRY_CHANGED, old_value=old.isoformat(), new_value=expiry.isoformat(),
                   note=note)
    session.commit()
    return True


def add_pool(*, session: Session, actor: Actor, organisation_id: int, kind: str, total: object, expiry: object,
             note: str | None = None, today: date | None = None) -> LicencePool:
    """Gives an organisation the licence pool it lacks: `total` licences (none in use yet) until `expiry`."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    kind, total, note = _kind(kind), _total(total, minimum=1), _note(note)
    expiry = _date(expiry, 'expiry date', today or clock.today())
    get_organisation(session=session, organisation_id=organisation_id)
    if _find_pool(session, organisation_id, kind) is not None:
        raise InvalidInput(f'This organisation already has {kind.label} licences: change their total instead.')
    pool = LicencePool(organisation_id=organisation_id, kind=kind, total=total, in_use=0, expiry_date=expiry)
    session.add(pool)
    record_history(session=session, organisation_id=organisation_id, actor=actor.name, by_vendor=True, kind=kind,
                   action=HistoryAction.LICENCES_INCREASED, old_value=0, new_value=total, note=note)
    record_history(session=session, organisation_id=organisation_id, actor=actor.name, by_vendor=True, kind=kind,
                   action=HistoryAction.EXPIRY_CHANGED, new_value=expiry.isoformat(), note=note)
    try:
        session.commit()
    except IntegrityError as error:  # another admin added the same pool a moment earlier
        session.rollback()
        raise InvalidInput(f'This organisation already has {kind.label} licences: change their total instead.'
                           ) from error
    return pool


def convert_trial(*, session: Session, actor: Actor, organisation_id: int, subscription_end: object,
                  extend_pools: bool = True, note: str | None = None, today: date | None = None) -> None:
    """Makes a trial a paid account whose subscription runs until `subscription_end` (after today); with
    `extend_pools`, licence pools that would expire earlier are moved to that date too."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    today = today or clock.today()
    end, note = _date(subscription_end, 'subscription end', today), _note(note)
    if end <= today:
        raise InvalidInput('The new subscription end must be after today.')
    organisation = _locked(session, select(Organisation).where(Organisation.id == organisation_id))
    if organisation is None:
        raise NotFound(f'There is no organisation {organisation_id}.')
    if organisation.plan != Plan.TRIAL:
        raise InvalidInput(f'{organisation.name} is already a paid account.')
    old_end = organisation.subscription_end
    _update_if_unchanged(session, update(Organisation).where(
        col(Organisation.id) == organisation_id, col(Organisation.plan) == Plan.TRIAL
    ).values(plan=Plan.PAID, subscription_end=end))
    record_history(session=session, organisation_id=organisation_id, actor=actor.name, by_vendor=True,
                   action=HistoryAction.TRIAL_CONVERTED, old_value=old_end.isoformat(), new_value=end.isoformat(),
                   note=note or f'Subscription runs until {format_date(end)}')
    if extend_pools:
        # Read after the update above, which holds the write lock: no other change can come in between.
        pools = session.exec(select(LicencePool).where(LicencePool.organisation_id == organisation_id)
                             .order_by(col(LicencePool.kind)).execution_options(populate_existing=True)).all()
        for pool in pools:
            if pool.expiry_date < end:
                record_history(session=session, organisation_id=organisation_id, actor=actor.name, by_vendor=True,
                               kind=pool.kind, action=HistoryAction.EXPIRY_CHANGED,
                               old_value=pool.expiry_date.isoformat(), new_value=end.isoformat(),
                               note='Moved to the new subscription end')
                pool.expiry_date = end
                session.add(pool)
    session.commit()


def _pool(session: Session, organisation_id: int, kind: LicenceKind) -> LicencePool:
    get_organisation(session=session, organisation_id=organisation_id)
    pool = _find_pool(session, organisation_id, kind, lock=True)
    if pool is None:
        raise NotFound(f'This organisation has no {kind.label} licences: add them first.')
    return pool


def _find_pool(session: Session, organisation_id: int, kind: LicenceKind, *, lock: bool = False
               ) -> LicencePool | None:
    statement = select(LicencePool).where(LicencePool.organisation_id == organisation_id, LicencePool.kind == kind)
    return _locked(session, statement) if lock else session.exec(statement).first()


def _update_if_unchanged(session: Session, statement: Update) -> None:
    """Runs an UPDATE whose WHERE repeats the values the change was decided on. On SQLite a read takes no lock, so
    another admin may have changed the row since; then nothing is updated and the change is refused, rather than
    overwriting theirs with a history row whose "old" value is no longer true."""
    if session.exec(statement.execution_options(synchronize_session=False)).rowcount != 1:
        session.rollback()
        raise InvalidInput('Someone else changed this a moment ago: look at the new figures and try again.')


def _locked(session: Session, statement: SelectOfScalar[Model]) -> Model | None:
    """The row, locked until the transaction ends where the database can (PostgreSQL): two admins changing the same
    pool at once then write history that follows one after the other. SQLite writes one transaction at a time."""
    return session.exec(statement.with_for_update()).first()


def _kind(kind: object) -> LicenceKind:
    if not isinstance(kind, str) or kind not in set(LicenceKind):
        raise InvalidInput('Choose a licence type: Managed Agent or On-demand.')
    return LicenceKind(kind)


def _total(value: object, *, minimum: int) -> int:
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_TOTAL:
        raise InvalidInput(f'The number of licences must be a whole number from {minimum} to {MAX_TOTAL:,}.')
    return value


def _date(value: object, name: str, today: date) -> date:
    latest = today + timedelta(days=round(365.25 * LATEST_YEARS))
    if isinstance(value, datetime):
        value = value.date()
    if value is None or isinstance(value, str) and not value.strip():
        raise InvalidInput(f'Give the {name} as YYYY-MM-DD, e.g. 2027-03-31.')
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(f'"{value}" is not a date: give the {name} as YYYY-MM-DD, e.g. 2027-03-31.') from None
    if not isinstance(value, date):
        raise InvalidInput(f'Give the {name} as a date (YYYY-MM-DD).')
    if not EARLIEST_DATE <= value <= latest:
        raise InvalidInput(f'The {name} must be between {format_date(EARLIEST_DATE)} and {format_date(latest)}.')
    return value


def _note(note: object) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str):
        raise InvalidInput('The note must be text.')
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f'The note can be at most {MAX_NOTE:,} characters long.')
    return note or None
