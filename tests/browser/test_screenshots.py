"""The README's pictures: both tabs as a billing admin sees them at 1440x900, full page.

They are written to `assets/` only with `UPDATE_SCREENSHOTS=1`, so that an ordinary test run leaves the working tree
alone; otherwise they go to a temporary folder, and the test still checks that the pages are complete."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import REPO, OpenAs, World, range_label


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
