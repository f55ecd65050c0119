"""Where a deletion request stands, for the Billing page's timeline: its dates and the notices sent for it."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from dashboard.domain.actor import Actor
from dashboard.domain.billing.licence_details import get_organisation
from dashboard.domain.clock import utc_date
from dashboard.domain.deletion.notices import PURGE_DAYS, notice_key_prefix, purge_due_on
from dashboard.domain.models import DeletionRequest, DeletionStatus, OutboxEmail, OutboxStatus

# What each notice is, by the step its key names: `deletion:{request}:{step}` (a new date adds `:{date}`).
NOTICE_LABELS = {
    'requested': 'Email to the contacts',
    'requested_support': 'Email to vendor support',
    'rescheduled': 'New date emailed to the contacts',
    'starting': 'Start notice to the contacts',
    'completed': 'Completion notice to the contacts',
    'withdrawn': 'Withdrawal emailed to the contacts',
    'withdrawn_support': 'Withdrawal emailed to vendor support',
}


@dataclass(frozen=True)
class Notice:
    step: str
    label: str
    status: OutboxStatus  # pending (queued), sending, sent, failed
    queued_at: datetime
    sent_at: datetime | None

    @property
    def sent(self) -> bool:
        return self.status == OutboxStatus.SENT


@dataclass(frozen=True)
class DeletionProgress:
    request_id: int
    status: DeletionStatus
    requested_at: datetime
    requested_by: str
    effective_date: date
    started_at: datetime | None
    completed_at: datetime | None
    purged_at: datetime | None
    notices: tuple[Notice, ...]

    @property
    def purge_due_on(self) -> date | None:
        """The day the purge runs; the seed's deadline is a day later."""
        return purge_due_on(utc_date(self.completed_at)) if self.completed_at else None

    @property
    def purge_deadline(self) -> date | None:
        return utc_date(self.completed_at) + timedelta(days=PURGE_DAYS) if self.completed_at else None

    def notices_of(self, *steps: str) -> list[Notice]:
        return [notice for notice in self.notices if notice.step in steps]


def deletion_progress(*, session: Session, actor: Actor, organisation_id: int) -> DeletionProgress | None:
    """The organisation's open deletion request, or else its completed one; None if there is neither (a withdrawn
    request is over: the page offers a new one)."""
    actor.require_view_billing(organisation_id)
    get_organisation(session=session, organisation_id=organisation_id)
    request = session.exec(select(DeletionRequest).where(
        DeletionRequest.organisation_id == organisation_id,
        col(DeletionRequest.status) != DeletionStatus.WITHDRAWN)
        .order_by(col(DeletionRequest.requested_at).desc(), col(DeletionRequest.id).desc()).limit(1)).first()
    if request is None or request.id is None:
        return None
    prefix = notice_key_prefix(request.id)
    emails = session.exec(select(OutboxEmail).where(
        OutboxEmail.organisation_id == organisation_id, col(OutboxEmail.dedupe_key).startswith(prefix))
        .order_by(col(OutboxEmail.created_at), col(OutboxEmail.id))).all()
    notices = []
    for email in emails:
        step = (email.dedupe_key or '').removeprefix(prefix).split(':')[0]
        notices.append(Notice(step=step, label=NOTICE_LABELS.get(step, email.kind), status=email.status,
                              queued_at=email.created_at, sent_at=email.sent_at))
    return DeletionProgress(
        request_id=request.id, status=request.status, requested_at=request.requested_at,
        requested_by=request.requested_by_name, effective_date=request.effective_date, started_at=request.started_at,
        completed_at=request.completed_at, purged_at=request.purged_at, notices=tuple(notices))
