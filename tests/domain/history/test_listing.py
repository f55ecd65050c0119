"""The paged Licence history list: order, paging, the date range and the action and licence type filters."""

from datetime import datetime, timedelta, timezone

from sqlmodel import Session

from dashboard.domain.history.query import HistoryFilter, list_history
from dashboard.domain.models import HistoryAction, Organisation
from dashboard.ui.format import history_row
from tests.domain.history.conftest import at, listed
from tests.factories import make_history, make_organisation


def test_newest_first_and_only_this_organisations_rows(session: Session, organisation: Organisation,
                                                       customer) -> None:
    make_history(session, organisation, occurred_at=at(2), note='middle')
    make_history(session, organisation, occurred_at=at(9), note='newest')
    make_history(session, organisation, occurred_at=at(1), note='oldest')
    make_history(session, make_organisation(session), occurred_at=at(5), note='someone else')

    assert listed(session, customer, organisation) == (['newest', 'middle', 'oldest'], 3)


def test_rows_at_the_same_moment_are_newest_written_first(session: Session, organisation: Organisation,
                                                          customer) -> None:
    for note in ('first', 'second', 'third'):
        make_history(session, organisation, occurred_at=at(5), note=note)

    assert listed(session, customer, organisation)[0] == ['third', 'second', 'first']
    assert listed(session, customer, organisation, desc='0')[0] == ['first', 'second', 'third']


def test_a_row_as_the_table_shows_it(session: Session, organisation: Organisation, customer) -> None:
    make_history(session, organisation, occurred_at=at(5, 14, 3), action='licences_increased', kind='on_demand',
                 old_value='10', new_value='25', actor='Abe Admin', note='Spring top-up')

    rows, _ = list_history(session=session, actor=customer, organisation_id=organisation.id,
                           history_filter=HistoryFilter())

    shown = history_row(rows[0])
    assert {key: value for key, value in shown.items() if key != 'id'} == {
        'date': '5 Mar 2026 14:03 UTC', 'action': 'Licences increased', 'kind': 'On-demand', 'change': '10 → 25',
        'actor': 'Abe Admin', 'note': 'Spring top-up'}


def test_paging_is_done_by_the_database(session: Session, organisation: Organisation, customer) -> None:
    for n in range(23):
        make_history(session, organisation, occurred_at=at(1) + timedelta(hours=n), note=f'row {n:02d}')

    first, count = listed(session, customer, organisation, size='10')
    second, _ = listed(session, customer, organisation, size='10', page='2')
    third, _ = listed(session, customer, organisation, size='10', page='3')
    beyond, beyond_count = listed(session, customer, organisation, size='10', page='4')

    assert count == beyond_count == 23
    assert first == [f'row {n:02d}' for n in range(22, 12, -1)]
    assert second == [f'row {n:02d}' for n in range(12, 2, -1)]
    assert third == ['row 02', 'row 01', 'row 00']
    assert beyond == []


def test_count_is_the_filtered_total_not_the_page(session: Session, organisation: Organisation, customer) -> None:
    for n in range(12):
        make_history(session, organisation, occurred_at=at(1) + timedelta(hours=n), note=f'row {n}',
                     kind='on_demand' if n % 3 == 0 else 'managed_agent')

    notes, count = listed(session, customer, organisation, kind='on_demand', size='10')

    assert count == 4
    assert notes == ['row 9', 'row 6', 'row 3', 'row 0']


def test_the_date_range_includes_the_whole_end_day(session: Session, organisation: Organisation, customer) -> None:
    make_history(session, organisation, occurred_at=at(3, 23, 59, 59), note='day before')
    make_history(session, organisation, occurred_at=at(4, 0, 0, 0), note='first moment')
    make_history(session, organisation, occurred_at=at(5, 12), note='middle')
    make_history(session, organisation, occurred_at=at(6, 23, 59, 59), note='last moment')
    make_history(session, organisation, occurred_at=at(7, 0, 0, 0), note='day after')

    assert listed(session, customer, organisation, **{'from': '2026-03-04', 'to': '2026-03-06'}) == (
        ['last moment', 'middle', 'first moment'], 3)
    assert listed(session, customer, organisation, **{'from': '2026-03-06', 'to': '2026-03-06'})[0] == [
        'last moment']
    assert listed(session, customer, organisation, **{'from': '2026-03-06'})[0] == ['day after', 'last moment']
    assert listed(session, customer, organisation, to='2026-03-03')[0] == ['day before']


def test_a_time_in_another_zone_is_filed_under_its_utc_day(session: Session, organisation: Organisation,
                                                           customer) -> None:
    make_history(session, organisation, occurred_at=datetime(2026, 3, 5, 1, 0, tzinfo=timezone(timedelta(hours=2))),
                 note='23:00 UTC on the 4th')

    assert listed(session, customer, organisation, **{'from': '2026-03-04', 'to': '2026-03-04'})[1] == 1
    assert listed(session, customer, organisation, **{'from': '2026-03-05', 'to': '2026-03-05'})[1] == 0


def test_filter_by_several_actions(session: Session, organisation: Organisation, customer) -> None:
    for day, action in enumerate(HistoryAction, start=1):
        make_history(session, organisation, occurred_at=at(day), action=action, note=action.value)

    assert listed(session, customer, organisation, actions='trial_started,expiry_changed') == (
        ['trial_started', 'expiry_changed'], 2)
    assert listed(session, customer, organisation, actions='other')[0] == ['other']


def test_filter_by_licence_type(session: Session, organisation: Organisation, customer) -> None:
    make_history(session, organisation, occurred_at=at(1), kind='managed_agent', note='managed')
    make_history(session, organisation, occurred_at=at(2), kind='on_demand', note='on demand')
    make_history(session, organisation, occurred_at=at(3), kind=None, action='other', note='no kind')

    assert listed(session, customer, organisation, kind='managed_agent')[0] == ['managed']
    assert listed(session, customer, organisation, kind='on_demand')[0] == ['on demand']
    assert listed(session, customer, organisation)[1] == 3


def test_filters_combine(session: Session, organisation: Organisation, customer) -> None:
    make_history(session, organisation, occurred_at=at(1), kind='on_demand', action='other', note='match')
    make_history(session, organisation, occurred_at=at(2), kind='managed_agent', action='other', note='match kind')
    make_history(session, organisation, occurred_at=at(3), kind='on_demand', action='trial_started', note='match')
    make_history(session, organisation, occurred_at=at(20), kind='on_demand', action='other', note='match date')

    assert listed(session, customer, organisation, kind='on_demand', actions='other', q='MATCH',
                  to='2026-03-10') == (['match'], 1)
