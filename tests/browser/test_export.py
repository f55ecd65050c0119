"""Export CSV: exactly the filtered rows, as customers may see them, and never another organisation's."""

import csv
import io
import re
from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from dashboard.domain.formatting import format_timestamp
from dashboard.domain.models import HistoryAction, LicenceKind
from tests.browser.conftest import OpenAs, World, history_cells, range_label
from tests.browser.seed import VENDOR_STAFF, HistoryEntry

HEADER = ['Date (UTC)', 'Action', 'Licence type', 'Old value', 'New value', 'Actioned by', 'Note']


def test_export_downloads_exactly_the_filtered_rows(open_as: OpenAs, world: World) -> None:
    expected = sorted((e for e in world.history if e.action == HistoryAction.EXPIRY_CHANGED
                       and e.kind == LicenceKind.MANAGED_AGENT), key=lambda e: e.occurred_at, reverse=True)
    page = open_as('viewer', '/account/billing?tab=history')
    page.get_by_role('combobox', name='Action').click()
    page.get_by_role('option', name='Expiry date changed').click()
    page.keyboard.press('Escape')
    page.get_by_role('combobox', name='Licence type').click()
    page.get_by_role('option', name='Managed Agent').click()
    expect(range_label(page)).to_have_text(f'1-{len(expected)} of {len(expected)}')

    name, rows = _export(page)

    assert name == f'licence-history-{world.serial}.csv'
    assert rows[0] == HEADER
    assert rows[1:] == [_csv_row(e) for e in expected]
    assert {'Admin Team', 'Grace Okafor', 'Ben Hartley'} <= {row[5] for row in rows[1:]}


def test_export_of_everything_ignores_paging_keeps_the_sort_and_shows_vendor_staff_as_admin_team(
        open_as: OpenAs, world: World) -> None:
    page = open_as('billing_admin', '/account/billing?tab=history')
    expect(range_label(page)).to_have_text('1-25 of 60')
    page.get_by_role('columnheader', name='Action', exact=True).click()
    expect(page).to_have_url(re.compile(r'[?&]sort=action&desc=0(&|$)'))
    page.get_by_role('button', name='Next page').click()
    expect(range_label(page)).to_have_text('26-50 of 60')
    shown = list(zip(history_cells(page, 0), history_cells(page, 1), strict=True))

    _, rows = _export(page)

    assert len(rows) - 1 == len(world.history) == 60
    exported = [(format_timestamp(datetime.fromisoformat(row[0]).replace(tzinfo=UTC)), row[1]) for row in rows[1:]]
    assert exported[25:50] == shown, 'the export is not in the order of the table'
    assert 'Admin Team' in {row[5] for row in rows[1:]}
    text = '\n'.join(','.join(row) for row in rows)
    assert VENDOR_STAFF not in text
    assert world.other_note not in text and world.other_org_name not in text


def test_export_follows_the_search_box(open_as: OpenAs, world: World) -> None:
    page = open_as('billing_admin', '/account/billing?tab=history&q=seats%20released')
    expect(range_label(page)).to_have_text(re.compile(r'^1-\d+ of \d+$'))
    shown = int(range_label(page).inner_text().split(' of ')[1])

    _, rows = _export(page)

    assert len(rows) - 1 == shown == sum(e.note == 'Unused seats released' for e in world.history)
    assert {row[6] for row in rows[1:]} == {'Unused seats released'}


def _export(page: Page) -> tuple[str, list[list[str]]]:
    with page.expect_download() as download_info:
        page.get_by_role('button', name='Export CSV').click()
    download = download_info.value
    path = download.path()
    assert path is not None, download.failure()
    text = path.read_text(encoding='utf-8')
    assert text.startswith('\ufeff'), 'the BOM that tells spreadsheet programs the file is UTF-8'
    return download.suggested_filename, list(csv.reader(io.StringIO(text.removeprefix('\ufeff'))))


def _csv_row(entry: HistoryEntry) -> list[str]:
    return [entry.occurred_at.strftime('%Y-%m-%d %H:%M:%S'), entry.action.label,
            entry.kind.label if entry.kind else '', entry.old_value or '', entry.new_value or '',
            entry.shown_actor, entry.note or '']
