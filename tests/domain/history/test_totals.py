"""The licence totals chart: licence_totals_series."""


import pytest
from sqlmodel import Session

from dashboard.domain import clock
from dashboard.domain.history.totals import licence_totals_series
from dashboard.domain.models import LicenceKind, Organisation
from tests.domain.history.conftest import at
from tests.factories import make_history, make_organisation, make_pool


def test_totals_series_is_rebuilt_from_the_history_and_ends_with_the_pool(session: Session,
                                                                          organisation: Organisation,
                                                                          customer) -> None:
    make_pool(session, organisation, 'managed_agent', total=30, in_use=3)
    make_pool(session, organisation, 'on_demand', total=3, in_use=0)
    add = make_history
    add(session, organisation, occurred_at=at(1, 9), action='licences_increased', kind='managed_agent',
        old_value='10', new_value='20')
    add(session, organisation, occurred_at=at(1, 12), action='licences_increased', kind='managed_agent',
        old_value='20', new_value='22')
    add(session, organisation, occurred_at=at(1, 15), action='licences_increased', kind='managed_agent',
        old_value='22', new_value='25')
    add(session, organisation, occurred_at=at(2, 9), action='expiry_changed', kind='managed_agent',
        old_value='2026-12-31', new_value='2027-12-31')
    add(session, organisation, occurred_at=at(3, 9), action='licences_increased', kind='managed_agent',
        old_value='25', new_value='30')
    add(session, organisation, occurred_at=at(1, 10), action='trial_started', kind='on_demand', old_value=None,
        new_value='5')
    add(session, organisation, occurred_at=at(4, 10), action='licences_decreased', kind='on_demand',
        old_value='5', new_value='3')
    add(session, organisation, occurred_at=at(4, 11), action='other', kind='on_demand', old_value='3',
        new_value='999', note='not a change of total')
    add(session, make_organisation(session), occurred_at=at(2), action='licences_increased', kind='on_demand',
        old_value='1', new_value='1000')
    started = clock.now()

    series = licence_totals_series(session=session, actor=customer, organisation_id=organisation.id)

    managed, on_demand = series[LicenceKind.MANAGED_AGENT], series[LicenceKind.ON_DEMAND]
    assert managed[:-1] == [(at(1, 8, 59, 59), 10), (at(1, 9), 20), (at(1, 15), 25), (at(3, 9), 30)]
    assert on_demand[:-1] == [(at(1, 10), 5), (at(4, 10), 3)]
    for points, total in ((managed, 30), (on_demand, 3)):
        when, value = points[-1]
        assert value == total
        assert started <= when <= clock.now()


def test_totals_series_ends_with_the_current_total_even_after_untracked_changes(
        session: Session, organisation: Organisation, customer) -> None:
    make_pool(session, organisation, 'managed_agent', total=80, in_use=0)
    make_history(session, organisation, occurred_at=at(1), action='licences_increased', kind='managed_agent',
                 old_value='40', new_value='50')

    series = licence_totals_series(session=session, actor=customer, organisation_id=organisation.id)

    assert [value for _, value in series[LicenceKind.MANAGED_AGENT]] == [40, 50, 80]
    assert series[LicenceKind.ON_DEMAND] == []


def test_totals_series_without_history_is_the_pool_alone(session: Session, organisation: Organisation,
                                                         customer) -> None:
    make_pool(session, organisation, 'on_demand', total=12, in_use=0)

    series = licence_totals_series(session=session, actor=customer, organisation_id=organisation.id)

    assert series[LicenceKind.MANAGED_AGENT] == []
    assert [value for _, value in series[LicenceKind.ON_DEMAND]] == [12]


@pytest.mark.parametrize('value', ['', 'lots', '12 licences', '-5', '²', '1.5'])
def test_totals_series_skips_values_that_are_not_counts(session: Session, organisation: Organisation, customer,
                                                        value: str) -> None:
    make_history(session, organisation, occurred_at=at(1), action='licences_increased', kind='on_demand',
                 old_value=value, new_value='7')
    make_history(session, organisation, occurred_at=at(2), action='licences_increased', kind='on_demand',
                 old_value='7', new_value=value)

    series = licence_totals_series(session=session, actor=customer, organisation_id=organisation.id)

    assert series[LicenceKind.ON_DEMAND] == [(at(1), 7)]
