"""The Licence details tab: what it shows of an organisation, and the main contact it lets billing users change."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.audit import record_audit
from dashboard.domain.auth.accounts import require_current
from dashboard.domain.errors import InvalidInput, NotFound
from dashboard.domain.models import (
    OPEN_DELETION_STATUSES,
    DeletionRequest,
    LicenceKind,
    LicencePool,
    Organisation,
    Plan,
    User,
)
from dashboard.domain.organisations.account_types import AccountType

EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class PoolView:
    kind: LicenceKind
    total: int
    in_use: int
    expiry_date: date | None
    days_left: int | None

    @property
    def available(self) -> int:
        return self.total - self.in_use

    @property
    def expired(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def expiring_soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= EXPIRY_WARNING_DAYS


@dataclass(frozen=True)
class ContactView:
    id: int
    name: str
    email: str
    phone: str | None


@dataclass(frozen=True)
class BillingView:
    organisation_id: int
    name: str
    serial_number: str
    account_type: AccountType
    plan: Plan
    region_label: str
    subscription_end: date
    pools: dict[LicenceKind, PoolView]
    contacts: list[ContactView]
    main_contact_id: int | None
    deletion: DeletionRequest | None

    @property
    def main_contact(self) -> ContactView | None:
        return next((c for c in self.contacts if c.id == self.main_contact_id), None)


def get_organisation(*, session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f'There is no organisation {organisation_id}.')
    return organisation


def billing_view(*, session: Session, actor: Actor, organisation_id: int, today: date | None = None) -> BillingView:
    actor.require_view_billing(organisation_id)
    today = today or clock.today()
    organisation = get_organisation(session=session, organisation_id=organisation_id)
    pools = session.exec(select(LicencePool).where(LicencePool.organisation_id == organisation_id)).all()
    by_kind = {pool.kind: pool for pool in pools}
    users = session.exec(select(User).where(User.organisation_id == organisation_id, col(User.is_active))
                         .order_by(col(User.full_name), col(User.id))).all()
    return BillingView(
        organisation_id=organisation_id,
        name=organisation.name,
        serial_number=organisation.serial_number,
        account_type=AccountType.of(organisation, today),
        plan=organisation.plan,
        region_label=organisation.region.label,
        subscription_end=organisation.subscription_end,
        pools={kind: _pool_view(kind, by_kind.get(kind), today) for kind in LicenceKind},
        contacts=[ContactView(id=u.id, name=u.full_name, email=u.email, phone=u.phone) for u in users if u.id],
        main_contact_id=organisation.main_contact_id,
        deletion=open_deletion_request(session=session, organisation_id=organisation_id),
    )


def _pool_view(kind: LicenceKind, pool: LicencePool | None, today: date) -> PoolView:
    if pool is None:
        return PoolView(kind=kind, total=0, in_use=0, expiry_date=None, days_left=None)
    return PoolView(kind=kind, total=pool.total, in_use=pool.in_use, expiry_date=pool.expiry_date,
                    days_left=(pool.expiry_date - today).days)


def open_deletion_request(*, session: Session, organisation_id: int) -> DeletionRequest | None:
    return session.exec(select(DeletionRequest).where(
        DeletionRequest.organisation_id == organisation_id,
        col(DeletionRequest.status).in_(OPEN_DELETION_STATUSES))).first()


def change_main_contact(*, session: Session, actor: Actor, organisation_id: int, user_id: int | None) -> None:
    """Sets the organisation's main contact: one of its active users. None is refused: an organisation is left
    without one only as imported, and a person who changes it always chooses someone."""
    actor.require_billing_permission(organisation_id)
    require_current(session=session, actor=actor)
    organisation = get_organisation(session=session, organisation_id=organisation_id)
    refused = InvalidInput('The main contact must be one of this organisation\'s users.')
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise refused
    contact = session.get(User, user_id)
    if contact is None or contact.organisation_id != organisation_id or not contact.is_active:
        raise refused
    if organisation.main_contact_id == user_id:
        return
    old = session.get(User, organisation.main_contact_id) if organisation.main_contact_id else None
    organisation.main_contact_id = user_id
    session.add(organisation)
    record_audit(session=session, actor=actor, organisation_id=organisation_id, action='main_contact_changed',
                 details=f'{old.full_name if old else "none"} → {contact.full_name}')
    session.commit()
