"""The back office's Usage overview: organisations, licences and their use, trials ending and renewals ahead.

Every figure is a SQL aggregate over organisation and licence_pool (the history is never read); pandas only shapes
the few grouped rows that come back. Dates are grouped as plain dates and bucketed into months here, so the same
SQL runs on SQLite and PostgreSQL.

"Licences sold" are those of paid accounts in pools that have not expired (expiry date today or later); trial
licences are counted apart, as they were given, not sold.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, case, func, null
from sqlmodel import Session, col, select

from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.models import LicenceKind, LicencePool, Organisation, Plan, Region, User
from dashboard.domain.organisations.account_types import AccountType, account_type_case
from dashboard.domain.wide_select import execute_wide, select_wide

BAND_PERCENT = 5  # the utilisation histogram's bands: [0 %, 5 %), [5 %, 10 %), ... [95 %, 100 %]
BANDS = 100 // BAND_PERCENT
BARELY_USED, MODERATE, HIGH, NEAR_LIMIT = (
    'Barely used (under 20%)', 'Moderate (20–80%)', 'High (80–95%)', 'At or near the limit (95% and over)')
USAGE_GROUPS = {  # the bands each group of accounts spans
    BARELY_USED: range(0, 20 // BAND_PERCENT),
    MODERATE: range(20 // BAND_PERCENT, 80 // BAND_PERCENT),
    HIGH: range(80 // BAND_PERCENT, 95 // BAND_PERCENT),
    NEAR_LIMIT: range(95 // BAND_PERCENT, BANDS),
}
TRIAL_DAYS_AHEAD = 14
TRIALS_LISTED = 50
EXPIRY_MONTHS = 12


@dataclass(frozen=True)
class KindUsage:
    """One licence kind across paid accounts, counting only pools that have not expired."""

    kind: LicenceKind
    sold: int
    in_use: int
    bands: tuple[int, ...]  # accounts per utilisation band of BAND_PERCENT; a pool of 0 licences is in none
    trial_total: int
    trial_in_use: int

    @property
    def accounts(self) -> int:
        """Paid accounts holding licences of this kind."""
        return sum(self.bands)

    @property
    def utilisation(self) -> float | None:
        """In use of sold, from 0 to 1; None when none are sold."""
        return self.in_use / self.sold if self.sold else None

    def accounts_in(self, group: str) -> int:
        return sum(self.bands[band] for band in USAGE_GROUPS[group])

    @property
    def barely_used(self) -> int:
        """Accounts using under 20 % of what they bought."""
        return self.accounts_in(BARELY_USED)

    @property
    def near_limit(self) -> int:
        """Accounts using 95 % or more of what they bought."""
        return self.accounts_in(NEAR_LIMIT)


@dataclass(frozen=True)
class TrialEnding:
    organisation_id: int
    name: str
    serial_number: str
    region: Region
    ends_on: date
    days_left: int
    contact_name: str | None
    contact_email: str | None
    total: dict[LicenceKind, int]
    in_use: dict[LicenceKind, int]


@dataclass(frozen=True)
class MonthExpiry:
    """Paid licences whose pool expires in the month (from today on, in the current month)."""

    month: date  # its first day
    licences: dict[LicenceKind, int]
    accounts: dict[LicenceKind, int]


@dataclass(frozen=True, eq=False)
class UsageOverview:
    today: date
    organisations: pd.DataFrame  # counts: index AccountType, columns Region
    kinds: dict[LicenceKind, KindUsage]
    trials_ending: tuple[TrialEnding, ...]  # the first TRIALS_LISTED, soonest first
    trials_ending_count: int  # all of them
    expiring: tuple[MonthExpiry, ...]  # EXPIRY_MONTHS months, the current one first

    @property
    def organisations_total(self) -> int:
        return int(self.organisations.to_numpy().sum())

    def organisations_of(self, account_type: AccountType) -> int:
        return int(self.organisations.loc[account_type].sum())


def usage_overview(*, session: Session, actor: Actor, today: date | None = None) -> UsageOverview:
    actor.require_vendor()
    today = today or clock.today()
    trials, trial_count = _trials_ending(session, today)
    return UsageOverview(today=today, organisations=_organisations(session, today), kinds=_kinds(session, today),
                         trials_ending=trials, trials_ending_count=trial_count, expiring=_expiring(session, today))


def _organisations(session: Session, today: date) -> pd.DataFrame:
    # Grouped through a subquery: PostgreSQL would not see `today` in SELECT and GROUP BY as the same value.
    typed = select(account_type_case(today).label('account_type'), Organisation.region).subquery()
    rows = session.exec(select(typed.c.account_type, typed.c.region, func.count())
                        .group_by(typed.c.account_type, typed.c.region)).all()
    frame = pd.DataFrame(rows, columns=['account_type', 'region', 'count'])
    return (frame.pivot_table(index='account_type', columns='region', values='count', aggfunc='sum', fill_value=0)
            .reindex(index=list(AccountType), columns=list(Region), fill_value=0)
            .astype(int).rename_axis(index=None, columns=None))


def _kinds(session: Session, today: date) -> dict[LicenceKind, KindUsage]:
    pool = LicencePool
    band = case((col(pool.total) == 0, null()),
                (col(pool.in_use) * 100 >= col(pool.total) * (100 - BAND_PERCENT), BANDS - 1),  # 100 % too
                else_=(col(pool.in_use) * BANDS) // col(pool.total))
    live = (select_wide(col(pool.kind), _on_trial().label('on_trial'), band.label('band'), col(pool.total),
                        col(pool.in_use))
            .where(col(pool.expiry_date) >= today).subquery())
    rows = execute_wide(session, select_wide(live.c.kind, live.c.on_trial, live.c.band, func.count(),
                                             func.sum(live.c.total), func.sum(live.c.in_use))
                        .group_by(live.c.kind, live.c.on_trial, live.c.band)).all()
    frame = pd.DataFrame(rows, columns=['kind', 'on_trial', 'band', 'accounts', 'total', 'in_use'])
    return {kind: _kind_usage(kind, frame[frame['kind'] == kind]) for kind in LicenceKind}


def _on_trial() -> ColumnElement[bool]:
    """Whether a pool's organisation is on a trial: trials are few, so this is a look-up in a small set, quicker
    than joining every pool to its organisation."""
    return col(LicencePool.organisation_id).in_(select(Organisation.id).where(col(Organisation.plan) == Plan.TRIAL))


def _kind_usage(kind: LicenceKind, frame: pd.DataFrame) -> KindUsage:
    on_trial = frame['on_trial'].astype(bool)
    paid, trial = frame[~on_trial], frame[on_trial]
    banded = paid.dropna(subset=['band'])
    bands = banded.groupby(banded['band'].astype(int))['accounts'].sum()
    return KindUsage(kind=kind, sold=int(paid['total'].sum()), in_use=int(paid['in_use'].sum()),
                     bands=tuple(int(n) for n in bands.reindex(range(BANDS), fill_value=0)),
                     trial_total=int(trial['total'].sum()), trial_in_use=int(trial['in_use'].sum()))


def _trials_ending(session: Session, today: date) -> tuple[tuple[TrialEnding, ...], int]:
    ending = (col(Organisation.plan) == Plan.TRIAL, col(Organisation.subscription_end) >= today,
              col(Organisation.subscription_end) <= today + timedelta(days=TRIAL_DAYS_AHEAD))
    count = session.exec(select(func.count()).select_from(Organisation).where(*ending)).one()
    if not count:
        return (), 0
    organisations = execute_wide(session, select_wide(
        col(Organisation.id), col(Organisation.name), col(Organisation.serial_number), col(Organisation.region),
        col(Organisation.subscription_end), col(User.full_name), col(User.email))
        .outerjoin(User, col(User.id) == Organisation.main_contact_id).where(*ending)
        .order_by(col(Organisation.subscription_end), col(Organisation.name), col(Organisation.id))
        .limit(TRIALS_LISTED)).all()
    pools = session.exec(select(LicencePool.organisation_id, col(LicencePool.kind), LicencePool.total,
                                LicencePool.in_use)
                         .where(col(LicencePool.organisation_id).in_([row[0] for row in organisations]))).all()
    totals: dict[int, dict[LicenceKind, int]] = {}
    in_use: dict[int, dict[LicenceKind, int]] = {}
    for organisation_id, kind, total, used in pools:
        totals.setdefault(organisation_id, {})[kind] = total
        in_use.setdefault(organisation_id, {})[kind] = used
    trials = []
    for id_, name, serial, region, ends_on, contact, email in organisations:
        assert id_ is not None  # read from the database
        trials.append(TrialEnding(organisation_id=id_, name=name, serial_number=serial, region=region,
                                  ends_on=ends_on, days_left=(ends_on - today).days, contact_name=contact,
                                  contact_email=email,
                                  total={kind: totals.get(id_, {}).get(kind, 0) for kind in LicenceKind},
                                  in_use={kind: in_use.get(id_, {}).get(kind, 0) for kind in LicenceKind}))
    return tuple(trials), count


def _expiring(session: Session, today: date) -> tuple[MonthExpiry, ...]:
    months = pd.period_range(pd.Period(today, 'M'), periods=EXPIRY_MONTHS, freq='M')
    end = (months[-1] + 1).start_time.date()
    rows = session.exec(
        select(col(LicencePool.expiry_date), col(LicencePool.kind), func.count(), func.sum(LicencePool.total))
        .where(~_on_trial(), col(LicencePool.expiry_date) >= today, col(LicencePool.expiry_date) < end)
        .group_by(col(LicencePool.expiry_date), col(LicencePool.kind))).all()
    frame = pd.DataFrame(rows, columns=['expiry_date', 'kind', 'accounts', 'licences'])
    frame['month'] = pd.PeriodIndex(pd.to_datetime(frame['expiry_date']), freq='M')
    monthly = frame.groupby(['month', 'kind'])[['accounts', 'licences']].sum()
    full = pd.MultiIndex.from_product([months, [kind.value for kind in LicenceKind]], names=['month', 'kind'])
    monthly = monthly.reindex(full, fill_value=0).astype(int)
    return tuple(
        MonthExpiry(month=month.start_time.date(),
                    licences={kind: int(monthly.loc[(month, kind.value), 'licences']) for kind in LicenceKind},
                    accounts={kind: int(monthly.loc[(month, kind.value), 'accounts']) for kind in LicenceKind})
        for month in months)
