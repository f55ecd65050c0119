"""Reminders and the digest with thousands of accounts: a few statements per run, a full digest small enough."""

from collections.abc import Callable
from datetime import date

from sqlalchemy import event, insert
from sqlmodel import Session

from dashboard.domain.models import LicencePool, Organisation, User
from dashboard.domain.renewals.reminders import queue_renewal_reminders, queue_sales_digest
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.domain.renewals.reminders.conftest import NOW, days, sent


def test_the_job_is_a_few_statements_however_many_pools(db, session: Session) -> None:
    """3,000 accounts, one pool each, expiring over the next 120 days: a first run reads in a few statements and
    inserts one row per reminder; a second run reads in a few statements and inserts nothing."""
    accounts = 3000
    bulk_accounts(session, accounts, lambda n: days(n % 120))
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_) -> None:
        statements.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(db.engine, 'before_cursor_execute', record)
    try:
        first = queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)
        first_run = list(statements)
        statements.clear()
        second = queue_renewal_reminders(session=session, now=NOW, vendor=DEFAULT_VENDOR)
        second_run = list(statements)
    finally:
        event.remove(db.engine, 'before_cursor_execute', record)

    assert first == 24 * accounts // 120  # 24 of the 120 days have a stage due: days 0-7, 23-30 and 83-90
    assert first_run.count('INSERT') == first
    assert len(first_run) - first <= 4  # the due pools, the keys already used, the recipients
    assert second == 0 and len(second_run) <= 3  # the due pools, the keys already used


def test_a_full_digest_lists_200_renewals_and_stays_small_enough_not_to_be_clipped(db, session: Session) -> None:
    bulk_accounts(session, 250, lambda n: days(n % 31))

    queue_sales_digest(session=session, now=NOW, vendor=DEFAULT_VENDOR)

    [email] = sent(db, 'sales_digest')
    assert len(email.body_text.split('Soonest first:\n')[1].splitlines()) == 201  # 200 rows and 'and 50 more'
    assert '... and 50 more' in email.body_text
    html = email.body_html or ''
    assert html.split('Utilisation</th>')[1].count('<tr') == 200
    assert len(html.encode()) < 102_000  # Gmail clips a longer one


def bulk_accounts(session: Session, count: int, expiry: Callable[[int], date]) -> None:
    """`count` accounts, each with a billing admin and a Managed Agent pool expiring on `expiry(n)`, in three
    statements rather than thousands."""
    session.execute(insert(Organisation), [
        {'id': n, 'serial_number': f'P-{n}', 'name': f'Perf {n}', 'plan': 'paid', 'region': 'eu',
         'subscription_end': days(200), 'created_at': NOW} for n in range(1, count + 1)])
    session.execute(insert(User), [
        {'id': n, 'organisation_id': n, 'full_name': f'Admin {n}', 'email': f'admin{n}@example.com',
         'email_key': f'admin{n}@example.com', 'role': 'billing_admin', 'is_active': True, 'created_at': NOW}
        for n in range(1, count + 1)])
    session.execute(insert(LicencePool), [
        {'organisation_id': n, 'kind': 'managed_agent', 'total': 10, 'in_use': 5, 'expiry_date': expiry(n)}
        for n in range(1, count + 1)])
    session.commit()
