""""Need more licences?" and "Buy now": a request that the vendor's sales team follows up."""

from sqlalchemy import update
from sqlmodel import Session, col

from dashboard.domain.actor import Actor
from dashboard.domain.audit import record_audit
from dashboard.domain.auth.accounts import require_current
from dashboard.domain.billing.licence_details import get_organisation
from dashboard.domain.errors import InvalidInput, NotFound
from dashboard.domain.lookup import row_by_id
from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.mail.templates import render_email
from dashboard.domain.models import LicenceKind, LicenceRequest
from dashboard.domain.vendor import Vendor

MAX_QUANTITY = 100_000
MAX_MESSAGE = 2000


def request_licences(*, session: Session, actor: Actor, organisation_id: int, kind: str, quantity: int,
                     message: str = '', purchase: bool = False, vendor: Vendor) -> LicenceRequest:
    """Records the request and emails it to `vendor`'s sales address."""
    actor.require_billing_permission(organisation_id)
    require_current(session=session, actor=actor)
    if not isinstance(kind, str) or kind not in set(LicenceKind):
        raise InvalidInput('Choose a licence type: Managed Agent or On-demand.')
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput(f'The quantity must be a whole number from 1 to {MAX_QUANTITY:,}.')
    if message is not None and not isinstance(message, str):
        raise InvalidInput('The message must be text.')
    message = (message or '').strip()
    if len(message) > MAX_MESSAGE:
        raise InvalidInput(f'The message can be at most {MAX_MESSAGE:,} characters long.')
    organisation = get_organisation(session=session, organisation_id=organisation_id)
    licence_kind = LicenceKind(kind)
    kind_label = licence_kind.label
    request = LicenceRequest(organisation_id=organisation_id, requested_by_id=actor.user_id,
                             requested_by_name=actor.name, kind=licence_kind, quantity=quantity,
                             message=message or None)
    session.add(request)
    what = 'Purchase' if purchase else 'More licences'
    record_audit(session=session, actor=actor, organisation_id=organisation_id, action='licences_requested',
                 details=f'{what}: {quantity} {kind_label}')
    email = render_email('licences_requested', vendor=vendor, what=what, quantity=quantity, kind_label=kind_label,
                         account=organisation.name, serial=organisation.serial_number, requester=actor.name,
                         requester_email=actor.email, message=message)
    queue_email(session=session, to=vendor.sales_email, organisation_id=organisation_id,
                subject=email.subject, body_text=email.body_text, body_html=email.body_html, kind='licences_requested')
    session.commit()
    return request


OPEN, HANDLED = 'open', 'handled'


def mark_licence_request_handled(*, session: Session, actor: Actor, request_id: int) -> LicenceRequest:
    """The Admin Team has dealt with a request (licences added, or a quote sent): it leaves the open list; who did
    it and when goes to the audit log."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    request = row_by_id(session, LicenceRequest, request_id)
    if request is None:
        raise NotFound(f'There is no licence request {request_id}.')
    # Only if still open when written: of two admins clicking at once, one handles it and the other is told.
    handled = session.exec(update(LicenceRequest).where(col(LicenceRequest.id) == request_id,
                                                        col(LicenceRequest.status) == OPEN)
                           .values(status=HANDLED).execution_options(synchronize_session=False)).rowcount
    if handled != 1:
        session.rollback()
        raise InvalidInput('This request has already been handled.')
    record_audit(session=session, actor=actor, organisation_id=request.organisation_id,
                 action='licence_request_handled',
                 details=f'{request.quantity} {request.kind.label}, asked by {request.requested_by_name}')
    session.commit()
    session.refresh(request)
    return request
