"""The deletion request's timeline on the Billing page, and the Admin Team bringing the date forward."""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from nicegui.testing import User
from sqlmodel import select

from dashboard.domain import clock
from dashboard.domain.deletion.lifecycle import advance_deletions
from dashboard.domain.deletion.purge import purge_personal_data
from dashboard.domain.deletion.requests import request_deletion
from dashboard.domain.formatting import format_date
from dashboard.domain.models import DeletionRequest, LicencePool, OutboxEmail
from dashboard.domain.models import User as Person
from dashboard.domain.vendor import DEFAULT_VENDOR
from dashboard.ui import session_watch
from tests.factories import actor
from tests.ui.conftest import log_in


def _request(db, acme) -> DeletionRequest:
    with db.session() as session:
        requester = session.exec(select(Person).where(Person.email == acme.emails['billing_admin'])).one()
        return request_deletion(session=session, actor=actor(requester), organisation_id=acme.organisation.id,
                                vendor=DEFAULT_VENDOR)


def _run_jobs(db, day) -> datetime:
    now = datetime.combine(day, time(6), UTC)
    with db.session() as session:
        advance_deletions(session=session, now=now, vendor=DEFAULT_VENDOR)
        purge_personal_data(session=session, now=now)
    return now


async def test_a_pending_request_shows_its_timeline_to_the_customer(user: User, acme, db) -> None:
    _request(db, acme)
    await log_in(user, acme.emails['viewer'])
    effective = acme.organisation.subscription_end
    for text in ['Deletion requested', f'The cancellation takes effect on {format_date(effective)}.',
                 'Requested', 'by Bill Billing', 'Takes effect', format_date(effective), 'in 100 days',
                 'Cancellation starts', f'at the end of {format_date(effective)}', 'Cancellation completed',
                 'Personal data purge',
                 'within 30 days after completion', 'Email to the contacts', 'Email to vendor support']:
        await user.should_see(text)
    await user.should_see(marker='notice')
    await user.should_not_see('Withdraw request')  # a viewer sees where it stands, and cannot act


async def test_the_vendor_follows_the_request_to_completion_and_purge(user: User, vendor, acme, db) -> None:
    _request(db, acme)
    with db.session() as session:  # one notice delivered, to show the difference
        email = session.exec(select(OutboxEmail).order_by(OutboxEmail.id)).first()
        email.status, email.sent_at = 'sent', datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
        session.add(email)
        session.commit()
    completed = _run_jobs(db, acme.organisation.subscription_end + timedelta(days=1))  # once its last day ended
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    purge_day = completed.date() + timedelta(days=29)
    for text in ['Account cancelled', 'Every user of this account has lost access.', 'sent 15 Jun 2026 09:30 UTC',
                 f'On {format_date(completed.date())}; personal data purge due {format_date(purge_day)}.',
                 'Start notice to the contacts', 'Completion notice to the contacts', f'due {format_date(purge_day)}',
                 f'no later than {format_date(completed.date() + timedelta(days=30))}']:
        await user.should_see(text)

    _run_jobs(db, purge_day)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    await user.should_see('Personal data purged')
    await user.should_see('by Deleted user')
    await user.should_see(f'On {format_date(completed.date())}; personal data purged on {format_date(purge_day)}.')


async def test_the_admin_team_brings_the_cancellation_forward(user: User, vendor, acme, db) -> None:
    request = _request(db, acme)
    sooner = clock.today() + timedelta(days=7)
    await log_in(user, vendor.admin)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    user.find(marker='bring-forward').click()
    await user.should_see('Bring the cancellation forward')
    user.find(marker='effective-date').clear().type((acme.organisation.subscription_end + timedelta(days=1))
                                                    .isoformat())
    user.find(marker='save').click()
    await user.should_see('it can only be brought forward', retries=50)  # refused in the dialog, which stays open

    user.find(marker='effective-date').clear().type(sooner.isoformat())
    user.find(marker='save').click()
    await user.should_see(f'The cancellation now takes effect at the end of {format_date(sooner)}; the contacts are '
                          'notified.',
                          retries=50)
    await user.should_see('in 7 days', retries=50)  # the Billing view below follows the change
    await user.should_see('New date emailed to the contacts')
    with db.session() as session:
        assert session.get(DeletionRequest, request.id).effective_date == sooner


async def test_sales_cannot_bring_a_cancellation_forward(user: User, vendor, acme, db) -> None:
    _request(db, acme)
    await log_in(user, vendor.sales)
    await user.open(f'/vendor/organisations/{acme.organisation.id}')
    await user.should_see('Deletion requested')
    await user.should_not_see('Bring forward')


async def test_an_open_billing_page_ends_when_the_account_is_cancelled(create_user: Callable[[], User], vendor,
                                                                       acme, db, monkeypatch) -> None:
    # The jobs below end the account's sessions in the database, which the session watch's poll would notice within
    # seconds (tests/security sees that in a browser). Held off here, the page can only end on the change.
    monkeypatch.setattr(session_watch, 'POLL_SECONDS', 3600)
    customer, admin = create_user(), create_user()
    _request(db, acme)
    await log_in(customer, acme.emails['billing_admin'])
    await customer.should_see('Withdraw request')
    # Another process, once the last day ended: this page hears of it with the next change.
    _run_jobs(db, acme.organisation.subscription_end + timedelta(days=1))

    await log_in(admin, vendor.admin)
    await admin.open(f'/vendor/organisations/{acme.organisation.id}')
    admin.find(marker='change-total-managed_agent').click()
    await admin.should_see(marker='total')
    admin.find(marker='total').clear().type('160')
    admin.find(marker='save').click()
    await customer.should_see('Log in', retries=50)  # sent there by its own page: see `PageNavigate`
    await customer.should_not_see('Withdraw request')
    with db.session() as session:  # the page ended on the change, so the change was committed
        assert session.exec(select(LicencePool.total).where(LicencePool.kind == 'managed_agent')).one() == 160
