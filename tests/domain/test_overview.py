"""The Usage overview as `usage_overview` gives it: exact counts on small hand-made data."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from dashboard.domain.errors import PermissionDenied
from dashboard.domain.models import LicenceKind, Organisation
from dashboard.domain.usage.overview import BANDS, BARELY_USED, HIGH, MODERATE, NEAR_LIMIT, usage_overview
from tests.factories import actor, make_organisation, make_pool, make_user

TODAY = date(2026, 6, 15)
MANAGED, ON_DEMAND = LicenceKind.MANAGED_AGENT, LicenceKind.ON_DEMAND


def overview_of(session: Session, today: date = TODAY):
    sales = make_user(session, None, 'sales', full_name='Sam Sales')
    return usage_overview(session=session, actor=actor(sales), today=today)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def paid(session: Session, **overrides) -> Organisation:
    return make_organisation(session, plan='paid', subscription_end=days(200), **overrides)


def trial(session: Session, ends_in: int, **overrides) -> Organisation:
    return make_organisation(session, plan='trial', subscription_end=days(ends_in), **overrides)


def test_organisations_are_counted_by_account_type_and_region(session: Session) -> None:
    for plan, region, ends_in in [('paid', 'eu', 0), ('paid', 'eu', -1), ('paid', 'us', 1), ('paid', 'us', 300),
                                  ('trial', 'uk', 0), ('trial', 'uk', -1), ('trial', 'us', 14), ('trial', 'eu', -90)]:
        make_organisation(session, plan=plan, region=region, subscription_end=days(ends_in))

    overview = overview_of(session)

    assert overview.organisations.to_dict('index') == {
        'Active': {'eu': 1, 'uk': 0, 'us': 2},
        'Trial': {'eu': 0, 'uk': 1, 'us': 1},
        'Expired': {'eu': 2, 'uk': 1, 'us': 0},
    }
    assert overview.organisations_total == 8
    assert [overview.organisations_of(kind) for kind in ('Active', 'Trial', 'Expired')] == [3, 2, 3]


def test_licences_sold_are_paid_licences_not_yet_expired_and_trial_licences_are_counted_apart(
        session: Session) -> None:
    customer, lapsed, trialling = paid(session), paid(session), trial(session, 10)
    make_pool(session, customer, 'managed_agent', total=100, in_use=40, expiry_date=TODAY)  # expires today: counts
    make_pool(session, customer, 'on_demand', total=10, in_use=5, expiry_date=days(30))
    make_pool(session, lapsed, 'managed_agent', total=50, in_use=50, expiry_date=days(-1))  # expired: left out
    make_pool(session, trialling, 'managed_agent', total=10, in_use=3, expiry_date=days(10))

    kinds = overview_of(session).kinds

    managed, on_demand = kinds[MANAGED], kinds[ON_DEMAND]
    assert (managed.sold, managed.in_use, managed.accounts, managed.utilisation) == (100, 40, 1, 0.4)
    assert (managed.trial_total, managed.trial_in_use) == (10, 3)
    assert (on_demand.sold, on_demand.in_use, on_demand.accounts, on_demand.utilisation) == (10, 5, 1, 0.5)
    assert (on_demand.trial_total, on_demand.trial_in_use) == (0, 0)


@pytest.mark.parametrize(('in_use', 'total', 'band', 'group'), [
    (0, 100, 0, BARELY_USED),
    (19, 100, 3, BARELY_USED),
    (20, 100, 4, MODERATE),
    (1, 5, 4, MODERATE),
    (1, 3, 6, MODERATE),
    (79, 100, 15, MODERATE),
    (80, 100, 16, HIGH),
    (94, 100, 18, HIGH),
    (18, 19, 18, HIGH),
    (95, 100, 19, NEAR_LIMIT),
    (19, 20, 19, NEAR_LIMIT),
    (100, 100, 19, NEAR_LIMIT),
])
def test_each_account_falls_in_the_band_of_its_utilisation(session: Session, in_use: int, total: int, band: int,
                                                           group: str) -> None:
    make_pool(session, paid(session), 'on_demand', total=total, in_use=in_use, expiry_date=days(60))

    usage = overview_of(session).kinds[ON_DEMAND]

    assert usage.bands == tuple(1 if b == band else 0 for b in range(BANDS))
    assert usage.accounts_in(group) == 1
    assert usage.barely_used == (group == BARELY_USED)
    assert usage.near_limit == (group == NEAR_LIMIT)


def test_the_distribution_counts_accounts_and_leaves_out_pools_without_licences(session: Session) -> None:
    for in_use, total in [(1, 100), (10, 100), (50, 100), (96, 100), (30, 30), (0, 0)]:
        make_pool(session, paid(session), 'managed_agent', total=total, in_use=in_use, expiry_date=days(60))
    make_pool(session, trial(session, 5), 'managed_agent', total=10, in_use=10, expiry_date=days(5))

    usage = overview_of(session).kinds[MANAGED]

    assert (usage.accounts, usage.barely_used, usage.near_limit) == (5, 2, 2)
    assert (usage.sold, usage.in_use) == (430, 187)


def test_trials_ending_in_the_next_fourteen_days_soonest_first(session: Session) -> None:
    last_day = trial(session, 14, name='Last Day GmbH', serial_number='TR-14', region='uk')
    contact = make_user(session, last_day, 'global_admin', full_name='Lena Last', email='lena@lastday.example')
    last_day.main_contact_id = contact.id
    session.add(last_day)
    session.commit()
    make_pool(session, last_day, 'managed_agent', total=10, in_use=7, expiry_date=days(14))
    make_pool(session, last_day, 'on_demand', total=2, in_use=1, expiry_date=days(14))
    trial(session, 0, name='Ends Today Ltd')
    trial(session, 15, name='Day Fifteen Ltd')
    trial(session, -1, name='Ended Yesterday Ltd')
    make_organisation(session, plan='paid', subscription_end=days(5), name='Paid Soon Ltd')

    overview = overview_of(session)

    assert overview.trials_ending_count == 2
    assert [(t.name, t.ends_on, t.days_left) for t in overview.trials_ending] == [
        ('Ends Today Ltd', TODAY, 0), ('Last Day GmbH', days(14), 14)]
    ending = overview.trials_ending[1]
    assert (ending.organisation_id, ending.serial_number, ending.region.label) == (
        last_day.id, 'TR-14', 'United Kingdom (UK South)')
    assert (ending.contact_name, ending.contact_email) == ('Lena Last', 'lena@lastday.example')
    assert (ending.total, ending.in_use) == ({MANAGED: 10, ON_DEMAND: 2}, {MANAGED: 7, ON_DEMAND: 1})
    assert overview.trials_ending[0].total == {MANAGED: 0, ON_DEMAND: 0}
    assert overview.trials_ending[0].contact_name is None


def test_the_list_of_trials_is_capped_but_the_count_is_not(session: Session) -> None:
    for n in range(52):
        trial(session, n % 15, name=f'Trial {n:02d}')

    overview = overview_of(session)

    assert overview.trials_ending_count == 52
    assert len(overview.trials_ending) == 50
    assert [t.days_left for t in overview.trials_ending] == sorted(t.days_left for t in overview.trials_ending)


def test_licence_volume_expiring_per_month_for_the_next_twelve_months(session: Session) -> None:
    for expiry, total in [(days(-1), 1), (TODAY, 2), (date(2026, 6, 30), 4), (date(2026, 7, 1), 8),
                          (date(2027, 5, 31), 16), (date(2027, 6, 1), 32)]:
        make_pool(session, paid(session), 'managed_agent', total=total, in_use=0, expiry_date=expiry)
    make_pool(session, paid(session), 'on_demand', total=64, in_use=0, expiry_date=date(2026, 7, 20))
    make_pool(session, trial(session, 20), 'managed_agent', total=128, in_use=0, expiry_date=date(2026, 7, 5))

    expiring = overview_of(session).expiring

    assert [m.month for m in expiring] == [date(2026 + (5 + n) // 12, (5 + n) % 12 + 1, 1) for n in range(12)]
    assert expiring[0].month == date(2026, 6, 1) and expiring[-1].month == date(2027, 5, 1)
    assert [m.licences[MANAGED] for m in expiring] == [6, 8] + [0] * 9 + [16]
    assert [m.accounts[MANAGED] for m in expiring] == [2, 1] + [0] * 9 + [1]
    assert [m.licences[ON_DEMAND] for m in expiring] == [0, 64] + [0] * 10
    assert [m.accounts[ON_DEMAND] for m in expiring] == [0, 1] + [0] * 10


def test_an_empty_database_gives_zeros_and_no_utilisation(session: Session) -> None:
    overview = overview_of(session)

    assert overview.organisations_total == 0
    assert overview.organisations.shape == (3, 3)
    for usage in overview.kinds.values():
        assert (usage.sold, usage.in_use, usage.accounts, usage.utilisation) == (0, 0, 0, None)
        assert usage.bands == (0,) * BANDS
    assert (overview.trials_ending, overview.trials_ending_count) == ((), 0)
    assert len(overview.expiring) == 12
    assert all(m.licences == {MANAGED: 0, ON_DEMAND: 0} for m in overview.expiring)


@pytest.mark.parametrize('role', ['global_admin', 'billing_admin', 'viewer', 'user'])
def test_customers_are_refused(session: Session, role: str) -> None:
    organisation = paid(session)
    customer = make_user(session, organisation, role)

    with pytest.raises(PermissionDenied):
        usage_overview(session=session, actor=actor(customer), today=TODAY)


@pytest.mark.parametrize('role', ['sales', 'vendor_admin'])
def test_vendor_staff_see_the_overview(session: Session, role: str) -> None:
    make_pool(session, paid(session), 'managed_agent', total=5, in_use=1, expiry_date=days(1))
    staff = make_user(session, None, role)

    overview = usage_overview(session=session, actor=actor(staff), today=TODAY)

    assert overview.organisations_total == 1 and overview.kinds[MANAGED].sold == 5
