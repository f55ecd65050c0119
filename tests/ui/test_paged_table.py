"""What every table paged by the database guards against: a `request` event the browser forged, and an older reading
that ends after a newer one (a slow query for the page asked first must not cover the page asked last)."""

import asyncio
import time

from nicegui import ui
from nicegui.testing import User

from dashboard.domain.mail.outbox import queue_email
from dashboard.ui.backoffice import outbox_page
from dashboard.ui.billing import licence_history
from tests.ui.conftest import log_in
from tests.ui.test_licence_history import add_history

FORGED = ('everything', {'page': 'x'}, {'page': None}, {'page': True}, {'page': 1.5}, {'page': [2]},
          {'page': '2', 'rowsPerPage': '10'})
SLOW = 1.0  # seconds the reading of page 2 takes in the tests of the newest reading


def table_of(user: User, marker: str) -> ui.table:
    element = user.find(marker=marker).elements.pop()
    assert isinstance(element, ui.table)
    return element


def errors(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelname == 'ERROR']


def slow_second_page(module, name: str, monkeypatch) -> None:
    """Reading page 2 takes SLOW seconds: asked first, it ends after a page asked next."""
    read = getattr(module, name)

    def slowly(**arguments):
        paged = arguments.get('history_filter')
        if (paged.page if paged is not None else arguments.get('page')) == 2:
            time.sleep(SLOW)
        return read(**arguments)
    monkeypatch.setattr(module, name, slowly)


async def test_forged_paging_events_on_the_history_table_change_nothing(user: User, acme, session, caplog) -> None:
    add_history(session, acme.organisation)
    await log_in(user, acme.emails['billing_admin'])
    await user.open('/account/billing?tab=history')
    first_page = list(table_of(user, 'history').rows)
    history = user.find(marker='history')

    for pagination in FORGED:
        history.trigger('request', {'pagination': pagination})
    history.trigger('request', 'not a paging event at all')
    await asyncio.sleep(0.3)

    assert table_of(user, 'history').rows == first_page
    assert table_of(user, 'history').pagination['page'] == 1
    assert errors(caplog) == []


async def test_a_page_past_the_end_of_the_history_shows_the_last_page(user: User, acme, session, caplog) -> None:
    add_history(session, acme.organisation)
    await log_in(user, acme.emails['billing_admin'])
    await user.open('/account/billing?tab=history')

    user.find(marker='history').trigger('request', {'pagination': {'page': 10**30, 'rowsPerPage': 10}})

    for _ in range(50):
        if table_of(user, 'history').pagination['page'] == 3:
            break
        await asyncio.sleep(0.1)
    rows = table_of(user, 'history').rows
    assert (len(rows), rows[-1]['date']) == (10, '1 Jan 2026 09:00 UTC')  # the oldest ten of thirty
    assert table_of(user, 'history').pagination['rowsNumber'] == 30
    assert errors(caplog) == []


async def test_the_history_shows_the_page_asked_last_though_an_older_reading_ends_later(user: User, acme, session,
                                                                                        monkeypatch) -> None:
    add_history(session, acme.organisation)
    slow_second_page(licence_history, 'list_history', monkeypatch)
    await log_in(user, acme.emails['billing_admin'])
    await user.open('/account/billing?tab=history')
    history = user.find(marker='history')

    history.trigger('request', {'pagination': {'page': 2, 'rowsPerPage': 25}})
    await asyncio.sleep(0.2)
    history.trigger('request', {'pagination': {'page': 1, 'rowsPerPage': 10}})
    await asyncio.sleep(SLOW + 0.5)

    table = table_of(user, 'history')
    assert (table.pagination['page'], table.pagination['rowsPerPage']) == (1, 10)
    assert len(table.rows) == 10 and table.rows[0]['date'] == '30 Jan 2026 09:00 UTC'


def queue(db, count: int) -> None:
    with db.session() as session:
        for number in range(count):
            queue_email(session=session, to='ops@customer.example', subject=f'Email {number:02}', body_text='Hello',
                        body_html=None, kind='licences_requested')
        session.commit()


async def test_forged_paging_events_on_the_outbox_change_nothing(user: User, vendor, db, caplog) -> None:
    queue(db, 30)
    await log_in(user, vendor.sales)
    await user.open('/vendor/outbox')
    first_page = list(table_of(user, 'outbox').rows)
    outbox = user.find(marker='outbox')

    for pagination in FORGED:
        outbox.trigger('request', {'pagination': pagination})
    await asyncio.sleep(0.3)

    assert table_of(user, 'outbox').rows == first_page
    assert [row['subject'] for row in first_page[:2]] == ['Email 29', 'Email 28']  # newest first
    assert errors(caplog) == []


async def test_the_outbox_shows_the_page_asked_last_though_an_older_reading_ends_later(user: User, vendor, db,
                                                                                       monkeypatch) -> None:
    queue(db, 30)
    slow_second_page(outbox_page, 'list_outbox', monkeypatch)
    await log_in(user, vendor.sales)
    await user.open('/vendor/outbox')
    outbox = user.find(marker='outbox')

    outbox.trigger('request', {'pagination': {'page': 2, 'rowsPerPage': 25}})
    await asyncio.sleep(0.2)
    outbox.trigger('request', {'pagination': {'page': 1, 'rowsPerPage': 10}})
    await asyncio.sleep(SLOW + 0.5)

    table = table_of(user, 'outbox')
    assert (table.pagination['page'], table.pagination['rowsPerPage']) == (1, 10)
    assert [row['subject'] for row in table.rows] == [f'Email {number:02}' for number in range(29, 19, -1)]
