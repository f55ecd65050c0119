"""The Renewals list's order and paging."""


import pytest
from sqlmodel import Session

from tests.domain.renewals.conftest import listed, names, pool
from tests.factories import make_user


@pytest.fixture
def sortable(session: Session) -> None:
    for n, (name, region, total, in_use, plan) in enumerate([
            ('bravo', 'us', 10, 1, 'paid'), ('Alpha', 'uk', 30, 30, 'trial'), ('charlie', 'eu', 20, 10, 'paid')]):
        pool(session, 10 + n, name=name, region=region, total=total, in_use=in_use, plan=plan)


@pytest.mark.parametrize(('sort', 'descending', 'expected'), [
    ('expiry', '', ['bravo', 'Alpha', 'charlie']),
    ('expiry', '1', ['charlie', 'Alpha', 'bravo']),
    ('days_left', '1', ['charlie', 'Alpha', 'bravo']),
    ('name', '', ['Alpha', 'bravo', 'charlie']),
    ('name', '1', ['charlie', 'bravo', 'Alpha']),
    ('region', '', ['charlie', 'Alpha', 'bravo']),
    ('licences', '1', ['Alpha', 'charlie', 'bravo']),
    ('utilisation', '', ['bravo', 'charlie', 'Alpha']),
    ('account_type', '', ['bravo', 'charlie', 'Alpha']),
    ('serial', '1', ['charlie', 'Alpha', 'bravo']),
    ('kind', '', ['bravo', 'Alpha', 'charlie']),
    ('deletion', '', ['bravo', 'Alpha', 'charlie']),
])
def test_sort_by_column(session: Session, sales, sortable, sort: str, descending: str, expected: list[str]) -> None:
    assert names(session, sales, sort=sort, **({'desc': descending} if descending else {})) == expected


def test_overdue_pools_are_most_recently_expired_first(session: Session, sales) -> None:
    for n in (-30, -1, -7):
        pool(session, n, name=f'{-n} days ago')

    assert names(session, sales, horizon='overdue') == ['1 days ago', '7 days ago', '30 days ago']
    assert names(session, sales, horizon='overdue', desc='0') == ['30 days ago', '7 days ago', '1 days ago']


def test_accounts_without_a_main_contact_sort_last_either_way(session: Session, sales) -> None:
    for name, contact in (('no contact', None), ('with Bea', 'Bea'), ('with Al', 'al')):
        organisation = pool(session, 5, name=name)
        if contact:
            organisation.main_contact_id = make_user(session, organisation, full_name=contact).id
            session.add(organisation)
            session.commit()

    assert names(session, sales, sort='contact') == ['with Al', 'with Bea', 'no contact']
    assert names(session, sales, sort='contact', desc='1') == ['with Bea', 'with Al', 'no contact']


def test_paging_is_done_by_the_database_and_counts_every_match(session: Session, sales) -> None:
    for n in range(23):
        pool(session, n % 7, name=f'org {n:02d}')

    pages = [listed(session, sales, size='10', page=str(page), sort='name') for page in (1, 2, 3)]

    assert [len(rows) for rows, _ in pages] == [10, 10, 3]
    assert {count for _, count in pages} == {23}
    assert [name for rows, _ in pages for name in rows] == [f'org {n:02d}' for n in range(23)]


def test_paging_by_expiry_neither_skips_nor_repeats_rows_on_the_same_day(session: Session, sales) -> None:
    for n in range(12):
        pool(session, 3, name=f'same day {n}')

    pages = [names(session, sales, size='10', page=str(page)) for page in (1, 2)]

    assert sorted(pages[0] + pages[1]) == sorted(f'same day {n}' for n in range(12))


def test_a_page_past_the_end_is_empty_but_counted(session: Session, sales) -> None:
    for n in range(3):
        pool(session, n)

    assert listed(session, sales, page='5', size='10') == ([], 3)
