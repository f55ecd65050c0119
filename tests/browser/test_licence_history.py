"""The Licence history tab: order, filters kept in the URL, paging by the server."""

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Browser, Page, expect

from dashboard.domain.formatting import format_timestamp
from dashboard.domain.models import HistoryAction
from tests.browser.conftest import OpenAs, World, history_cells, history_rows, range_label
from tests.browser.seed import VENDOR_STAFF, HistoryEntry
from tests.browser.sign_in import log_in

HISTORY = '/account/billing?tab=history'


def test_newest_first_and_page_two_shows_the_next_rows(open_as: OpenAs, world: World) -> None:
    newest = _newest_first(world.history)
    page = open_as('billing_admin', HISTORY)

    expect(range_label(page)).to_have_text('1-25 of 60')
    expect(history_rows(page)).to_have_count(25)
    assert history_cells(page, 0) == [format_timestamp(e.occurred_at) for e in newest[:25]]
    assert history_cells(page, 4) == [e.shown_actor for e in newest[:25]]

    page.get_by_role('button', name='Next page').click()
    expect(range_label(page)).to_have_text('26-50 of 60')
    expect(page).to_have_url(re.compile(r'[?&]page=2(&|$)'))
    expect(history_rows(page).first.locator('td').first).to_have_text(format_timestamp(newest[25].occurred_at))
    assert history_cells(page, 0) == [format_timestamp(e.occurred_at) for e in newest[25:50]]

    page.reload()
    expect(range_label(page)).to_have_text('26-50 of 60')
    assert history_cells(page, 0) == [format_timestamp(e.occurred_at) for e in newest[25:50]]


def test_action_filter_lives_in_the_url_survives_reload_and_can_be_shared(browser: Browser, open_as: OpenAs,
                                                                          world: World) -> None:
    expected = _newest_first(e for e in world.history if e.action == HistoryAction.LICENCES_DECREASED)
    page = open_as('billing_admin', HISTORY)
    expect(range_label(page)).to_have_text('1-25 of 60')

    page.get_by_role('combobox', name='Action').click()
    page.get_by_role('option', name='Licences decreased').click()
    page.keyboard.press('Escape')

    expect(page).to_have_url(re.compile(r'[?&]actions=licences_decreased(&|$)'))
    _expect_rows(page, expected)
    page.reload()
    expect(page.get_by_role('tab', name='Licence history')).to_have_attribute('aria-selected', 'true')
    expect(page.locator('.q-chip').get_by_text('Licences decreased')).to_be_visible()
    _expect_rows(page, expected)

    shared = page.url
    with browser.new_context(base_url=world.base_url) as colleague:
        other_page = colleague.new_page()
        other_page.goto(shared)
        expect(other_page).to_have_url(re.compile(r'/login\?next='))
        log_in(other_page, world.people['viewer'].email, path=other_page.url)
        expect(other_page).to_have_url(shared)
        _expect_rows(other_page, expected)


def test_two_actions_at_once_and_a_licence_type(open_as: OpenAs, world: World) -> None:
    wanted = {HistoryAction.TRIAL_STARTED, HistoryAction.TRIAL_CONVERTED, HistoryAction.EXPIRY_CHANGED}
    expected = _newest_first(e for e in world.history if e.action in wanted and e.kind == 'managed_agent')
    page = open_as('billing_admin',
                   f'{HISTORY}&actions=trial_started,trial_converted,expiry_changed&kind=managed_agent')

    expect(page.get_by_role('combobox', name='Licence type')).to_have_value('Managed Agent')
    _expect_rows(page, expected)
    assert set(history_cells(page, 2)) == {'Managed Agent'}


def test_free_text_search_is_debounced_into_the_url_and_hides_vendor_names(open_as: OpenAs, world: World) -> None:
    expected = _newest_first(e for e in world.history if e.note == 'Quarterly true-up')
    page = open_as('billing_admin', HISTORY)
    search = page.get_by_label('Search', exact=True)

    search.fill('true-UP')
    expect(page).to_have_url(re.compile(r'[?&]q=true-UP(&|$)'))
    _expect_rows(page, expected)
    assert set(history_cells(page, 5)) == {'Quarterly true-up'}

    page.reload()
    search = page.get_by_label('Search', exact=True)
    expect(search).to_have_value('true-UP')
    _expect_rows(page, expected)

    invoices = _newest_first(e for e in world.history if e.note == 'Invoice address updated')
    for hidden in (VENDOR_STAFF.split()[1], world.other_note):  # vendor staff's names, another organisation's rows
        search.fill('invoice')
        _expect_rows(page, invoices)
        search.fill(hidden)
        expect(page.get_by_text('No licence history matches these filters.')).to_be_visible()
        expect(history_rows(page)).to_have_count(0)

    page.get_by_role('button', name='Clear filters').click()
    expect(range_label(page)).to_have_text('1-25 of 60')
    expect(page).to_have_url(re.compile(r'\?tab=history$'))
    expect(search).to_have_value('')


def test_date_range_filter(open_as: OpenAs, world: World) -> None:
    newest = _newest_first(world.history)
    start, end = newest[30].occurred_at.date(), newest[20].occurred_at.date()
    expected = _newest_first(e for e in world.history if start <= e.occurred_at.date() <= end)
    page = open_as('billing_admin', HISTORY)

    page.get_by_label('From', exact=True).fill(start.isoformat())
    page.get_by_label('To', exact=True).fill(end.isoformat())

    expect(page).to_have_url(re.compile(rf'[?&]from={start.isoformat()}&to={end.isoformat()}(&|$)'))
    _expect_rows(page, expected)


def test_records_per_page(open_as: OpenAs, world: World) -> None:
    page = open_as('billing_admin', HISTORY)
    expect(range_label(page)).to_have_text('1-25 of 60')
    page.locator('.q-table__bottom').get_by_role('combobox').click()
    page.get_by_role('option', name='50', exact=True).click()

    expect(range_label(page)).to_have_text('1-50 of 60')
    expect(history_rows(page)).to_have_count(50)
    assert parse_qs(urlparse(page.url).query)['size'] == ['50']


def test_sorting_by_action_follows_the_labels_shown(open_as: OpenAs) -> None:
    page = open_as('billing_admin', f'{HISTORY}&sort=action&desc=0&size=100')
    expect(range_label(page)).to_have_text('1-60 of 60')

    actions = history_cells(page, 1)
    assert actions == sorted(actions)


def _newest_first(entries) -> list[HistoryEntry]:
    return sorted(entries, key=lambda e: e.occurred_at, reverse=True)


def _expect_rows(page: Page, expected: list[HistoryEntry]) -> None:
    assert 0 < len(expected) <= 25
    expect(range_label(page)).to_have_text(f'1-{len(expected)} of {len(expected)}')
    expect(history_rows(page)).to_have_count(len(expected))
    assert history_cells(page, 0) == [format_timestamp(e.occurred_at) for e in expected]
    assert history_cells(page, 1) == [e.action.label for e in expected]
