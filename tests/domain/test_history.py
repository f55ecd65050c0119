"""The Licence history tab: its URL filter, the paged list, the CSV export and the licence totals chart."""

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from dashboard.domain import clock
from dashboard.domain.history.query import CSV_HEADER, HistoryFilter, export_history_csv, list_history
from dashboard.domain.history.recording import record_history, row_hash
from dashboard.domain.history.totals import licence_totals_series
from dashboard.domain.models import HistoryAction, LicenceHistory, LicenceKind, Organisation
from dashboard.ui.format import history_row
from tests.factories import actor, make_history, make_organisation, make_pool, make_user


def at(day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def organisation(session: Session) -> Organisation:
    return make_organisation(session)


@pytest.fixture
def customer(session: Session, organisation: Organisation):
    return actor(make_user(session, organisation, 'viewer'))


@pytest.fixture
def vendor(session: Session):
    return actor(make_user(session, None, 'sales'))


def listed(session: Session, viewer, organisation: Organisation, **query: str) -> tuple[list[str], int]:
    """The notes of the rows shown for this URL query, in order, and the filtered count."""
    rows, count = list_history(session=session, actor=viewer, organisation_id=organisation.id,
                               history_filter=HistoryFilter.from_query(query))
    return [row.note for row in rows], count


def exported(session: Session, viewer, organisation: Organisation, batch_size: int = 5000,
             **query: str) -> tuple[list[str], list[list[str]]]:
    chunks = list(export_history_csv(session=session, actor=viewer, organisation_id=organisation.id,
                                     history_filter=HistoryFilter.from_query(query), batch_size=batch_size))
    return chunks, list(csv.reader(io.StringIO(''.join(chunks))))


# HistoryFilter.from_query / to_query


def test_an_empty_query_gives_the_defaults() -> None:
    history_filter = HistoryFilter.from_query({})

    assert history_filter == HistoryFilter()
    assert (history_filter.date_from, history_filter.date_to, history_filter.actions, history_filter.kind,
            history_filter.text, history_filter.sort, history_filter.descending, history_filter.page,
            history_filter.page_size) == (None, None, (), None, '', 'date', True, 1, 25)
    assert history_filter.errors == ()
    assert history_filter.to_query() == {}


def test_a_full_query_is_read() -> None:
    history_filter = HistoryFilter.from_query({
        'from': '2026-01-01', 'to': '2026-01-31', 'actions': 'licences_increased,expiry_changed,licences_increased',
        'kind': 'on_demand', 'q': '  renewal  ', 'sort': 'actor', 'desc': '0', 'page': '3', 'size': '50'})

    assert history_filter.errors == ()
    assert history_filter == HistoryFilter(
        date_from=date(2026, 1, 1), date_to=date(2026, 1, 31),
        actions=(HistoryAction.LICENCES_INCREASED, HistoryAction.EXPIRY_CHANGED), kind=LicenceKind.ON_DEMAND,
        text='renewal', sort='actor', descending=False, page=3, page_size=50)


def test_the_same_day_as_start_and_end_is_allowed() -> None:
    history_filter = HistoryFilter.from_query({'from': '2026-01-31', 'to': '2026-01-31'})

    assert (history_filter.date_from, history_filter.date_to, history_filter.errors) == (
        date(2026, 1, 31), date(2026, 1, 31), ())


@pytest.mark.parametrize(('query', 'expected', 'error'), [
    ({'from': '2026-13-01'}, {'date_from': None}, '"2026-13-01" is not a date'),
    ({'to': 'yesterday'}, {'date_to': None}, '"yesterday" is not a date'),
    ({'from': '31/01/2026', 'to': '2026-02-01'}, {'date_from': None, 'date_to': date(2026, 2, 1)}, '"31/01/2026"'),
    ({'from': '2026-02-01', 'to': '2026-01-01'}, {'date_from': None, 'date_to': None},
     'start date is after the end date'),
    ({'actions': 'licences_increased,bogus'}, {'actions': (HistoryAction.LICENCES_INCREASED,)},
     '"bogus" is not a licence history action'),
    ({'actions': 'Licences increased'}, {'actions': ()}, '"Licences increased" is not a licence history action'),
    ({'kind': 'floppy'}, {'kind': None}, '"floppy" is not a licence type'),
    ({'kind': 'Managed Agent'}, {'kind': None}, '"Managed Agent" is not a licence type'),
    ({'sort': 'password'}, {'sort': 'date'}, '"password" is not a column to sort by'),
    ({'sort': 'occurred_at'}, {'sort': 'date'}, '"occurred_at" is not a column to sort by'),
    ({'page': '0'}, {'page': 1}, '"0" is not a valid page'),
    ({'page': 'abc'}, {'page': 1}, '"abc" is not a valid page'),
    ({'page': '-2'}, {'page': 1}, '"-2" is not a valid page'),
    ({'page': '1.5'}, {'page': 1}, '"1.5" is not a valid page'),
    ({'page': '²'}, {'page': 1}, '"²" is not a valid page'),
    ({'page': '99999999999999999999'}, {'page': 1}, 'is not a valid page'),
    ({'size': '7'}, {'page_size': 25}, '"7" is not a valid page size'),
    ({'size': '0'}, {'page_size': 25}, '"0" is not a valid page size'),
    ({'size': 'all'}, {'page_size': 25}, '"all" is not a valid page size'),
    ({'size': '1000000'}, {'page_size': 25}, '"1000000" is not a valid page size'),
])
def test_a_bad_value_is_named_and_its_default_used(query: dict[str, str], expected: dict[str, object],
                                                   error: str) -> None:
    history_filter = HistoryFilter.from_query(query)

    assert len(history_filter.errors) == 1
    assert error in history_filter.errors[0]
    for name, value in expected.items():
        assert getattr(history_filter, name) == value


def test_every_bad_value_is_listed_and_the_good_ones_kept() -> None:
    history_filter = HistoryFilter.from_query({'from': 'x', 'to': '2026-01-31', 'actions': 'other,nope',
                                               'kind': 'y', 'sort': 'z', 'page': '0', 'size': '7', 'q': 'keep'})

    assert len(history_filter.errors) == 6
    assert history_filter == HistoryFilter(date_to=date(2026, 1, 31), actions=(HistoryAction.OTHER,), text='keep')


def test_free_text_is_cut_to_200_characters() -> None:
    assert HistoryFilter.from_query({'q': 'x' * 500}).text == 'x' * 200


@pytest.mark.parametrize('history_filter', [
    HistoryFilter(),
    HistoryFilter(date_from=date(2026, 1, 1)),
    HistoryFilter(date_to=date(2026, 2, 28), text='50% off_now'),
    HistoryFilter(date_from=date(2026, 1, 1), date_to=date(2026, 1, 1),
                  actions=(HistoryAction.TRIAL_CONVERTED, HistoryAction.OTHER), kind=LicenceKind.MANAGED_AGENT,
                  text='Admin Team', sort='kind', descending=False, page=4, page_size=100),
    HistoryFilter(sort='action', page_size=10),
])
def test_to_query_round_trips(history_filter: HistoryFilter) -> None:
    query = history_filter.to_query()

    assert all(isinstance(value, str) and value for value in query.values())
    again = HistoryFilter.from_query(query)
    assert again == history_filter
    assert again.errors == ()


def test_to_query_leaves_out_defaults_and_writes_the_rest() -> None:
    history_filter = HistoryFilter(date_from=date(2026, 1, 1), actions=(HistoryAction.EXPIRY_CHANGED,
                                   HistoryAction.OTHER), kind=LicenceKind.ON_DEMAND, descending=False, page=2)

    assert history_filter.to_query() == {'from': '2026-01-01', 'actions': 'expiry_changed,other', 'kind': 'on_demand',
                                         'desc': '0', 'page': '2'}


# record_history


def test_record_history_commits_with_the_callers_transaction(db, session: Session, organisation: Organisation) -> None:
    record_history(session=session, organisation_id=organisation.id, actor='Abe', action=HistoryAction.OTHER,
                   note='rolled back')
    session.rollback()
    record_history(session=session, organisation_id=organisation.id, actor='Abe',
                   action=HistoryAction.LICENCES_INCREASED, kind=LicenceKind.ON_DEMAND, old_value=5, new_value=8,
                   note='kept', by_vendor=True, occurred_at=at(5))
    session.commit()

    with db.session() as fresh:
        [row] = fresh.exec(select(LicenceHistory)).all()
    assert (row.organisation_id, row.actor, row.by_vendor, row.action, row.kind, row.old_value, row.new_value,
            row.note) == (organisation.id, 'Abe', True, 'licences_increased', 'on_demand', '5', '8', 'kept')
    assert row.occurred_at == at(5)


def test_record_history_stamps_the_current_time(db, session: Session, organisation: Organisation) -> None:
    before = clock.now()
    record_history(session=session, organisation_id=organisation.id, actor='Abe', action=HistoryAction.OTHER)
    session.commit()

    with db.session() as fresh:
        assert before <= fresh.exec(select(LicenceHistory.occurred_at)).one() <= clock.now()


def test_row_hash_is_the_same_for_the_same_instant_in_any_zone() -> None:
    values = {'actor': 'A', 'action': 'other', 'kind': None, 'old_value': None, 'new_value': '1', 'note': None}
    in_berlin = datetime(2026, 3, 5, 13, 0, tzinfo=timezone(timedelta(hours=1)))

    assert row_hash(occurred_at=at(5), **values) == row_hash(occurred_at=in_berlin, **values)
    assert row_hash(occurred_at=at(5), **values) != row_hash(occurred_at=at(5), **{**values, 'new_value': '2'})


# list_history


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


@pytest.mark.parametrize(('text', 'expected'), [
    ('renewal', ['note']),
    ('RENEWAL', ['note']),
    ('abe ADM', ['actor']),
    ('2027-03', ['new value']),
    ('2026-12', ['old value']),
    ('nothing like it', []),
])
def test_free_text_searches_note_actor_and_values_in_any_case(session: Session, organisation: Organisation,
                                                              customer, text: str, expected: list[str]) -> None:
    make_history(session, organisation, occurred_at=at(1), note='Annual Renewal', actor='Zoe')
    make_history(session, organisation, occurred_at=at(2), actor='Abe Admin')
    make_history(session, organisation, occurred_at=at(3), action='expiry_changed', old_value='2025-01-01',
                 new_value='2027-03-05', actor='Zoe')
    make_history(session, organisation, occurred_at=at(4), action='expiry_changed', old_value='2026-12-31',
                 new_value='2028-01-01', actor='Zoe')
    which = {at(1): 'note', at(2): 'actor', at(3): 'new value', at(4): 'old value'}

    rows, count = list_history(session=session, actor=customer, organisation_id=organisation.id,
                               history_filter=HistoryFilter(text=text))

    assert sorted(which[row.occurred_at] for row in rows) == expected
    assert count == len(expected)


@pytest.mark.parametrize(('text', 'expected'), [
    ('50%', ['50% discount']),
    ('%', ['50% discount']),
    ('a_b', ['a_b']),
    ('_', ['a_b']),
    ('\\', ['back\\slash']),
])
def test_percent_underscore_and_backslash_are_literal(session: Session, organisation: Organisation, customer,
                                                      text: str, expected: list[str]) -> None:
    for n, note in enumerate(['50% discount', '500 discount', 'a_b', 'axb', 'back\\slash', 'plain']):
        make_history(session, organisation, occurred_at=at(1 + n), note=note)

    assert listed(session, customer, organisation, q=text)[0] == expected


@pytest.mark.parametrize(('sort', 'descending', 'expected'), [
    ('action', False, ['trial_converted', 'expiry_changed', 'licences_increased', 'other']),
    ('action', True, ['other', 'licences_increased', 'expiry_changed', 'trial_converted']),
    ('kind', False, ['Managed Agent', 'On-demand']),
    ('kind', True, ['On-demand', 'Managed Agent']),
    ('actor', False, ['Alice', 'Bob', 'Carol']),
    ('actor', True, ['Carol', 'Bob', 'Alice']),
    ('date', False, ['1', '2', '3']),
    ('date', True, ['3', '2', '1']),
])
def test_sort_by_column(session: Session, organisation: Organisation, customer, sort: str, descending: bool,
                        expected: list[str]) -> None:
    make_history(session, organisation, occurred_at=at(1), action='other', kind='on_demand', actor='Bob', note='1')
    make_history(session, organisation, occurred_at=at(2), action='expiry_changed', kind='managed_agent',
                 actor='Carol', note='2')
    make_history(session, organisation, occurred_at=at(3), action='licences_increased', kind='on_demand',
                 actor='Alice', note='3')
    if sort == 'action':  # sorted by its label, "Converted to paid", not by the stored value
        make_history(session, organisation, occurred_at=at(4), action='trial_converted', kind='on_demand',
                     actor='Bob', note='4')
    query = {'sort': sort, 'desc': '1' if descending else '0'}

    rows, _ = list_history(session=session, actor=customer, organisation_id=organisation.id,
                           history_filter=HistoryFilter.from_query(query))

    column = {'action': lambda r: r.action, 'kind': lambda r: history_row(r)['kind'], 'actor': lambda r: r.actor,
              'date': lambda r: r.note}[sort]
    assert list(dict.fromkeys(column(row) for row in rows)) == expected


def test_within_a_sorted_column_rows_are_newest_first(session: Session, organisation: Organisation,
                                                      customer) -> None:
    for day in (2, 5, 1):
        make_history(session, organisation, occurred_at=at(day), kind='on_demand', note=f'on demand {day}')
    make_history(session, organisation, occurred_at=at(3), kind='managed_agent', note='managed 3')

    assert listed(session, customer, organisation, sort='kind', desc='0')[0] == [
        'managed 3', 'on demand 5', 'on demand 2', 'on demand 1']


def test_paging_a_sorted_list_neither_skips_nor_repeats_rows(session: Session, organisation: Organisation,
                                                             customer) -> None:
    for n in range(25):
        make_history(session, organisation, occurred_at=at(1 + n % 3), actor=['Bob', 'Alice'][n % 2], note=str(n))

    pages = [listed(session, customer, organisation, sort='actor', size='10', page=str(page))[0]
             for page in (1, 2, 3)]

    assert sorted(int(note) for page in pages for note in page) == list(range(25))


# vendor staff as the Admin Team


@pytest.fixture
def vendor_and_customer_rows(session: Session, organisation: Organisation) -> None:
    make_history(session, organisation, occurred_at=at(1), actor='Vera Vendor', by_vendor=True, note='extended')
    make_history(session, organisation, occurred_at=at(2), actor='Carl Customer', note='customer row')


def test_customers_see_vendor_staff_as_the_admin_team(session: Session, organisation: Organisation, customer,
                                                      vendor_and_customer_rows) -> None:
    rows, _ = list_history(session=session, actor=customer, organisation_id=organisation.id,
                           history_filter=HistoryFilter())

    assert [row.actor for row in rows] == ['Carl Customer', 'Admin Team']
    assert listed(session, customer, organisation, q='admin team')[0] == ['extended']
    assert listed(session, customer, organisation, q='Vera')[0] == []
    assert listed(session, customer, organisation, q='Vendor')[0] == []
    assert listed(session, customer, organisation, sort='actor', desc='0')[0] == ['extended', 'customer row']


def test_vendor_staff_see_the_real_name(session: Session, organisation: Organisation, vendor,
                                        vendor_and_customer_rows) -> None:
    rows, _ = list_history(session=session, actor=vendor, organisation_id=organisation.id,
                           history_filter=HistoryFilter())

    assert [row.actor for row in rows] == ['Carl Customer', 'Vera Vendor']
    assert listed(session, vendor, organisation, q='vera')[0] == ['extended']
    assert listed(session, vendor, organisation, q='Admin Team')[0] == []
    assert listed(session, vendor, organisation, sort='actor', desc='0')[0] == ['customer row', 'extended']


def test_the_export_shows_the_admin_team_to_customers_only(session: Session, organisation: Organisation, customer,
                                                           vendor, vendor_and_customer_rows) -> None:
    assert [row[5] for row in exported(session, customer, organisation)[1][1:]] == ['Carl Customer', 'Admin Team']
    assert [row[5] for row in exported(session, vendor, organisation)[1][1:]] == ['Carl Customer', 'Vera Vendor']
    assert [row[6] for row in exported(session, customer, organisation, q='vera')[1][1:]] == []


# export_history_csv


def test_export_gives_a_header_and_every_row(session: Session, organisation: Organisation, customer) -> None:
    make_history(session, organisation, occurred_at=at(5, 14, 3, 7), action='licences_increased', kind='on_demand',
                 old_value='10', new_value='25', actor='Abe, "the" Admin', note='line one\nline two')
    make_history(session, organisation, occurred_at=at(6), action='other', kind=None, old_value=None,
                 new_value=None, actor='Zoe', note=None)

    _, table = exported(session, customer, organisation)

    assert table == [
        CSV_HEADER,
        ['2026-03-06 12:00:00', 'Other', '', '', '', 'Zoe', ''],
        ['2026-03-05 14:03:07', 'Licences increased', 'On-demand', '10', '25', 'Abe, "the" Admin',
         'line one\nline two'],
    ]
    assert CSV_HEADER == ['Date (UTC)', 'Action', 'Licence type', 'Old value', 'New value', 'Actioned by', 'Note']


def test_export_of_nothing_is_the_header_alone(session: Session, organisation: Organisation, customer) -> None:
    assert exported(session, customer, organisation)[1] == [CSV_HEADER]


def test_export_is_exactly_the_filtered_rows_in_order_whatever_the_page(session: Session,
                                                                        organisation: Organisation,
                                                                        customer) -> None:
    for n in range(30):
        make_history(session, organisation, occurred_at=at(1) + timedelta(hours=n), note=f'row {n:02d}',
                     kind='on_demand' if n % 2 else 'managed_agent', actor=['Bob', 'Alice', 'Carol'][n % 3])
    query = {'kind': 'on_demand', 'sort': 'actor', 'desc': '0', 'page': '2', 'size': '10'}

    _, table = exported(session, customer, organisation, **query)

    everything = [listed(session, customer, organisation, **{**query, 'page': str(page)})[0] for page in (1, 2)]
    assert [row[6] for row in table[1:]] == everything[0] + everything[1]
    assert len(table) == 1 + 15


def test_export_streams_in_chunks_of_the_batch_size(session: Session, organisation: Organisation, customer) -> None:
    for n in range(11):
        record_history(session=session, organisation_id=organisation.id, actor='Abe', action=HistoryAction.OTHER,
                       occurred_at=at(1) + timedelta(minutes=n), note=f'row {n:02d}')
    session.commit()

    chunks, table = exported(session, customer, organisation, batch_size=4)

    assert len(chunks) >= 3
    assert all(len(list(csv.reader(io.StringIO(chunk)))) <= 4 + 1 for chunk in chunks)
    assert table[0] == CSV_HEADER
    assert [row[6] for row in table[1:]] == [f'row {n:02d}' for n in range(10, -1, -1)]


# licence_totals_series


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
