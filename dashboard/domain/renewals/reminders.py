"""Scheduled emails about renewals: reminders to each customer before a licence pool expires, and a weekly digest of
the coming renewals for the vendor's sales team. Both only queue mail in the outbox, each email under a key that lets
it be queued once ever, so a job that runs twice, late, or in two processes at once sends nothing twice.

Reminder stages are days before a pool's expiry date (90, 30, 7 and 0 by default). A run sends a pool at most one
reminder: for the most urgent stage that has come, the smallest stage at or above its days left, provided that stage's
day is at most `catch_up_days` ago (a run that missed the day catches up; a stage long past is skipped, the next one
follows on its own day, and a pool whose expiry date was just moved gets no reminder for a stage it is already well
inside). Once expired, a pool gets no more. The key names the pool, its expiry date and the stage: a stage goes out
once per expiry date, and a new expiry date starts over.

Like the other domain operations, each job commits its work itself, once, at the end."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, exists, func, or_
from sqlmodel import Session, col, select

from dashboard.domain.clock import utc_date
from dashboard.domain.formatting import format_date
from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.mail.templates import render_email
from dashboard.domain.models import (
    DeletionRequest,
    DeletionStatus,
    LicenceKind,
    LicencePool,
    Organisation,
    OutboxEmail,
    Region,
    Role,
    User,
)
from dashboard.domain.vendor import Vendor
from dashboard.domain.wide_select import execute_wide, select_wide

REMINDER_STAGES = (90, 30, 7, 0)
CATCH_UP_DAYS = 7
DIGEST_DAYS = 30
DIGEST_ROWS = 200
RECIPIENT_ROLES = (Role.GLOBAL_ADMIN, Role.BILLING_ADMIN)
BATCH = 1000  # ids or keys per IN (...) list
Statement = TypeVar('Statement', bound=Select[*tuple[Any, ...]])
Value = TypeVar('Value')
# A pool due a reminder: id, licence type, total, in use, expiry date, organisation id, its name and serial number.
DuePool = tuple[int | None, LicenceKind, int, int, date, int, str, str]


def queue_renewal_reminders(*, session: Session, now: datetime, stages: Sequence[int] = REMINDER_STAGES,
                            catch_up_days: int = CATCH_UP_DAYS, vendor: Vendor) -> int:
    """Queues the reminders due `now` (see the module's doc) to each account's main contact and billing users (global
    and billing admins), active ones only, and returns how many it queued. An account with none of them is skipped,
    its stage left unsent. Cancelled accounts, and accounts whose deletion has started, get none; nor do accounts with
    a pending deletion request: they asked to leave, and a reminder to renew would contradict that (if they withdraw
    the request, the reminders resume with the next stage due; a stage missed meanwhile within `catch_up_days` is
    caught up). The reminder names `vendor`'s product and its sales address.

    A few statements whatever the number of pools: the due pools, the keys already used, the recipients of the rest
    (the lists in batches of 1000), then one insert per email queued."""
    stages = _checked_stages(stages)
    if catch_up_days < 0:
        raise ValueError('catch_up_days must not be negative.')
    if not stages:
        return 0
    today = utc_date(now)
    due = _due_reminders(session, today, stages, catch_up_days)
    recipients = _recipients(session, {pool[5] for pool in due.values()})
    queued = 0
    for key, (_, kind, total, in_use, expiry, account_id, name, serial) in due.items():
        if not recipients.get(account_id):
            continue
        days_left = (expiry - today).days
        email = render_email('renewal_reminder', vendor=vendor, account=name, serial=serial,
                             kind_label=kind.label, total=total, in_use=in_use, expiry=format_date(expiry),
                             days_left=days_left, when=expires_when(days_left), sales_email=vendor.sales_email)
        queued += queue_email(session=session, to=recipients[account_id], subject=email.subject,
                              body_text=email.body_text, body_html=email.body_html, organisation_id=account_id,
                              kind='renewal_reminder', dedupe_key=key)
    session.commit()
    return queued


def _due_reminders(session: Session, today: date, stages: list[int], catch_up_days: int) -> dict[str, DuePool]:
    """The pools due a reminder today, by the reminder's key, but for those whose key was used already."""
    expiring = or_(*(col(LicencePool.expiry_date).between(today + timedelta(days=max(stage - catch_up_days, 0)),
                                                          today + timedelta(days=stage)) for stage in stages))
    pools = execute_wide(session, select_wide(
        col(LicencePool.id), col(LicencePool.kind), col(LicencePool.total), col(LicencePool.in_use),
        col(LicencePool.expiry_date), col(LicencePool.organisation_id), col(Organisation.name),
        col(Organisation.serial_number))
        .join(Organisation, col(Organisation.id) == LicencePool.organisation_id)
        .where(expiring, *_renewing_accounts(), ~_deletion_requested())
        .order_by(col(LicencePool.expiry_date), col(LicencePool.id))).all()
    due: dict[str, DuePool] = {}
    for pool in pools:
        pool_id, expiry = pool[0], pool[4]
        assert pool_id is not None  # read from the database
        stage = due_stage((expiry - today).days, stages, catch_up_days)
        if stage is not None:
            due[reminder_key(pool_id, expiry, stage)] = pool
    taken: set[str | None] = set()
    for chunk in _batches(list(due)):
        taken.update(session.exec(select(col(OutboxEmail.dedupe_key)).where(col(OutboxEmail.dedupe_key).in_(chunk))))
    return {key: pool for key, pool in due.items() if key not in taken}


def due_stage(days_left: int, stages: Sequence[int], catch_up_days: int = CATCH_UP_DAYS) -> int | None:
    """The stage a pool `days_left` from expiry is reminded of, if any: the smallest stage at or above its days left,
    if that stage's day is at most `catch_up_days` ago."""
    if days_left < 0:
        return None
    stage = min((stage for stage in stages if stage >= days_left), default=None)
    return stage if stage is not None and stage - days_left <= catch_up_days else None


def reminder_key(pool_id: int, expiry: date, stage: int) -> str:
    return f'renewal-reminder:pool={pool_id}:expiry={expiry.isoformat()}:stage={stage}'


def expires_when(days_left: int) -> str:
    if days_left == 0:
        return 'today'
    return f'in {days_left} day{"" if days_left == 1 else "s"}'


def queue_sales_digest(*, session: Session, now: datetime, weekday: int = 0, vendor: Vendor) -> int:
    """Once per ISO week, on `weekday` (0 is Monday) or the first run after it in that week: one email to `vendor`'s
    sales address with the renewals of the next 30 days (today and the 30 days after it, as the Renewals page's
    30-day horizon; cancelled accounts, and those whose deletion has started, left out): counts by licence type and
    region, and the pools soonest first, at most 200 of them. A week without renewals gets an 'all quiet' digest, so
    that sales can tell a quiet week from a job that did not run.
    Returns 1 if it queued the digest, else 0."""
    if not 0 <= weekday <= 6:
        raise ValueError('weekday must be 0 (Monday) to 6 (Sunday).')
    today = utc_date(now)
    sales = vendor.sales_email
    if today.weekday() < weekday or not sales:
        return 0
    year, week, _ = today.isocalendar()
    key = f'sales-digest:week={year}-W{week:02d}'
    if session.exec(select(OutboxEmail.id).where(OutboxEmail.dedupe_key == key)).first() is not None:
        return 0
    last = today + timedelta(days=DIGEST_DAYS)
    renewing = (col(LicencePool.expiry_date).between(today, last), *_renewing_accounts())

    def pools(statement: Statement) -> Statement:
        return statement.select_from(LicencePool) \
            .join(Organisation, col(Organisation.id) == LicencePool.organisation_id).where(*renewing)

    counts = session.exec(pools(select(col(Organisation.region), col(LicencePool.kind), func.count(),
                                       func.sum(LicencePool.total)))
                          .group_by(col(Organisation.region), col(LicencePool.kind))).all()
    accounts = session.exec(pools(select(func.count(col(Organisation.id).distinct())))).one()
    rows = execute_wide(session, pools(select_wide(
        col(Organisation.name), col(Organisation.serial_number), col(LicencePool.kind), col(LicencePool.expiry_date),
        col(LicencePool.in_use), col(LicencePool.total)))
        .order_by(col(LicencePool.expiry_date), col(Organisation.name), col(Organisation.serial_number),
                  col(LicencePool.kind)).limit(DIGEST_ROWS)).all()
    renewals = sum(count for _, _, count, _ in counts)
    email = render_email('sales_digest', vendor=vendor, week=f'{year}-W{week:02d}', first=format_date(today),
                         last=format_date(last), days=DIGEST_DAYS, renewals=renewals, accounts=accounts,
                         **_digest_counts(counts), rows=[_digest_row(row, today) for row in rows],
                         more=renewals - len(rows))
    queued = queue_email(session=session, to=sales, subject=email.subject, body_text=email.body_text,
                         body_html=email.body_html, kind='sales_digest', dedupe_key=key)
    session.commit()
    return int(queued)


def _renewing_accounts() -> tuple[ColumnElement[bool], ...]:
    """Accounts that can still renew: not cancelled, and no deletion started or done."""
    deleted = exists().where(col(DeletionRequest.organisation_id) == Organisation.id,
                             col(DeletionRequest.status).in_((DeletionStatus.IN_PROGRESS, DeletionStatus.COMPLETED)))
    return col(Organisation.cancelled_at).is_(None), ~deleted


def _deletion_requested() -> ColumnElement[bool]:
    """The account has a pending deletion request: it is leaving, so no 'renew your licences' reminder. (The sales
    digest still lists it: sales may want to talk to a leaving customer.)"""
    return exists().where(col(DeletionRequest.organisation_id) == Organisation.id,
                          col(DeletionRequest.status) == DeletionStatus.PENDING)


def _recipients(session: Session, account_ids: set[int]) -> dict[int, list[str]]:
    """Each account's main contact, then its billing users, active ones only, each address once whatever its case."""
    found: dict[int, list[tuple[bool, int, str]]] = defaultdict(list)
    is_main = col(User.id) == Organisation.main_contact_id
    for chunk in _batches(sorted(account_ids)):
        statement = select(User.organisation_id, User.id, User.email, is_main) \
            .join(Organisation, col(Organisation.id) == User.organisation_id) \
            .where(col(User.organisation_id).in_(chunk), col(User.is_active).is_(True),
                   or_(col(User.role).in_(RECIPIENT_ROLES), is_main))
        for account_id, user_id, email, main in session.exec(statement):
            assert account_id is not None and user_id is not None  # users of the accounts asked for
            found[account_id].append((not main, user_id, email))
    recipients = {}
    for account_id, users in found.items():
        addresses: dict[str, str] = {}
        for _, _, email in sorted(users):
            addresses.setdefault(email.lower(), email)
        recipients[account_id] = list(addresses.values())
    return recipients


def _digest_counts(counts: Sequence[tuple[Region, LicenceKind, int, int | None]]) -> dict[str, object]:
    """Renewals per region and licence type, with totals, and the licences they hold per licence type."""
    by_region = {region: {kind: 0 for kind in LicenceKind} for region in Region}
    licences = dict.fromkeys(LicenceKind, 0)
    for region, kind, count, total in counts:
        by_region[region][kind] += count
        licences[kind] += total or 0
    kinds = [{'label': kind.label, 'renewals': sum(by_region[region][kind] for region in Region),
              'licences': licences[kind]} for kind in LicenceKind]
    regions = [{'label': region.label, 'counts': [by_region[region][kind] for kind in LicenceKind],
                'renewals': sum(by_region[region].values())} for region in Region]
    return {'kinds': kinds, 'regions': regions}


def _digest_row(row: tuple[str, str, LicenceKind, date, int, int], today: date) -> dict[str, object]:
    name, serial, kind, expiry, in_use, total = row
    return {'name': name, 'serial': serial, 'kind': kind.label, 'expiry': format_date(expiry),
            'days_left': (expiry - today).days, 'in_use': in_use, 'total': total,
            'utilisation': (200 * in_use + total) // (2 * total) if total else 0}  # rounded half up, as on Renewals


def _checked_stages(stages: Sequence[int]) -> list[int]:
    if any(isinstance(stage, bool) or not isinstance(stage, int) or stage < 0 for stage in stages):
        raise ValueError(f'Reminder stages are whole numbers of days before expiry, 0 or more: {list(stages)}.')
    return sorted(set(stages))


def _batches(values: list[Value]) -> Iterator[list[Value]]:
    for start in range(0, len(values), BATCH):
        yield values[start:start + BATCH]
