"""Requesting (and withdrawing) the deletion of an organisation's account, as the seed's Billing page promises."""

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..config import get_settings
from . import clock
from .accounts import require_current
from .actor import Actor
from .audit import record_audit
from .billing import get_organisation, open_deletion_request
from .errors import InvalidInput, NotFound
from .formatting import format_date
from .models import DeletionRequest, DeletionStatus
from .outbox import queue_email

PURGE_DAYS = 30


def effective_date_for(subscription_end: date, today: date) -> date:
    """The cancellation takes effect at the end of the current subscription period; today if that has passed."""
    return max(subscription_end, today)


def request_deletion(*, session: Session, actor: Actor, organisation_id: int, today: date | None = None
                     ) -> DeletionRequest:
    """Records the request and queues the vendor's email; a second request while one is open returns the first."""
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
    record_audit(session=session, actor=actor, organisation_id=organisation_id, action='deletion_requested',
                 details=f'effective {request.effective_date.isoformat()}')
    queue_email(
        session=session, to=get_settings().vendor_support_email, organisation_id=organisation_id,
        subject=f'Account deletion requested: {organisation.name} ({organisation.serial_number})',
        body_text=(f'{actor.name} <{actor.email}> has requested the deletion of the account '
                   f'{organisation.name}, serial number {organisation.serial_number}.\n\n'
                   f'The cancellation takes effect at the end of the current subscription period: '
                   f'{format_date(request.effective_date)}.\n'),
    )
    try:
        session.commit()
    except IntegrityError:
        # Another tab or a double click committed first: the database allows one open request, so use that one.
        session.rollback()
        concurrent = open_deletion_request(session=session, organisation_id=organisation_id)
        if concurrent is None:
            raise
        return concurrent
    return request


def withdraw_deletion(*, session: Session, actor: Actor, organisation_id: int) -> DeletionRequest:
    actor.require_billing_permission(organisation_id)
    require_current(session=session, actor=actor)
    organisation = get_organisation(session=session, organisation_id=organisation_id)
    request = open_deletion_request(session=session, organisation_id=organisation_id)
    if request is None:
        raise NotFound('There is no pending deletion request to withdraw.')
    if request.status != DeletionStatus.PENDING:
        raise InvalidInput('The cancellation is already in progress and can no longer be withdrawn here; '
                           'contact support.')
    request.status = DeletionStatus.WITHDRAWN
    request.withdrawn_at = clock.now()
    request.withdrawn_by_name = actor.name
    session.add(request)
    record_audit(session=session, actor=actor, organisation_id=organisation_id, action='deletion_withdrawn',
                 details=f'request {request.id}')
    queue_email(
        session=session, to=get_settings().vendor_support_email, organisation_id=organisation_id,
        subject=f'Account deletion withdrawn: {organisation.name} ({organisation.serial_number})',
        body_text=(f'{actor.name} <{actor.email}> has withdrawn the request to delete the account '
                   f'{organisation.name}, serial number {organisation.serial_number}.\n'),
    )
    session.commit()
    return request
