"""The purge: the organisation's personal data removed from the database after its cancellation was completed.

When: on the UTC day `completed_at + PURGE_DAYS - 1` (29 days after completion) or the first run after it, so that a
job running at least once a day keeps the seed's promise of "within 30 days" whatever the hour. The wait leaves the
Admin Team time to undo a cancellation made by mistake.

What it removes, for the organisation's users and everything of that organisation:
- users: full name → "Deleted user", email and its key → `deleted-user-{id}@invalid`, phone, password; deactivated;
- the organisation's main contact;
- licence history: customers' names as actor (vendor staff and "Admin Team" are the vendor's own records and stay)
  and every note (free text may name people); the row's digest is replaced, it was made from those values;
- deletion and licence requests: who asked or withdrew, and the licence requests' messages;
- audit entries: the names of customers who acted, and every details text but those of actions known to hold only
  ids, dates and counts;
- outbox emails: recipients, bodies, subject and last error (a subject is replaced by the account's name and serial
  number); an email not sent yet is marked failed, so it never goes out.
It keeps what is not personal data: the organisation row (account name, serial number, plan, region, dates), its
licence pools and the history's figures (action, licence type, old and new values, times), and the kind and state of
each email. It records itself: `purged_at` on the request and an audit entry `personal_data_purged` with counts."""

import logging
from datetime import date, datetime

from sqlalchemy import String, Update, and_, case, cast, literal, or_, update
from sqlmodel import Session, col, select

from dashboard.domain.actor import ADMIN_TEAM
from dashboard.domain.auth.sessions import end_organisation_sessions
from dashboard.domain.clock import utc_date
from dashboard.domain.deletion.lifecycle import SYSTEM_ACTOR, record_job_audit
from dashboard.domain.deletion.notices import purge_due_on
from dashboard.domain.models import (
    AuditEntry,
    DeletionRequest,
    DeletionStatus,
    LicenceHistory,
    LicenceRequest,
    Organisation,
    OutboxEmail,
    OutboxStatus,
    User,
)

log = logging.getLogger(__name__)
DELETED_USER = 'Deleted user'
REMOVED_ADDRESS = 'removed@invalid'
# Audit actions whose details are ids, dates and counts only: their details stay.
IMPERSONAL_AUDIT_ACTIONS = ('deletion_requested', 'deletion_withdrawn', 'deletion_brought_forward', 'deletion_started',
                            'organisation_cancelled', 'deletion_completed', 'licences_requested',
                            'personal_data_purged')


def purge_personal_data(*, session: Session, now: datetime) -> int:
    """Purges every completed request whose purge is due; returns how many it purged."""
    today = utc_date(now)
    completed = session.exec(select(DeletionRequest.id, DeletionRequest.completed_at).where(
        col(DeletionRequest.status) == DeletionStatus.COMPLETED, col(DeletionRequest.purged_at).is_(None),
        col(DeletionRequest.completed_at).is_not(None)).order_by(col(DeletionRequest.id))).all()
    session.rollback()  # end the read: each purge gets a transaction of its own
    purged = 0
    for request_id, completed_at in completed:
        assert request_id is not None and completed_at is not None
        if not is_purge_due(completed_at, today):
            continue
        try:
            purged += int(_purge(session, request_id, now))
        except Exception:
            session.rollback()
            log.exception('Deletion request %s could not be purged; the next run tries again', request_id)
    return purged


def is_purge_due(completed_at: datetime, today: date) -> bool:
    return purge_due_on(utc_date(completed_at)) <= today


def _purge(session: Session, request_id: int, now: datetime) -> bool:
    claimed = session.exec(
        update(DeletionRequest)
        .where(col(DeletionRequest.id) == request_id, col(DeletionRequest.status) == DeletionStatus.COMPLETED,
               col(DeletionRequest.purged_at).is_(None))
        .values(purged_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:  # another process purged it
        session.rollback()
        return False
    request = session.get(DeletionRequest, request_id, populate_existing=True)
    assert request is not None
    organisation = session.get(Organisation, request.organisation_id, populate_existing=True)
    assert organisation is not None and organisation.id is not None
    end_organisation_sessions(session=session, organisation_id=organisation.id, reason='deactivated')
    counts = _remove_personal_data(session, organisation)
    record_job_audit(session=session, organisation_id=organisation.id, action='personal_data_purged',
                     details=f'request {request_id}: ' + ', '.join(f'{what} {n}' for what, n in counts.items()),
                     now=now)
    session.commit()
    return True


def _remove_personal_data(session: Session, organisation: Organisation) -> dict[str, int]:
    """Every table's personal data of the organisation; how many rows of each were changed."""
    org = organisation.id

    def run(statement: Update) -> int:
        return session.exec(statement.execution_options(synchronize_session=False)).rowcount

    placeholder = literal('deleted-user-') + cast(User.id, String) + literal('@invalid')
    vendor_users = select(User.id).where(col(User.organisation_id).is_(None))
    counts = {
        'main contact': run(update(Organisation).where(col(Organisation.id) == org,
                                                       col(Organisation.main_contact_id).is_not(None))
                            .values(main_contact_id=None)),
        'users': run(update(User).where(col(User.organisation_id) == org).values(
            full_name=DELETED_USER, email=placeholder, email_key=placeholder, phone=None, password_hash=None,
            is_active=False)),
        'history rows': run(update(LicenceHistory).where(
            col(LicenceHistory.organisation_id) == org,
            or_(col(LicenceHistory.note).is_not(None),
                and_(~col(LicenceHistory.by_vendor), col(LicenceHistory.actor) != ADMIN_TEAM))).values(
            actor=case((or_(col(LicenceHistory.by_vendor), col(LicenceHistory.actor) == ADMIN_TEAM),
                        LicenceHistory.actor), else_=literal(DELETED_USER)),
            note=None, row_hash=literal('purged-') + cast(LicenceHistory.id, String))),
        'deletion requests': run(update(DeletionRequest).where(col(DeletionRequest.organisation_id) == org).values(
            requested_by_name=DELETED_USER,
            withdrawn_by_name=case((col(DeletionRequest.withdrawn_by_name).is_(None), None),
                                   else_=literal(DELETED_USER)))),
        'licence requests': run(update(LicenceRequest).where(col(LicenceRequest.organisation_id) == org).values(
            requested_by_name=DELETED_USER, message=None)),
        'audit entries': run(update(AuditEntry).where(col(AuditEntry.organisation_id) == org).values(
            actor_name=case((or_(col(AuditEntry.actor_id).in_(vendor_users),
                                 and_(col(AuditEntry.actor_id).is_(None), col(AuditEntry.actor_name) == SYSTEM_ACTOR)),
                             AuditEntry.actor_name), else_=literal(DELETED_USER)),
            details=case((col(AuditEntry.action).in_(IMPERSONAL_AUDIT_ACTIONS), AuditEntry.details), else_=''))),
        'emails': run(update(OutboxEmail).where(col(OutboxEmail.organisation_id) == org).values(
            to_address=REMOVED_ADDRESS,
            subject=f'Removed: an email about {organisation.name} ({organisation.serial_number})'[:300],
            body_text='This email was removed with the personal data of the account.', body_html=None,
            last_error=case((col(OutboxEmail.status) == OutboxStatus.PENDING,
                             literal('Removed with the personal data of the account before it was sent.')),
                            else_=None),
            status=case((col(OutboxEmail.status) == OutboxStatus.PENDING, literal(OutboxStatus.FAILED.value)),
                        else_=OutboxEmail.status))),
    }
    return counts
