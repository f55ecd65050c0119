"""What every table paged by the database guards against, on each of the four: a `request` event the browser forged,
a page past the end, and an older reading that ends after a newer one (a slow query for the page asked first must
not cover the page asked last)."""

import asyncio
import time
from datetime import timedelta

import pytest
from nicegui import ui
from nicegui.testing import User

from dashboard.domain import clock
from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.paging import PagedFilter
from dashboard.ui.backoffice import organisations_page, outbox_page, renewals_page
from dashboard.ui.billing import licence_history
from tests.factories import make_organisation, make_pool
from tests.ui.conftest import log_in
from tests.ui.test_licence_history import add_history

# Each table: where it is, and the page module's name for the domain function it reads its rows through.
TABLES = {
    'history': ('/account/billing?tab=history', licence_history, 'list_history'),
    'outbox': ('/vendor/outbox', outbox_page, 'list_outbox'),
    'renewals': ('/vendor/renewals', renewals_page, 'list_renewals'),
    'organisations': ('/vendor/organisations', organisations_page, 'list_organisations'),
}
ROWS = 30
FORGED = ('everything', {'page': 'x'}, {'page': None}, {'page': True}, {'page': 1.5}, {'page': [2]},
          {'page': '2', 'rowsPerPage': '10'})
SLOW = 1.0  # seconds the reading of page 2 takes in the test of the newest reading


@pytest.fixture(params=list(TABLES))
async def marker(request, user: User) -> str:
    """The table `request.param` names, holding ROWS rows, opened by someone allowed to see them."""
    if request.param == 'history':
        acme = request.getfixturevalue('acme')
        add_history(request.getfixturevalue('session'), acme.organisation, ROWS)
        await log_in(user, acme.emails['billing_admin'])
    else:
        seed = {'outbox': _emails, 'renewals': _pools, 'organisations': _organisations}[request.param]
        seed(request)
        await log_in(user, request.getfixturevalue('vendor').sales)
    await user.open(TABLES[request.param][0])
    return request.param


async def test_forged_paging_events_change_nothing(user: User, marker: str, caplog) -> None:
    first_page = list(table_of(user, marker).rows)

    for pagination in FORGED:
        user.find(marker=marker).trigger('request', {'pagination': pagination})
    user.find(marker=marker).trigger('request', 'not a paging event at all')
    await asyncio.sleep(0.3)

    assert len(first_page) == 25
    assert table_of(user, marker).rows == first_page
    assert table_of(user, marker).pagination['page'] == 1
    assert errors(caplog) == []


async def test_a_page_past_the_end_shows_the_last_page(user: User, marker: str, caplog) -> None:
    user.find(marker=marker).trigger('request', {'pagination': {'page': 10**30, 'rowsPerPage': 10}})

    for _ in range(50):
        if table_of(user, marker).pagination['page'] == 3:
            break
        await asyncio.sleep(0.1)
    table = table_of(user, marker)
    assert (table.pagination['page'], table.pagination['rowsNumber'], len(table.rows)) == (3, ROWS, 10)
    assert errors(caplog) == []


async def test_the_page_asked_last_is_shown_though_an_older_reading_ends_later(user: User, marker: str,
                                                                              monkeypatch) -> None:
    first_ten = table_of(user, marker).rows[:10]
    _, module, name = TABLES[marker]
    read = getattr(module, name)

    def slowly(**arguments):
        paged = next((value for value in arguments.values() if isinstance(value, PagedFilter)), None)
        if (paged.page if paged is not None else arguments.get('page')) == 2:
            time.sleep(SLOW)
        return read(**arguments)
    monkeypatch.setattr(module, name, slowly)

    user.find(marker=marker).trigger('request', {'pagination': {'page': 2, 'rowsPerPage': 25}})
    await asyncio.sleep(0.2)
    user.find(marker=marker).trigger('request', {'pagination': {'page': 1, 'rowsPerPage': 10}})
    await asyncio.sleep(SLOW + 0.5)

    table = table_of(user, marker)
    assert (table.pagination['page'], table.pagination['rowsPerPage']) == (1, 10)
    assert table.rows == first_ten


def table_of(user: User, marker: str) -> ui.table:
    element = user.find(marker=marker).elements.pop()
    assert isinstance(element, ui.table)
    return element


def errors(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelname == 'ERROR']


def _emails(request) -> None:
    with request.getfixturevalue('db').session() as session:
        for number in range(ROWS):
            queue_email(session=session, to='ops@customer.example', subject=f'Email {number:02}', body_text='Hello',
                        body_html=None, kind='licences_requested')
        session.commit()


def _pools(request) -> None:
    session = request.getfixturevalue('session')
    for number in range(ROWS):
        make_pool(session, make_organisation(session), expiry_date=clock.today() + timedelta(days=number + 1))


def _organisations(request) -> None:
    session = request.getfixturevalue('session')
    for _ in range(ROWS):
        make_organisation(session)
