"""The README's pictures at 1440x900, full page: both tabs of the Billing page as a billing admin sees them, and
the back office (Renewals, Usage overview, an organisation as the Admin Team sees it) on the demo data.

They are written to `assets/` only with `UPDATE_SCREENSHOTS=1`, so that an ordinary test run leaves the working tree
alone; otherwise they go to a temporary folder, and the test still checks that the pages are complete."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.demo_data.logins import DEMO_PASSWORD
from tests.browser.conftest import CONTEXT_OPTIONS, OpenAs, World, range_label
from tests.browser.server import REPO, serve
from tests.browser.sign_in import log_in

DEMO_ORGANISATIONS = 400


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    return REPO / 'assets' if os.environ.get('UPDATE_SCREENSHOTS') == '1' else tmp_path


@pytest.mark.usefixtures('no_open_deletion')
def test_screenshots_of_both_tabs(open_as: OpenAs, world: World, screenshot_dir: Path) -> None:
    page = open_as('billing_admin')
    expect(page.get_by_text('21 days left')).to_be_visible()
    expect(page.get_by_role('combobox', name='Main contact')).to_have_value(world.people[world.contact_role].name)
    details = screenshot_dir / 'billing-details.png'
    _full_page(page, details)

    page.goto('/account/billing?tab=history')  # not by clicking the tab: see test_history_tab_paging.py
    expect(range_label(page)).to_have_text('1-25 of 60')
    expect(page.locator('.js-plotly-plot .scatterlayer .trace')).to_have_count(2)
    history = screenshot_dir / 'billing-history.png'
    _full_page(page, history)

    for path in (details, history):
        assert path.stat().st_size > 20_000, f'{path} looks empty'


@pytest.fixture(scope='module')
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as `serve --demo` starts it, on a demo of its own: the back office needs many organisations."""
    folder = tmp_path_factory.mktemp('demo')
    with serve(folder, f'sqlite:///{folder / "demo.db"}', '--demo', '--orgs', str(DEMO_ORGANISATIONS)) as base_url:
        yield base_url


def test_screenshots_of_the_back_office(browser: Browser, demo: str, screenshot_dir: Path) -> None:
    with browser.new_context(base_url=demo, **CONTEXT_OPTIONS) as context:
        page = context.new_page()
        log_in(page, 'sales@247connect.example', DEMO_PASSWORD)
        expect(page).to_have_url(re.compile(r'/vendor/renewals$'))
        page.goto('/vendor/renewals?horizon=60&region=uk')
        expect(page.get_by_text(re.compile(r'^\d+ licence pools expiring in the next 60 days$'))).to_be_visible()
        expect(page.locator('.js-plotly-plot .barlayer .point path:visible').first).to_be_visible()
        _full_page(page, renewals := screenshot_dir / 'vendor-renewals.png')

        page.goto('/vendor/overview')
        expect(page.locator('.js-plotly-plot')).to_have_count(3)
        expect(page.get_by_text('Trials ending in the next 14 days')).to_be_visible()
        _full_page(page, overview := screenshot_dir / 'vendor-overview.png')

    with browser.new_context(base_url=demo, **CONTEXT_OPTIONS) as context:
        page = context.new_page()
        log_in(page, 'admin@247connect.example', DEMO_PASSWORD)
        page.goto('/vendor/organisations?q=brightwater')
        page.get_by_role('cell', name='Brightwater Logistics Ltd').click()
        expect(page.get_by_role('button', name='Change total')).to_have_count(2)
        expect(page.get_by_text('No deletion request.')).to_be_visible()
        _full_page(page, organisation := screenshot_dir / 'vendor-organisation.png')

    for path in (renewals, overview, organisation):
        assert path.stat().st_size > 20_000, f'{path} looks empty'


def _full_page(page: Page, path: Path) -> None:
    """A full-page picture at 1440 wide. The window is made as tall as the page first: Quasar's side menu is as tall
    as the window, and in a plain full-page screenshot of a long page it would stop short at 900 px."""
    page.mouse.move(0, 0)
    viewport = page.viewport_size
    assert viewport == {'width': 1440, 'height': 900}
    height = page.evaluate('document.documentElement.scrollHeight')
    page.set_viewport_size({'width': 1440, 'height': max(900, height)})
    try:
        page.screenshot(path=path, full_page=True, animations='disabled')
    finally:
        page.set_viewport_size(viewport)
