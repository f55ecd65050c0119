import asyncio
from datetime import UTC, datetime, timedelta

from nicegui import ui
from nicegui.testing import User

from dashboard.domain.history.recording import record_history
from dashboard.domain.models import HistoryAction, LicenceKind
from tests.ui.conftest import log_in

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def add_history(session, organisation, count: int = 30) -> None:
    """Alternating increases of Managed Agent licences by the Admin Team and expiry changes by a customer."""
    for i in range(count):
        if i % 2:
            record_history(session=session, organisation_id=organisation.id, actor='Vic Vendor', by_vendor=True,
                           action=HistoryAction.LICENCES_INCREASED, kind=LicenceKind.MANAGED_AGENT,
                           old_value=100 + i, new_value=101 + i, occurred_at=START + timedelta(days=i))
        else:
            record_history(session=session, organisation_id=organisation.id, actor='Bill Billing',
                           action=HistoryAction.EXPIRY_CHANGED, kind=LicenceKind.ON_DEMAND, old_value='2026-06-30',
                           new_value='2027-06-30', note=f'Renewal number {i}', occurred_at=START + timedelta(days=i))
    session.commit()


async def rows_once(user: User, condition) -> list[dict]:
    """The table's rows once `condition(rows)` holds: a filter is applied by the server a moment after the input."""
    for _ in range(50):
        rows = shown_rows(user)
        if condition(rows):
            return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f'the table never showed the expected rows; it shows {rows}')


def shown_rows(user: User) -> list[dict]:
    table = user.find(marker='history').elements.pop()
    assert isinstance(table, ui.table)
    return table.rows


async def test_history_is_newest_first_with_every_column(user: User, acme, session) -> None:
    add_history(session, acme.organisation)
    await log_in(user, acme.emails['billing_admin'])
    await user.open('/account/billing?tab=history')
    await user.should_see('Licence totals over time')
    rows = shown_rows(user)
    assert len(rows) == 25
    assert rows[0] == {'id': rows[0]['id'], 'date': '30 Jan 2026 09:00 UTC', 'action': 'Licences increased',
                       'kind': 'Managed Agent', 'change': '129 → 130', 'actor': 'Admin Team', 'note': ''}
    assert rows[1]['note'] == 'Renewal number 28' and rows[1]['actor'] == 'Bill Billing'
    table = user.find(marker='history').elements.pop()
    assert table.pagination['rowsNumber'] == 30


async def test_filters_narrow_the_rows_and_go_into_the_url(user: User, acme, session) -> None:
    add_history(session, acme.organisation)
    await log_in(user, acme.emails['billing_admin'])
    await user.open('/account/billing?tab=history')
    user.find('actions').click()
    user.find('Expiry date changed').click()
    rows = await rows_once(user, lambda rows: len(rows) == 15)
    assert {row['action'] for row in rows} == {'Expiry date changed'}
    user.find(marker='search').type('number 1')
    rows = await rows_once(user, lambda rows: len(rows) < 15)
    assert sorted(row['note'] for row in rows) == ['Renewal number 10', 'Renewal number 12', 'Renewal number 14',
                                                   'Renewal number 16', 'Renewal number 18']


async def test_a_shared_link_opens_the_same_filtered_view(user: User, acme, session) -> None:
    add_history(session, acme.organisation)
    await log_in(user, acme.emails['viewer'])
    await user.open('/account/billing?tab=history&actions=licences_increased&from=2026-01-10&to=2026-01-14')
    rows = shown_rows(user)
    assert [row['date'] for row in rows] == ['14 Jan 2026 09:00 UTC', '12 Jan 2026 09:00 UTC',
                                             '10 Jan 2026 09:00 UTC']
    assert all(row['action'] == 'Licences increased' for row in rows)


async def test_a_bad_link_still_opens_and_says_what_it_ignored(user: User, acme, session) -> None:
    add_history(session, acme.organisation)
    await log_in(user, acme.emails['billing_admin'])
    await user.open('/account/billing?tab=history&actions=bogus&from=yesterday&page=-3')
    await user.should_see('"bogus" is not a licence history action.')
    await user.should_see('"yesterday" is not a date')
    assert len(shown_rows(user)) == 25


async def test_paging_is_done_by_the_server(user: User, acme, session) -> None:
    add_history(session, acme.organisation)
    await log_in(user, acme.emails['billing_admin'])
    await user.open('/account/billing?tab=history&page=2')
    rows = shown_rows(user)
    assert len(rows) == 5 and rows[-1]['date'] == '1 Jan 2026 09:00 UTC'


async def test_an_empty_history_says_so(user: User, acme) -> None:
    await log_in(user, acme.emails['billing_admin'])
    await user.open('/account/billing?tab=history')
    await user.should_see('No licence changes recorded yet.')
    assert shown_rows(user) == []
