"""The browser tests' data: one realistic organisation (both pools, a user of every customer role, 60 history rows
that add up to today's figures), and a second organisation whose data must never appear."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from dashboard.domain import clock
from dashboard.domain.auth.accounts import set_password
from dashboard.domain.history.recording import record_history
from dashboard.domain.models import HistoryAction, LicenceKind, Organisation, User
from tests.factories import make_organisation, make_pool, make_user

PASSWORD = 'correct horse battery staple'
VENDOR_STAFF = 'Priya Vendorlund'  # vendor staff: customers must only ever see 'Admin Team'


@dataclass
class HistoryEntry:
    occurred_at: datetime
    action: HistoryAction
    kind: LicenceKind | None
    actor: str
    by_vendor: bool
    old_value: str | None
    new_value: str | None
    note: str | None

    @property
    def shown_actor(self) -> str:
        return 'Admin Team' if self.by_vendor else self.actor


@dataclass
class Person:
    name: str
    email: str
    phone: str
    role: str


def seed(session: Session) -> dict:
    """Two organisations: the one every test signs in to, and one whose data must never show; returns the facts
    that `World` carries."""
    today = clock.today()
    subscription_end = today + timedelta(days=143)
    managed_expiry = today + timedelta(days=21)
    on_demand_expiry = today + timedelta(days=143)
    org = make_organisation(session, name='Harbourview Logistics Ltd', serial_number='HVL-2291-0447-UK',
                            plan='paid', region='uk', subscription_end=subscription_end)
    make_pool(session, org, 'managed_agent', total=250, in_use=187, expiry_date=managed_expiry)
    make_pool(session, org, 'on_demand', total=15, in_use=4, expiry_date=on_demand_expiry)
    people = {}
    for role, name, phone in [('global_admin', 'Grace Okafor', '+44 20 7946 0101'),
                              ('billing_admin', 'Ben Hartley', '+44 20 7946 0102'),
                              ('viewer', 'Vivian Moreau', '+44 20 7946 0103'),
                              ('user', 'Usman Qureshi', '+44 20 7946 0104')]:
        email = f'{name.split()[0].lower()}@harbourview.example'
        make_user(session, org, role, full_name=name, email=email, phone=phone)
        set_password(session=session, email=email, password=PASSWORD)
        people[role] = Person(name=name, email=email, phone=phone, role=role)
    org.main_contact_id = _user_id(session, people['global_admin'].email)
    session.add(org)
    session.commit()

    other = make_organisation(session, name='Kestrel Pharma AG', serial_number='KPA-7713-0001-DE', plan='trial',
                              region='eu', subscription_end=today + timedelta(days=9))
    make_pool(session, other, 'managed_agent', total=9999, in_use=1, expiry_date=today + timedelta(days=9))
    other_email = 'kurt@kestrel.example'
    make_user(session, other, 'global_admin', full_name='Kurt Kestrel', email=other_email)
    set_password(session=session, email=other_email, password=PASSWORD)
    other_note = 'Kestrel confidential renewal'
    for n in range(5):
        record_history(session=session, organisation_id=other.id, actor='Kurt Kestrel',
                       action=HistoryAction.LICENCES_INCREASED, kind=LicenceKind.MANAGED_AGENT, old_value=9000 + n,
                       new_value=9001 + n, note=f'{other_note} {n}', occurred_at=_at(today, -n))
    logins = _back_office(session, today)
    history = _history(today)
    for entry in history:
        record_history(session=session, organisation_id=org.id, actor=entry.actor, action=entry.action,
                       kind=entry.kind, old_value=entry.old_value, new_value=entry.new_value, note=entry.note,
                       by_vendor=entry.by_vendor, occurred_at=entry.occurred_at)
    session.commit()
    return dict(org_id=org.id, org_name=org.name, serial=org.serial_number, other_org_id=other.id,
                other_org_name=other.name, other_serial=other.serial_number, other_email=other_email,
                other_note=other_note, subscription_end=subscription_end, managed_expiry=managed_expiry,
                on_demand_expiry=on_demand_expiry, people=people, contact_role='global_admin', history=history,
                logins=logins)


# The back office's people, and organisations whose licences come up for renewal in every region and horizon.
RENEWALS = [
    # name, serial, region, [(kind, total, in use, days to expiry)]; all paid
    ('Meridian Freight Inc', 'MFI-3301-0001-US', 'us', [('managed_agent', 120, 118, 26), ('on_demand', 8, 2, 26)]),
    ('Ostsee Werft GmbH', 'OWG-1180-0002-DE', 'eu', [('managed_agent', 60, 12, 33)]),
    ('Thistle Dental Group', 'TDG-4410-0003-UK', 'uk', [('managed_agent', 45, 40, 12), ('on_demand', 5, 5, 75)]),
    ('Lapsed Lighting Ltd', 'LLL-0001-0004-UK', 'uk', [('managed_agent', 30, 5, -20)]),
]
LIVE_VIEWER = 'mia@meridian.example'


def _back_office(session: Session, today: date) -> dict[str, str]:
    """Vendor staff who log in, and the organisations of the renewals pipeline; returns the extra logins by name."""
    logins = {'sales': 'sam.sales@247connect.example', 'vendor_admin': 'ada.admin@247connect.example',
              'live_viewer': LIVE_VIEWER}
    make_user(session, None, 'sales', full_name='Sam Sales', email=logins['sales'])
    make_user(session, None, 'vendor_admin', full_name=VENDOR_STAFF, email=logins['vendor_admin'])
    for name, serial, region, pools in RENEWALS:
        organisation = make_organisation(session, name=name, serial_number=serial, region=region, plan='paid',
                                         subscription_end=today + timedelta(days=max(days for *_, days in pools)))
        for kind, total, in_use, days in pools:
            make_pool(session, organisation, kind, total=total, in_use=in_use,
                      expiry_date=today + timedelta(days=days))
    meridian = session.exec(select(Organisation).where(Organisation.name == RENEWALS[0][0])).one()
    make_user(session, meridian, 'viewer', full_name='Mia Meridian', email=LIVE_VIEWER)
    for email in logins.values():
        set_password(session=session, email=email, password=PASSWORD)
    return logins


def _history(today: date) -> list[HistoryEntry]:
    """60 rows over about two years, oldest first: every action, both kinds, vendor staff and customers, and
    licence totals and expiry dates that add up to the pools' figures today."""
    plan = [_planned_step(n) for n in range(58)]
    totals = {LicenceKind.MANAGED_AGENT: 250 - sum(d for k, d in plan if k == LicenceKind.MANAGED_AGENT and d),
              LicenceKind.ON_DEMAND: 15 - sum(d for k, d in plan if k == LicenceKind.ON_DEMAND and d)}
    expiry_changes = {kind: sum(1 for k, d in plan if k == kind and d == 0) for kind in LicenceKind}
    expiries = {LicenceKind.MANAGED_AGENT: today + timedelta(days=21 - 73 * expiry_changes[LicenceKind.MANAGED_AGENT]),
                LicenceKind.ON_DEMAND: today + timedelta(days=143 - 73 * expiry_changes[LicenceKind.ON_DEMAND])}
    entries = [
        HistoryEntry(_at(today, -720), HistoryAction.TRIAL_STARTED, LicenceKind.MANAGED_AGENT, VENDOR_STAFF, True,
                     None, '25', '30-day trial'),
        HistoryEntry(_at(today, -692, hour=15, minute=20), HistoryAction.TRIAL_CONVERTED, LicenceKind.MANAGED_AGENT,
                     VENDOR_STAFF, True, '25', str(totals[LicenceKind.MANAGED_AGENT]), 'Order PO-10442 received'),
    ]
    for n, (kind, delta) in enumerate(plan):
        when = _at(today, -680 + n * 11, hour=9 + n % 8, minute=(n * 7) % 60)
        by_vendor = (n // 2) % 2 == 0
        actor = VENDOR_STAFF if by_vendor else ('Grace Okafor' if (n // 4) % 2 else 'Ben Hartley')
        note = 'Quarterly true-up' if n % 10 == 4 else (f'Order PO-{10500 + n}' if by_vendor else None)
        if kind is None:
            action, old, new, note = HistoryAction.OTHER, None, None, 'Invoice address updated'
        elif delta == 0:
            action, old = HistoryAction.EXPIRY_CHANGED, expiries[kind].isoformat()
            expiries[kind] += timedelta(days=73)
            new = expiries[kind].isoformat()
        else:
            action = HistoryAction.LICENCES_INCREASED if delta > 0 else HistoryAction.LICENCES_DECREASED
            if delta < 0 and by_vendor and note != 'Quarterly true-up':
                note = 'Unused seats released'
            old, new = str(totals[kind]), str(totals[kind] + delta)
            totals[kind] += delta
        entries.append(HistoryEntry(when, action, kind, actor, by_vendor, old, new, note))
    assert totals == {LicenceKind.MANAGED_AGENT: 250, LicenceKind.ON_DEMAND: 15}
    return entries


def _planned_step(n: int) -> tuple[LicenceKind | None, int | None]:
    """Row n's licence kind and change of total: 0 is an expiry change, None (with no kind) an 'Other' row."""
    managed, on_demand = LicenceKind.MANAGED_AGENT, LicenceKind.ON_DEMAND
    match n % 6:
        case 0:
            return managed, 10
        case 1:
            return managed, 0
        case 2:
            return (managed, -5) if n % 12 == 2 else (on_demand, -1)
        case 3:
            return None, None
        case 4:
            return (on_demand, 3) if n % 12 == 4 else (managed, 10)
        case _:
            return on_demand, 0


def _at(today: date, days: int, hour: int = 10, minute: int = 0) -> datetime:
    day = today + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _user_id(session: Session, email: str) -> int:
    user = session.exec(select(User).where(User.email_key == email)).one()
    assert user.id is not None
    return user.id
