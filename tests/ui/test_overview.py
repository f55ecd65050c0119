import asyncio
from collections.abc import Callable
from datetime import timedelta

from nicegui import ui
from nicegui.testing import User

from dashboard.domain import clock
from dashboard.domain.formatting import format_date
from dashboard.ui.paths import OVERVIEW_PATH, organisation_path
from tests.factories import make_organisation, make_pool
from tests.ui.conftest import log_in


def figure(user: User, key: str) -> str:
    label = user.find(marker=f'figure-{key}').elements.pop()
    assert isinstance(label, ui.label)
    return label.text


def trial_rows(user: User) -> list[dict]:
    table = user.find(marker='trials').elements.pop()
    assert isinstance(table, ui.table)
    return table.rows


async def test_a_sales_rep_sees_the_headline_figures_gauges_and_charts(user: User, vendor, acme, session) -> None:
    trial = make_organisation(session, name='Nordlicht Trial GmbH', plan='trial', region='uk',
                              subscription_end=clock.today() + timedelta(days=3))
    make_pool(session, trial, 'managed_agent', total=10, in_use=9, expiry_date=trial.subscription_end)
    make_organisation(session, name='Lapsed Ltd', plan='paid', region='us',
                      subscription_end=clock.today() - timedelta(days=1))
    await log_in(user, vendor.sales)
    await user.open(OVERVIEW_PATH)

    await user.should_see('Licence utilisation')
    assert [figure(user, key) for key in ('organisations', 'active', 'trial', 'expired', 'sold', 'in_use')] == [
        '3', '1', '1', '1', '150', '128']  # Acme's On-demand pool has expired: not counted as sold
    for text in ['1 EU · 1 UK · 1 US', '1 end within 14 days', '85% of licences sold', 'Managed Agent licences',
                 '85%', '128 in use of 150 sold', 'Trials: 9 in use of 10', 'On-demand licences', 'No licences sold',
                 'Sold: licences of paid accounts that have not expired', 'Organisations by account type and region',
                 'Utilisation of paid accounts', '0 accounts at or near the limit (95%+)',
                 'Licences expiring per month']:
        await user.should_see(text)
    charts = {plot.figure['layout']['yaxis']['title']['text']: plot.figure for plot in user.find(ui.plotly).elements}
    assert sorted(charts) == ['Licences expiring', 'Organisations', 'Paid accounts']
    by_type = {trace['name']: trace['y'] for trace in charts['Organisations']['data']}
    assert by_type == {'Active': [1, 0, 0], 'Trial': [0, 1, 0], 'Expired': [0, 0, 1]}


async def test_a_trial_ending_soon_is_listed_and_its_row_opens_the_organisation(user: User, vendor, session) -> None:
    trial = make_organisation(session, name='Nordlicht Trial GmbH', serial_number='NORD-0001', plan='trial',
                              region='eu', subscription_end=clock.today() + timedelta(days=3))
    make_pool(session, trial, 'managed_agent', total=10, in_use=7, expiry_date=trial.subscription_end)
    make_organisation(session, name='Later Trial Ltd', plan='trial', subscription_end=clock.today() + timedelta(15))
    await log_in(user, vendor.sales)
    await user.open(OVERVIEW_PATH)

    last_day = format_date(clock.today() + timedelta(days=14))
    await user.should_see(f'1 trial ends by {last_day}. Click a row to open the organisation.')
    [row] = trial_rows(user)
    assert (row['name'], row['serial'], row['region'], row['days_text'], row['managed_agent'], row['on_demand']) == (
        'Nordlicht Trial GmbH', 'NORD-0001', 'EU/EEA (Germany West Central)', '3 days', '7 of 10', '—')
    assert row['href'] == organisation_path(trial.id)

    user.find(marker='trials').trigger('rowClick', [{}, row, 0])
    for _ in range(100):
        if user.back_history[-1] == organisation_path(trial.id):
            break
        await asyncio.sleep(0.05)
    assert user.back_history[-1] == organisation_path(trial.id)


async def test_with_no_data_every_figure_is_zero_and_no_trial_is_listed(user: User, vendor) -> None:
    await log_in(user, vendor.admin)
    await user.open(OVERVIEW_PATH)

    await user.should_see('No trials end in the next 14 days.')
    assert [figure(user, key) for key in ('organisations', 'sold', 'in_use')] == ['0', '0', '0']
    await user.should_see('none of licences sold')
    await user.should_not_see(marker='trials')


async def test_an_admins_change_shows_on_an_open_overview_without_a_reload(
        create_user: Callable[[], User], vendor, acme) -> None:
    sales, admin = create_user(), create_user()
    await log_in(sales, vendor.sales)
    await sales.open(OVERVIEW_PATH)
    await sales.should_see('128 in use of 150 sold')

    await log_in(admin, vendor.admin)
    await admin.open(organisation_path(acme.organisation.id))
    admin.find(marker='change-total-managed_agent').click()
    await admin.should_see(marker='total')
    admin.find(marker='total').clear().type('256')
    admin.find(marker='save').click()
    await admin.should_see('Managed Agent total changed from 150 to 256.', retries=50)

    await sales.should_see('128 in use of 256 sold', retries=40)  # the page was not reopened
    assert figure(sales, 'sold') == '256'


async def test_a_customer_is_refused_the_overview(user: User, acme) -> None:
    await log_in(user, acme.emails['global_admin'])
    await user.open(OVERVIEW_PATH)

    await user.should_see('This page is for the vendor\'s staff')
    await user.should_not_see('Licence utilisation')
    await user.should_not_see(marker='figure-organisations')
    await user.should_not_see('Usage overview')
