"""Single-use links sent by email to set a password: a reset anyone may ask for by email, and an invitation the Admin
Team sends. The email carries a random token; the database keeps only its SHA-256, so a copy of the database opens
no account. A link works once, until it expires, and only while its user may sign in; a newer link of the same kind
makes the older unused ones void. Using one sets the password and ends every session of the user.

What a stranger sees never depends on whether an account exists: `request_password_reset` returns nothing, and a
bad link of any kind (unknown, forged, used, expired, voided) is refused with one message."""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select, update

from dashboard.domain import clock
from dashboard.domain.auth.accounts import find_user_by_email, is_allowed_to_sign_in, new_password_hash
from dashboard.domain.auth.events import record_sign_in_event
from dashboard.domain.auth.models import AccountLink, AccountLinkPurpose, SignInEvent, SignInEventKind
from dashboard.domain.auth.sessions import end_user_sessions
from dashboard.domain.errors import InvalidInput
from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.mail.templates import render_email
from dashboard.domain.models import User
from dashboard.domain.vendor import Vendor

log = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 43 URL-safe characters
MAX_TOKEN = 100
RESET_LIFETIME = timedelta(hours=1)
# An invitation goes to someone who did not ask for it and may read it only after a weekend: three days.
INVITATION_LIFETIME = timedelta(hours=72)
LIFETIMES = {AccountLinkPurpose.PASSWORD_RESET: RESET_LIFETIME, AccountLinkPurpose.INVITATION: INVITATION_LIFETIME}
# Nobody can have a person mail-bombed: at most this many reset emails to one account an hour, and this many
# requests (for any email) from one client address in a quarter of an hour; beyond them a request does nothing.
RESETS_PER_ACCOUNT = 3
RESETS_PER_ACCOUNT_WINDOW = timedelta(hours=1)
RESETS_PER_ADDRESS = 10
RESETS_PER_ADDRESS_WINDOW = timedelta(minutes=15)
SET_PASSWORD_PATH = '/set-password'
LINK_NOT_VALID = 'This link is not valid: it has expired, has been used already, or was replaced by a newer one. ' \
                 'Ask for a new link on the login page ("Forgot password?").'
PASSWORDS_DIFFER = 'The two passwords are not the same.'
_TOKEN_SHAPE = re.compile(r'[A-Za-z0-9_-]+')


class LinkNotValid(InvalidInput):
    """An unknown, forged, used, expired or voided link: one refusal for all, so it tells nobody which."""

    def __init__(self) -> None:
        super().__init__(LINK_NOT_VALID)


@dataclass(frozen=True)
class UsedLink:
    email: str
    purpose: AccountLinkPurpose


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_password_reset(*, session: Session, email: str, public_url: str, client_address: str | None = None,
                           now: datetime | None = None, vendor: Vendor) -> None:
    """Emails a reset link (naming `vendor`'s product) if `email` belongs to someone who may sign in, and commits.
    Returns nothing either way, and takes as long either way but for the email's rendering: the caller answers the
    same whatever happened."""
    now = now or clock.now()
    email = email.strip()[:320]
    if _recent_requests_from(session, client_address, now) >= RESETS_PER_ADDRESS:
        log.warning('Password reset refused: too many requests from one client address')
        return
    found = find_user_by_email(session=session, email=email) if email else None
    user = found if found is not None and is_allowed_to_sign_in(session=session, user=found) else None
    if user is not None and _recent_links(session, user, now) >= RESETS_PER_ACCOUNT:
        log.warning('Password reset refused: too many reset emails to user %s', user.id)
        return
    record_sign_in_event(session=session, kind=SignInEventKind.RESET_REQUESTED, email=email,
                         user_id=user.id if user is not None else None, client_address=client_address)
    if user is not None:
        token = new_link(session, user, AccountLinkPurpose.PASSWORD_RESET, now=now)
        queue_link_email(session, user, 'password_reset', vendor, link=link_url(public_url, token),
                          hours=int(RESET_LIFETIME.total_seconds() // 3600))
    session.commit()


def use_link(*, session: Session, token: str, password: str, password_again: str,
             client_address: str | None = None) -> UsedLink:
    """Sets the password of the link's user, uses the link up and ends every session of the user, in one
    transaction, and commits. Raises `InvalidInput` for a password that will not do (the link stays usable) and
    `LinkNotValid` for a link that will not."""
    link, user = _valid_link(session, token)
    if password != password_again:
        raise InvalidInput(PASSWORDS_DIFFER)
    password_hash = new_password_hash(password)
    now = clock.now()
    taken = session.exec(update(AccountLink).where(col(AccountLink.id) == link.id, col(AccountLink.used_at).is_(None))
                         .values(used_at=now))
    if taken.rowcount != 1:  # another request used it a moment ago
        session.rollback()
        raise LinkNotValid()
    purpose = link.purpose
    user.password_hash = password_hash
    session.add(user)
    ended = end_user_sessions(session=session, user_id=link.user_id, reason='password_reset')
    kind = SignInEventKind.PASSWORD_RESET if purpose is AccountLinkPurpose.PASSWORD_RESET \
        else SignInEventKind.INVITATION_ACCEPTED
    record_sign_in_event(session=session, kind=kind, user_id=user.id, email=user.email,
                         client_address=client_address, detail=f'{ended} other sessions ended' if ended else None)
    session.commit()
    return UsedLink(email=user.email, purpose=purpose)


def check_link(*, session: Session, token: str) -> AccountLinkPurpose:
    """What the link is for, if it would work now; `LinkNotValid` if not. Changes nothing."""
    link, _user = _valid_link(session, token)
    return link.purpose


def link_url(public_url: str, token: str) -> str:
    return f'{public_url.rstrip("/")}{SET_PASSWORD_PATH}?token={token}'


def _valid_link(session: Session, token: str) -> tuple[AccountLink, User]:
    if not token or len(token) > MAX_TOKEN or not _TOKEN_SHAPE.fullmatch(token):
        raise LinkNotValid()
    link = session.exec(select(AccountLink).where(AccountLink.token_hash == token_hash(token))).first()
    if link is None or link.used_at is not None or link.expires_at <= clock.now():
        raise LinkNotValid()
    user = session.get(User, link.user_id)
    if user is None or not is_allowed_to_sign_in(session=session, user=user):
        raise LinkNotValid()
    return link, user


def new_link(session: Session, user: User, purpose: AccountLinkPurpose, *, now: datetime,
              created_by_id: int | None = None) -> str:
    """A new link for the user, voiding the older unused ones of the same kind; returns its token."""
    assert user.id is not None  # read from the database
    session.exec(update(AccountLink).where(col(AccountLink.user_id) == user.id, col(AccountLink.purpose) == purpose,
                                           col(AccountLink.used_at).is_(None), col(AccountLink.expires_at) > now)
                 .values(expires_at=now))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(AccountLink(user_id=user.id, purpose=purpose, token_hash=token_hash(token), created_at=now,
                            expires_at=now + LIFETIMES[purpose], created_by_id=created_by_id))
    return token


def queue_link_email(session: Session, user: User, template: str, vendor: Vendor, **values: object) -> None:
    """The subject names no person or organisation: nothing a customer typed goes into a header."""
    email = render_email(template, vendor=vendor, person=user.full_name, email=user.email, **values)
    queue_email(session=session, to=user.email, subject=email.subject, body_text=email.body_text,
                body_html=email.body_html, organisation_id=user.organisation_id, kind=template)


def _recent_links(session: Session, user: User, now: datetime) -> int:
    return session.exec(select(func.count()).select_from(AccountLink).where(
        AccountLink.user_id == user.id, AccountLink.purpose == AccountLinkPurpose.PASSWORD_RESET,
        col(AccountLink.created_at) > now - RESETS_PER_ACCOUNT_WINDOW)).one()


def _recent_requests_from(session: Session, client_address: str | None, now: datetime) -> int:
    if not client_address:
        return 0
    return session.exec(select(func.count()).select_from(SignInEvent).where(
        SignInEvent.kind == SignInEventKind.RESET_REQUESTED, SignInEvent.client_address == client_address[:64],
        col(SignInEvent.at) > now - RESETS_PER_ADDRESS_WINDOW)).one()
