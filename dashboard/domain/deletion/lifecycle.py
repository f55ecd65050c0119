"""The deletion lifecycle's job: once the effective date has ended, the contacts are told the cancellation starts,
every user of the organisation loses access, and once that is done the contacts are told it is complete.

The effective date is the last day the account keeps its access: the seed says the cancellation takes effect at the
END of the current subscription period, and the subscription end is the last day paid for (an account is Expired only
once `subscription_end < today`). So the cancellation starts on the first run after that day has ended (UTC), i.e.
when `effective_date < today`, never on the effective date itself. An expired account's request has the request day
as its effective date (`deletion.effective_date_for`): it is treated the same way, cancelled at the end of the request
day (the first run on the next day), which keeps what the dialog and the request email say ("takes effect today")
true and leaves the rest of that day to withdraw the request.

Safe to run often and from several processes at once: each step claims its request with a guarded UPDATE (`... WHERE
status = 'pending'`) so only one process takes it, its emails carry dedupe keys, and each request is committed on its
own so that one that fails does not hold up the others (it is retried on the next run)."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from dashboard.domain.auth.sessions import end_organisation_sessions
from dashboard.domain.changes import announce
from dashboard.domain.clock import utc_date
from dashboard.domain.deletion.notices import PURGE_DAYS, contact_addresses, queue_notice
from dashboard.domain.formatting import format_date
from dashboard.domain.models import AuditEntry, DeletionRequest, DeletionStatus, Organisation
from dashboard.domain.vendor import Vendor

log = logging.getLogger(__name__)
SYSTEM_ACTOR = 'Scheduled job'  # the audit log's "who" for what the jobs do


def advance_deletions(*, session: Session, now: datetime, vendor: Vendor) -> int:
    """Starts and completes every request whose effective date (a UTC day) has ended, i.e. is before today; also
    finishes one that a crashed run left in progress. Returns how many it completed (accounts cancelled) in this run.
    The notices name `vendor`'s product and support address."""
    today = utc_date(now)
    due = session.exec(select(DeletionRequest.id).where(or_(
        and_(col(DeletionRequest.status) == DeletionStatus.PENDING, col(DeletionRequest.effective_date) < today),
        col(DeletionRequest.status) == DeletionStatus.IN_PROGRESS)).order_by(col(DeletionRequest.id))).all()
    session.rollback()  # end the read: each request gets a transaction of its own
    completed = 0
    for request_id in due:
        assert request_id is not None
        try:
            _start(session, request_id, now, vendor)
            completed += int(_complete(session, request_id, now, vendor))
        except Exception:
            session.rollback()
            log.exception('Deletion request %s could not be advanced; the next run tries again', request_id)
    return completed


def _start(session: Session, request_id: int, now: datetime, vendor: Vendor) -> bool:
    """pending → in progress, with the notice that the cancellation starts."""
    claimed = session.exec(
        update(DeletionRequest)
        .where(col(DeletionRequest.id) == request_id, col(DeletionRequest.status) == DeletionStatus.PENDING,
               col(DeletionRequest.effective_date) < utc_date(now))
        .values(status=DeletionStatus.IN_PROGRESS, started_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:  # withdrawn, moved, or another process took it
        session.rollback()
        return False
    request, organisation = _load(session, request_id)
    queue_notice(session=session, vendor=vendor, organisation=organisation, request=request, step='starting',
                 to=contact_addresses(session=session, organisation=organisation, request=request))
    record_job_audit(session=session, organisation_id=organisation.id, action='deletion_started',
                     details=f'request {request_id}', now=now)
    session.commit()
    return True


def _complete(session: Session, request_id: int, now: datetime, vendor: Vendor) -> bool:
    """The cancellation itself: the organisation is marked cancelled, which refuses its users' sign-ins and ends
    their open sessions; then in progress → completed, with the completion notice."""
    claimed = session.exec(
        update(DeletionRequest)
        .where(col(DeletionRequest.id) == request_id, col(DeletionRequest.status) == DeletionStatus.IN_PROGRESS)
        .values(status=DeletionStatus.COMPLETED, completed_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        return False
    request, organisation = _load(session, request_id)
    # The contacts are read now, while their users are still there: the purge comes later.
    contacts = contact_addresses(session=session, organisation=organisation, request=request)
    session.exec(update(Organisation).where(col(Organisation.id) == organisation.id,
                                            col(Organisation.cancelled_at).is_(None))
                 .values(cancelled_at=now).execution_options(synchronize_session=False))
    end_organisation_sessions(session=session, organisation_id=request.organisation_id,
                              reason='organisation_cancelled')
    completed_on = utc_date(now)
    queue_notice(session=session, vendor=vendor, organisation=organisation, request=request, step='completed',
                 to=contacts, completed=format_date(completed_on),
                 purge_by=format_date(completed_on + timedelta(days=PURGE_DAYS)))
    record_job_audit(session=session, organisation_id=organisation.id, action='organisation_cancelled',
                     details=f'request {request_id}: every user signed out and refused', now=now)
    record_job_audit(session=session, organisation_id=organisation.id, action='deletion_completed',
                     details=f'request {request_id}', now=now)
    session.commit()
    return True


def _load(session: Session, request_id: int) -> tuple[DeletionRequest, Organisation]:
    """Fresh from the database: the session's copies may predate the claim."""
    request = session.get(DeletionRequest, request_id, populate_existing=True)
    assert request is not None
    organisation = session.get(Organisation, request.organisation_id, populate_existing=True)
    assert organisation is not None
    return request, organisation


def record_job_audit(*, session: Session, organisation_id: int | None, action: str, details: str,
                     now: datetime) -> None:
    """An audit entry for what a job did (no person did it), announced to open pages once it commits."""
    if organisation_id is not None:
        announce(session, organisation_id, action)
    session.add(AuditEntry(organisation_id=organisation_id, occurred_at=now, actor_id=None, actor_name=SYSTEM_ACTOR,
                           action=action, details=details))
