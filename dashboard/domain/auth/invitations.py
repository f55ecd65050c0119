"""Invitations: the Admin Team emails an organisation's people a link to set their password (imported users have
none), one person at a time or everyone without a password at once; and who has a password or an invitation."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import require_current
from dashboard.domain.auth.events import record_sign_in_event
from dashboard.domain.auth.links import INVITATION_LIFETIME, link_url, new_link, queue_link_email
from dashboard.domain.auth.models import AccountLink, AccountLinkPurpose, SignInEventKind
from dashboard.domain.billing.licence_details import get_organisation
from dashboard.domain.errors import InvalidInput, NotFound
from dashboard.domain.formatting import format_timestamp
from dashboard.domain.models import Role, User
from dashboard.domain.vendor import Vendor

MAX_PEOPLE_SHOWN = 200


@dataclass(frozen=True)
class PersonAccess:
    """One of an organisation's people as the Admin Team sees them: can they sign in, or are they invited?"""

    user_id: int
    name: str
    email: str
    role: Role
    is_active: bool
    has_password: bool
    invited_until: datetime | None  # a pending invitation's expiry

    @property
    def may_be_invited(self) -> bool:
        return self.is_active and not self.has_password


@dataclass(frozen=True)
class OrganisationPeople:
    people: list[PersonAccess]  # the first MAX_PEOPLE_SHOWN by name
    count: int
    without_password: int  # active people who cannot sign in yet
    not_invited: int  # of those, the ones without a pending invitation: whom "invite everyone" would email


def organisation_people(*, session: Session, actor: Actor, organisation_id: int) -> OrganisationPeople:
    """The organisation's people by name, for the vendor's staff."""
    actor.require_vendor()
    require_current(session=session, actor=actor)
    get_organisation(session=session, organisation_id=organisation_id)
    users = session.exec(select(User).where(User.organisation_id == organisation_id)
                         .order_by(col(User.full_name), col(User.id)).limit(MAX_PEOPLE_SHOWN)).all()
    count = session.exec(select(func.count()).select_from(User).where(User.organisation_id == organisation_id)).one()
    uninvited = _invitable(session, organisation_id)
    pending = _pending_invitations(session, [user.id for user in users])
    people = [_person(user, pending) for user in users]
    invited = set(_pending_invitations(session, [user.id for user in uninvited]))
    return OrganisationPeople(people=people, count=count, without_password=len(uninvited),
                              not_invited=sum(user.id not in invited for user in uninvited))


def invite_user(*, session: Session, actor: Actor, user_id: int, public_url: str,
                vendor: Vendor) -> datetime:
    """Emails the user a link to set their password (the email names `vendor`'s product), voiding an earlier
    invitation, and commits; returns when the new one expires. Only for the Admin Team, and only for an active
    customer user without a password."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    user = session.get(User, user_id)
    if user is None or user.organisation_id is None:
        raise NotFound('There is no such customer user.')
    organisation = get_organisation(session=session, organisation_id=user.organisation_id)
    if organisation.cancelled_at is not None:
        raise InvalidInput('This organisation\'s account is cancelled: its people cannot be invited.')
    if not user.is_active:
        raise InvalidInput(f'{user.full_name} is deactivated and cannot be invited.')
    if user.password_hash:
        raise InvalidInput(f'{user.full_name} has a password already; they can reset it with "Forgot password?" '
                           'on the login page.')
    expires = _invite(session, actor, user, public_url, vendor)
    session.commit()
    return expires


def invite_everyone_without_password(*, session: Session, actor: Actor, organisation_id: int,
                                     public_url: str, vendor: Vendor) -> int:
    """Invites every active user of the organisation who has no password and no pending invitation (so a second
    click sends nothing twice), and commits; returns how many were invited."""
    actor.require_admin_team()
    require_current(session=session, actor=actor)
    organisation = get_organisation(session=session, organisation_id=organisation_id)
    if organisation.cancelled_at is not None:
        raise InvalidInput('This organisation\'s account is cancelled: its people cannot be invited.')
    users = _invitable(session, organisation_id)
    pending = _pending_invitations(session, [user.id for user in users])
    invited = 0
    for user in users:
        if user.id not in pending:
            _invite(session, actor, user, public_url, vendor)
            invited += 1
    session.commit()
    return invited


def _person(user: User, pending: dict[int, datetime]) -> PersonAccess:
    assert user.id is not None  # read from the database
    return PersonAccess(user_id=user.id, name=user.full_name, email=user.email, role=user.role,
                        is_active=user.is_active, has_password=bool(user.password_hash),
                        invited_until=pending.get(user.id))


def _invite(session: Session, actor: Actor, user: User, public_url: str, vendor: Vendor) -> datetime:
    now = clock.now()
    token = new_link(session, user, AccountLinkPurpose.INVITATION, now=now, created_by_id=actor.user_id)
    queue_link_email(session, user, 'invitation', vendor, link=link_url(public_url, token),
                      days=INVITATION_LIFETIME.days, expires=format_timestamp(now + INVITATION_LIFETIME))
    record_sign_in_event(session=session, kind=SignInEventKind.INVITATION_SENT, user_id=user.id, email=user.email,
                         detail=f'by {actor.name}')
    return now + INVITATION_LIFETIME


def _invitable(session: Session, organisation_id: int) -> list[User]:
    return list(session.exec(select(User).where(User.organisation_id == organisation_id, col(User.is_active),
                                                col(User.password_hash).is_(None)).order_by(col(User.id))).all())


def _pending_invitations(session: Session, user_ids: list[int | None]) -> dict[int, datetime]:
    """Each user's latest unused, unexpired invitation's expiry."""
    if not user_ids:
        return {}
    rows = session.exec(select(AccountLink.user_id, func.max(AccountLink.expires_at)).where(
        col(AccountLink.user_id).in_(user_ids), AccountLink.purpose == AccountLinkPurpose.INVITATION,
        col(AccountLink.used_at).is_(None), col(AccountLink.expires_at) > clock.now())
        .group_by(col(AccountLink.user_id))).all()
    return dict(rows)
