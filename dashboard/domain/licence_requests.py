""""Need more licences?" and "Buy now": a request that the vendor's sales team follows up."""

from sqlmodel import Session

from ..config import get_settings
from .accounts import require_current
from .actor import Actor
from .audit import record_audit
from .billing import get_organisation
from .errors import InvalidInput
from .models import LicenceKind, LicenceRequest
from .outbox import queue_email

MAX_QUANTITY = 100_000
MAX_MESSAGE = 2000


def request_licences(*, session: Session, actor: Actor, organisation_id: int, kind: str, quantity: int,
                     message: str = '', purchase: bool = False) -> LicenceRequest:
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
    kind_label = LicenceKind(kind).label
    request = LicenceRequest(organisation_id=organisation_id, requested_by_id=actor.user_id,
                             requested_by_name=actor.name, kind=kind, quantity=quantity, message=message or None)
    session.add(request)
    what = 'Purchase' if purchase else 'More licences'
    record_audit(session=session, actor=actor, organisation_id=organisation_id, action='licences_requested',
                 details=f'{what}: {quantity} {kind_label}')
    queue_email(
        session=session, to=get_settings().vendor_sales_email, organisation_id=organisation_id,
        subject=f'{what} requested: {quantity:,} {kind_label} licences for {organisation.name} '
                f'({organisation.serial_number})',
        body_text=(f'{actor.name} <{actor.email}> of {organisation.name}, serial number '
                   f'{organisation.serial_number}, asks for {quantity:,} {kind_label} licences.\n\n'
                   f'Message:\n{message or "(none)"}\n'),
    )
    session.commit()
    return request
