"""The outbox as the vendor's staff read it: every email, newest first, paged by the database, with its bodies."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select, update

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import require_current
from dashboard.domain.deletion.purge import REMOVED_ADDRESS
from dashboard.domain.errors import InvalidInput, NotFound
from dashboard.domain.lookup import row_by_id
from dashboard.domain.models import OutboxEmail, OutboxStatus
from dashboard.domain.paging import DEFAULT_PAGE_SIZE, PAGE_SIZES, PagedFilter, counted
from dashboard.domain.wide_select import execute_wide, select_wide

STATUSES = {'': 'All statuses', **{status.value: status.value.capitalize() for status in OutboxStatus}}


@dataclass(frozen=True)
class OutboxFilter(PagedFilter):
    """The emails the Outbox page shows: those of one status ('' for all), newest first, a page at a time."""

    status: str = ''
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class OutboxRow:
    id: int
    to_address: str
    subject: str
    kind: str
    status: OutboxStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime


@dataclass(frozen=True)
class OutboxBodies:
    id: int
    to_address: str
    subject: str
    body_text: str
    body_html: str | None
    last_error: str | None
    status: OutboxStatus = OutboxStatus.PENDING

    @property
    def retryable(self) -> bool:
        """Failed, and still addressed to someone (a purge leaves no address to send it to)."""
        return self.status == OutboxStatus.FAILED and self.to_address != REMOVED_ADDRESS


_LINK_TOKEN = re.compile(r'token=[A-Za-z0-9_-]+')


def list_outbox(*, session: Session, actor: Actor, status: str = '', page: int = 1, page_size: int = 25
                ) -> tuple[list[OutboxRow], int]:
    """One page of the outbox, newest first, and how many emails match; for the vendor's staff only."""
    actor.require_vendor()
    require_current(session=session, actor=actor)  # not for a page left open by someone since deactivated or demoted
    conditions = [col(OutboxEmail.status) == status] if status in set(OutboxStatus) else []
    paged = OutboxFilter(page=max(page, 1), page_size=page_size if page_size in PAGE_SIZES else DEFAULT_PAGE_SIZE)
    statement = (select_wide(col(OutboxEmail.id), col(OutboxEmail.to_address), col(OutboxEmail.subject),
                             col(OutboxEmail.kind), col(OutboxEmail.status), col(OutboxEmail.attempts),
                             col(OutboxEmail.last_error), col(OutboxEmail.created_at), col(OutboxEmail.sent_at),
                             col(OutboxEmail.next_attempt_at))
                 .where(*conditions).order_by(col(OutboxEmail.id).desc())
                 .offset(paged.offset).limit(paged.page_size))
    rows = [_outbox_row(row) for row in execute_wide(session, statement).all()]
    return counted(rows, offset=paged.offset, page_size=paged.page_size,
                   count=lambda: session.exec(select(func.count()).select_from(OutboxEmail).where(*conditions)).one())


def _outbox_row(columns: tuple[int | None, str, str, str, OutboxStatus, int, str | None, datetime, datetime | None,
                               datetime]) -> OutboxRow:
    email_id = columns[0]
    assert email_id is not None  # read from the database
    return OutboxRow(email_id, *columns[1:])


def outbox_bodies(*, session: Session, actor: Actor, email_id: int) -> OutboxBodies:
    actor.require_vendor()
    require_current(session=session, actor=actor)
    email = row_by_id(session, OutboxEmail, email_id)
    if email is None or email.id is None:
        raise NotFound(f'There is no email {email_id} in the outbox.')
    return OutboxBodies(id=email.id, to_address=email.to_address, subject=email.subject,
                        body_text=hide_link_tokens(email.body_text),
                        body_html=hide_link_tokens(email.body_html) if email.body_html else email.body_html,
                        last_error=email.last_error, status=email.status)


def hide_link_tokens(body: str) -> str:
    """A reset or invitation link opens its person's account: the vendor's staff read the email without it."""
    return _LINK_TOKEN.sub('token=[hidden]', body)


def retry_failed_email(*, session: Session, actor: Actor, email_id: int) -> None:
    """Puts a `failed` email back in the queue, due now, with all its attempts again; its last error stays until the
    next try replaces it. For the Admin Team only; not for an email whose recipients a purge has removed."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    email = row_by_id(session, OutboxEmail, email_id)
    if email is None:
        raise NotFound(f'There is no email {email_id} in the outbox.')
    if email.to_address == REMOVED_ADDRESS:
        raise InvalidInput('This email\'s account was purged: it has no recipient left to send it to.')
    if email.status != OutboxStatus.FAILED:
        raise InvalidInput(f'Only a failed email can be retried; this one is {email.status}.')
    retried = session.exec(update(OutboxEmail).where(col(OutboxEmail.id) == email_id,
                                                     col(OutboxEmail.status) == OutboxStatus.FAILED)
                           .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=clock.now(),
                                   claimed_by=None, claimed_until=None)).rowcount
    session.commit()
    if retried != 1:
        raise InvalidInput('This email is no longer failed: it has been retried already.')
