"""The Renewals CSV export: export_renewals_csv."""


from sqlmodel import Session

from dashboard.domain.renewals.pipeline import (
    CSV_HEADER,
)
from tests.domain.renewals.conftest import days, exported, names, pool
from tests.factories import make_deletion_request


def test_export_gives_a_header_and_every_column(session: Session, sales) -> None:
    organisation = pool(session, 9, 'on_demand', name='Comma, "Quoted" Ltd', serial_number='S-1', region='us',
                        total=4, in_use=1)
    make_deletion_request(session, organisation)

    _, table = exported(session, sales)

    assert table == [CSV_HEADER, ['Comma, "Quoted" Ltd', 'S-1', 'Active', 'United States (US East)', 'On-demand',
                                  days(9).isoformat(), '9', '1', '4', '25', 'Yes', '']]


def test_export_of_nothing_is_the_header_alone(session: Session, sales) -> None:
    assert exported(session, sales)[1] == [CSV_HEADER]


def test_export_is_exactly_the_filtered_rows_in_order_across_pages(session: Session, sales) -> None:
    for n in range(30):
        pool(session, n, 'on_demand' if n % 3 else 'managed_agent', name=f'org {n:02d}',
             region='eu' if n % 2 else 'us', total=10, in_use=n % 10)
    query = {'region': 'eu', 'sort': 'utilisation', 'desc': '1', 'page': '2', 'size': '10'}

    chunks, table = exported(session, sales, batch_size=4, **query)

    shown = [name for page in (1, 2) for name in names(session, sales, **{**query, 'page': str(page)})]
    assert [row[0] for row in table[1:]] == shown
    assert len(shown) == 15
    assert len(chunks) >= 4
