"""Requesting, withdrawing and bringing forward the deletion of an organisation's account, as the seed's Billing page
promises. What happens once the effective date has ended is in `deletion_lifecycle` and `purge`."""

from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.audit import record_audit
from dashboard.domain.auth.accounts import require_current
from dashboard.domain.billing.licence_details import get_organisation, open_deletion_request
from dashboard.domain.clock import utc_date
from dashboard.domain.deletion.notices import PURGE_DAYS, contact_addresses, queue_notice
from dashboard.domain.errors import InvalidInput, NotFound
from dashboard.domain.formatting import format_date
from dashboard.domain.models import DeletionRequest, DeletionStatus
from dashboard.domain.vendor import Vendor

__all__ = ['PURGE_DAYS', 'bring_deletion_forward', 'effective_date_for', 'request_deletion', 'withdraw_deletion']


def effective_date_for(subscription_end: date, today: date) -> date:
    """The cancellation takes effect at the end of the current subscription period; today if that has passed."""
    return max(subscription_end, today)


def request_deletion(*, session: Session, actor: Actor, organisation_id: int, today: date | None = None,
                     vendor: Vendor) -> DeletionRequest:
    """Records the request, emails `vendor`'s support and notifies the organisation's contacts, in one transaction; a
    second request while one is open returns the first."""
    actor.require_billing_permission(organisation_id)
    require_current(session=session, actor=actor)
    today = today or clock.today()
    organisation = get_organisation(session=session, organisation_id=organisation_id)
    existing = open_deletion_request(session=session, organisation_id=organisation_id)
    if existing is not None:
        return existing
    request = DeletionRequest(organisation_id=organisation_id, requested_by_id=actor.user_id,
                              requested_by_name=actor.name, status=DeletionStatus.PENDING,
                              effective_date=effective_date_for(organisation.subscription_end, today))
    session.add(request)
    try:
        session.flush()  # the request's id keys its emails
    except IntegrityError:
        # Another tab or a double click committed first: the database allows one open request, so use that one.
        session.rollback()
        concurrent = open_deletion_request(session=session, organisation_id=organisation_id)
        if concurrent is None:
            raise
        return concurrent
    record_audit(session=session, actor=actor, organisation_id=organisation_id, action='deletion_requested',
                 details=f'effective {request.effective_date.isoformat()}')
    queue_notice(session=session, vendor=vendor, organisation=organisation, request=request, step='requested_support',
                 to=vendor.support_email, requester_email=actor.email)
    queue_notice(session=session, vendor=vendor, organisation=organisation, request=request, step='requested',
                 to=contact_addresses(session=session, organisation=organisation, request=request),
                 effective_today=request.effective_date <= today)
    session.commit()
    return request


def withdraw_deletion(*, session: Session, actor: Actor, organisation_id: int,
                      vendor: Vendor) -> DeletionRequest:
    """Stops a pending request before the cancellation starts; `vendor`'s support and the contacts are told."""
    actor.require_billing_permission(organisation_id)
    organisation = get_organisation(session=session, organisation_id=organisation_id)
    session.refresh(organisation)  # cancelled by a job since this session read it?
    if organisation.cancelled_at is not None:
        raise InvalidInput(f'The account was cancelled on {format_date(utc_date(organisation.cancelled_at))}: the '
                           f'deletion can no longer be withdrawn.')
    require_current(session=session, actor=actor)
    request = open_deletion_request(session=session, organisation_id=organisation_id)
    if request is None:
        raise NotFound('There is no pending deletion request to withdraw.')
    if request.status != DeletionStatus.PENDING:
        raise _too_late(request)
    # Only if still pending when written: the job that starts the cancellation may have got there first.
    now = clock.now()
    withdrawn = session.exec(
        update(DeletionRequest)
        .where(col(DeletionRequest.id) == request.id, col(DeletionRequest.status) == DeletionStatus.PENDING)
        .values(status=DeletionStatus.WITHDRAWN, withdrawn_at=now, withdrawn_by_name=actor.name)
        .execution_options(synchronize_session=False)).rowcount
    if withdrawn != 1:
        session.rollback()
        session.refresh(request)
        raise _too_late(request)
    session.refresh(request)
    record_audit(session=session, actor=actor, organisation_id=organisation_id, action='deletion_withdrawn',
                 details=f'request {request.id}')
    who = {'withdrawer': actor.name, 'withdrawer_email': actor.email}
    queue_notice(session=session, vendor=vendor, organisation=organisation, request=request, step='withdrawn_support',
                 to=vendor.support_email, **who)
    queue_notice(session=session, vendor=vendor, organisation=organisation, request=request, step='withdrawn',
                 to=contact_addresses(session=session, organisation=organisation, request=request), **who)
    session.commit()
    return request


def _too_late(request: DeletionRequest) -> InvalidInput:
    if request.status == DeletionStatus.COMPLETED:
        completed = utc_date(request.completed_at) if request.completed_at else None
        return InvalidInput(f'The cancellation was completed on {format_date(completed)} and can no '
                            f'longer be withdrawn.')
    if request.status == DeletionStatus.WITHDRAWN:
        return InvalidInput('This deletion request has already been withdrawn.')
    return InvalidInput('The cancellation is already in progress and can no longer be withdrawn here; '
                        'contact support.')


def bring_deletion_forward(*, session: Session, actor: Actor, organisation_id: int, effective_date: date | str,
                           today: date | None = None, vendor: Vendor) -> DeletionRequest:
    """The seed's "completed sooner": the Admin Team moves a pending request's effective date to an earlier day, from
    today on; the contacts are told the new date."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    today = today or clock.today()
    new_date = _day(effective_date)
    organisation = get_organisation(session=session, organisation_id=organisation_id)
    request = open_deletion_request(session=session, organisation_id=organisation_id)
    if request is None:
        raise NotFound('This organisation has no pending deletion request.')
    if request.status != DeletionStatus.PENDING:
        raise InvalidInput('The cancellation has already started: its date can no longer be changed.')
    previous = request.effective_date
    if new_date < today:
        raise InvalidInput(f'The new effective date cannot be in the past: choose {format_date(today)} or later.')
    if new_date >= previous:
        raise InvalidInput(f'The new effective date must be before the current one, {format_date(previous)}: it '
                           f'can only be brought forward.')
    moved = session.exec(
        update(DeletionRequest)
        .where(col(DeletionRequest.id) == request.id, col(DeletionRequest.status) == DeletionStatus.PENDING,
               col(DeletionRequest.effective_date) == previous)
        .values(effective_date=new_date).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        session.rollback()
        raise InvalidInput('The request changed meanwhile (started, withdrawn or moved): reload and try again.')
    session.refresh(request)
    record_audit(session=session, actor=actor, organisation_id=organisation_id, action='deletion_brought_forward',
                 details=f'effective {previous.isoformat()} → {new_date.isoformat()}')
    queue_notice(session=session, vendor=vendor, organisation=organisation, request=request,
                 step=f'rescheduled:{new_date}',
                 template='rescheduled', previous_effective=format_date(previous),
                 to=contact_addresses(session=session, organisation=organisation, request=request))
    session.commit()
    return request


def _day(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip()) if isinstance(value, str) and value.strip() else _no_date()
    except ValueError:
        raise InvalidInput(f'"{value}" is not a date: use the form 2027-03-05.') from None


def _no_date() -> date:
    raise InvalidInput('Enter the new effective date.')
