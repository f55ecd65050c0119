"""A sales rep on Renewals: picks the horizon, narrows to a region, picks a week from the chart, exports exactly
what the table shows, and opens an organisation from its row."""

import csv
import io
import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from dashboard.domain import clock
from tests.browser.conftest import OpenAs, World

HEADER = ['Account name', 'Serial number', 'Account type', 'Region', 'Licence type', 'Expiry date', 'Days left',
          'In use', 'Total', 'Utilisation %', 'Deletion pending', 'Main contact']


def _names(page: Page) -> list[str]:
    return [text.strip() for text in page.locator('.q-table tbody tr td:first-child').all_inner_texts()]


def test_a_sales_rep_finds_next_months_uk_renewals_and_exports_them(open_as: OpenAs, world: World) -> None:
    page = open_as('sales', '/')  # vendor staff land on Renewals
    expect(page).to_have_url(re.compile(r'/vendor/renewals$'))
    expect(page.get_by_text('licence pools expiring in the next 90 days')).to_be_visible()

    page.get_by_role('button', name='30 days').click()
    page.get_by_role('combobox', name='Region').click()
    page.get_by_role('option', name='United Kingdom (UK South)').click()
    expect(page.get_by_text('2 licence pools expiring in the next 30 days')).to_be_visible()
    expect(page).to_have_url(re.compile(r'horizon=30'))
    expect(page).to_have_url(re.compile(r'region=uk'))
    assert _names(page) == ['Thistle Dental Group', world.org_name]  # soonest first: 12 and 21 days left

    with page.expect_download() as download_info:
        page.get_by_role('button', name='Export CSV').click()
    download = download_info.value
    path = download.path()
    assert path is not None, download.failure()
    assert download.suggested_filename == f'renewals-30-days-uk-{clock.today().isoformat()}.csv'
    rows = list(csv.reader(io.StringIO(path.read_text(encoding='utf-8').removeprefix('\ufeff'))))
    today = clock.today()
    assert rows == [
        HEADER,
        ['Thistle Dental Group', 'TDG-4410-0003-UK', 'Active', 'United Kingdom (UK South)', 'Managed Agent',
         (today + timedelta(days=12)).isoformat(), '12', '40', '45', '89', 'No', ''],
        [world.org_name, world.serial, 'Active', 'United Kingdom (UK South)', 'Managed Agent',
         world.managed_expiry.isoformat(), '21', '187', '250', '75', 'No', world.people[world.contact_role].name],
    ]

    page.reload()  # the filters live in the URL
    expect(page.get_by_text('2 licence pools expiring in the next 30 days')).to_be_visible()
    page.get_by_role('link', name='Thistle Dental Group').click()
    expect(page).to_have_url(re.compile(r'/vendor/organisations/\d+$'))
    expect(page.get_by_text('Read-only: licences and plans are changed by the Admin Team.')).to_be_visible()


def test_clicking_a_bar_lists_that_weeks_renewals(open_as: OpenAs, world: World) -> None:
    page = open_as('sales', '/vendor/renewals?horizon=30')
    bars = page.locator('.js-plotly-plot .barlayer .point path:visible')
    expect(bars.first).to_be_visible()
    before = page.get_by_text(re.compile(r'^\d+ licence pools? expiring in the next 30 days$'))
    expect(before).to_be_visible()
    total = int(before.inner_text().split()[0])

    box = bars.first.bounding_box()
    assert box is not None
    page.mouse.click(box['x'] + box['width'] / 2, box['y'] + box['height'] - 2)

    chip = page.locator('.q-chip').filter(has_text=re.compile(r'\d'))
    expect(chip).to_be_visible()
    expect(page).to_have_url(re.compile(r'from=\d{4}-\d{2}-\d{2}'))
    narrowed = int(page.get_by_text(re.compile(r'licence pools? expiring')).inner_text().split()[0])
    assert 0 < narrowed <= total
    chip.locator('.q-chip__icon--remove').click()
    expect(page.get_by_text(f'{total} licence pools expiring in the next 30 days')).to_be_visible()


def test_a_customer_cannot_open_renewals_or_download_them(open_as: OpenAs) -> None:
    page = open_as('global_admin', '/vendor/renewals')
    expect(page.get_by_text('This page is for the vendor\'s staff')).to_be_visible()
    response = page.request.get('/vendor/renewals.csv?horizon=30')
    assert response.status == 403
    assert 'Meridian' not in response.text()
