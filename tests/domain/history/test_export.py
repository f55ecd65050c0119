"""The Licence history CSV export: export_history_csv."""

import csv
import io
from datetime import timedelta

from sqlmodel import Session

from dashboard.domain.history.query import CSV_HEADER
from dashboard.domain.history.recording import record_history
from dashboard.domain.models import HistoryAction, Organisation
from tests.domain.history.conftest import at, exported, listed
from tests.factories import make_history


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
