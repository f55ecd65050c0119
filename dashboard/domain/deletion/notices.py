"""The emails of the deletion lifecycle: who the organisation's relevant contacts are, and queuing each notice.

Every notice is keyed `deletion:{request_id}:{step}` (ids only), so a job that runs twice, or in two processes at
once, queues it once, and the Billing page's timeline finds the notices of a request by their key."""

from datetime import date, timedelta

from sqlmodel import Session, col, select

from dashboard.domain.actor import BILLING_ROLES
from dashboard.domain.formatting import format_date
from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.mail.templates import render_email
from dashboard.domain.models import DeletionRequest, Organisation, User
from dashboard.domain.vendor import Vendor

PURGE_DAYS = 30  # the seed: personal data removed within 30 days after completion


def notice_key(request_id: int, step: str) -> str:
    return f'deletion:{request_id}:{step}'


def notice_key_prefix(request_id: int) -> str:
    return f'deletion:{request_id}:'


def contact_addresses(*, session: Session, organisation: Organisation, request: DeletionRequest) -> list[str]:
    """The relevant contacts: the main contact, the requester and the billing users (global and billing admins);
    active users of the organisation only, each once."""
    users = session.exec(select(User).where(User.organisation_id == organisation.id, col(User.is_active))
                         .order_by(col(User.full_name), col(User.id))).all()
    wanted = [user for user in users if user.id == organisation.main_contact_id] + \
        [user for user in users if user.id == request.requested_by_id] + \
        [user for user in users if user.role in BILLING_ROLES]
    return list(dict.fromkeys(user.email for user in wanted))


def queue_notice(*, session: Session, vendor: Vendor, organisation: Organisation, request: DeletionRequest, step: str,
                 to: list[str] | str, template: str | None = None, **values: object) -> bool:
    """Renders `deletion_{template}` (the step's name by default) and queues it once for this request, kind
    `deletion_{template}`; no recipients, no email."""
    if not to:
        return False
    assert request.id is not None and organisation.id is not None
    template = template or step
    email = render_email(f'deletion_{template}', vendor=vendor, **notice_values(vendor, organisation, request),
                         **values)
    return queue_email(session=session, to=to, subject=email.subject, body_text=email.body_text,
                       body_html=email.body_html, organisation_id=organisation.id, kind=f'deletion_{template}',
                       dedupe_key=notice_key(request.id, step))


def notice_values(vendor: Vendor, organisation: Organisation, request: DeletionRequest) -> dict[str, object]:
    """What every deletion email says: which account, when it takes effect, where to ask (`vendor`'s support)."""
    return {'account': organisation.name, 'serial': organisation.serial_number,
            'effective': format_date(request.effective_date), 'requester': request.requested_by_name,
            'support': vendor.support_email, 'purge_days': PURGE_DAYS}


def purge_due_on(completed_on: date) -> date:
    """The purge runs on the 29th day after completion (UTC): a job that runs at least daily then purges within the
    seed's 30 days, whatever the time of day it completed and runs at."""
    return completed_on + timedelta(days=PURGE_DAYS - 1)
