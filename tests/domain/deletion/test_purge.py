"""The personal data purge after a cancellation: when it is due, and everything it removes."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, SQLModel, select, text

from dashboard.db import Database
from dashboard.domain.deletion.lifecycle import advance_deletions
from dashboard.domain.deletion.purge import purge_personal_data
from dashboard.domain.models import (
    AuditEntry,
    DeletionRequest,
    LicenceHistory,
    LicencePool,
    LicenceRequest,
    Organisation,
    OutboxEmail,
    User,
)
from dashboard.domain.vendor import DEFAULT_VENDOR
from tests.domain.deletion.conftest import EFFECTIVE, THE_DAY_AFTER, Acme, emails, requested


def test_the_purge_waits_until_it_is_due_then_removes_every_personal_datum(db, session: Session, acme: Acme,
                                                                           other: User) -> None:
    request = requested(session, acme)
    advance_deletions(session=session, now=THE_DAY_AFTER, vendor=DEFAULT_VENDOR)
    withheld = emails(db)[-1]  # the completion notice, never delivered: the purge must not send it later

    assert purge_personal_data(session=session, now=datetime(2027, 4, 3, 23, 59, tzinfo=UTC)) == 0
    assert _everything(db, acme.organisation.id).count('Abe Admin') > 3, 'nothing was purged early'

    purge_time = datetime(2027, 4, 4, 0, 5, tzinfo=UTC)  # 29 days after completion: within the 30
    assert purge_personal_data(session=session, now=purge_time) == 1
    assert purge_personal_data(session=session, now=purge_time + timedelta(days=1)) == 0

    everything = _everything(db, acme.organisation.id)
    leaks = [word for word in acme.personal if word in everything]
    assert leaks == [], f'personal data left after the purge: {leaks}'
    with db.session() as fresh:
        purged = fresh.get(DeletionRequest, request.id)
        assert purged.purged_at == purge_time and purged.requested_by_name == 'Deleted user'
        organisation = fresh.get(Organisation, acme.organisation.id)
        assert (organisation.name, organisation.serial_number, organisation.main_contact_id) == (
            'Acme Remote Ltd', 'NS-7781-QX', None)
        pool = fresh.get(LicencePool, acme.pool.id)
        assert (pool.total, pool.in_use, pool.expiry_date) == (150, 128, EFFECTIVE)
        users = fresh.exec(select(User).where(User.organisation_id == acme.organisation.id)).all()
        assert {(u.full_name, u.email, u.email_key, u.phone, u.password_hash, u.is_active) for u in users} == {
            ('Deleted user', f'deleted-user-{u.id}@invalid', f'deleted-user-{u.id}@invalid', None, None, False)
            for u in users}
        history = fresh.exec(select(LicenceHistory).order_by(LicenceHistory.id)).all()
        assert [(h.actor, h.old_value, h.new_value, h.note) for h in history] == [
            ('Deleted user', '100', '150', None), ('Ada Admin', '150', '140', None), ('Admin Team', '140', '150', None)]
        licence_request = fresh.exec(select(LicenceRequest)).one()
        assert (licence_request.requested_by_name, licence_request.message, licence_request.quantity) == (
            'Deleted user', None, 25)
        audit = fresh.exec(select(AuditEntry).where(AuditEntry.organisation_id == acme.organisation.id)).all()
        assert ('Ada Admin', 'licence_request_handled', '') in {(a.actor_name, a.action, a.details) for a in audit}
        [record] = [a for a in audit if a.action == 'personal_data_purged']
        assert record.details.startswith(f'request {request.id}: ') and 'users 5' in record.details
        outbox = {email.id: email for email in fresh.exec(select(OutboxEmail)).all()}
        assert outbox[withheld.id].status == 'failed'
        assert {email.kind for email in outbox.values()} >= {'deletion_requested', 'deletion_completed'}
        assert all('NS-7781-QX' in email.subject for email in outbox.values())
        # Another organisation and the vendor's staff are not touched.
        assert fresh.get(User, other.id).email == 'olga@other.example'
        assert fresh.get(User, acme.ada.id).full_name == 'Ada Admin'
    assert 'Olga Other' in _everything(db, other.organisation_id)


def test_the_purge_keeps_the_thirty_day_promise_whenever_a_daily_job_runs() -> None:
    from dashboard.domain.deletion.purge import is_purge_due
    for completed_at in (datetime(2027, 3, 5, 0, 0, 1, tzinfo=UTC), datetime(2027, 3, 5, 23, 59, tzinfo=UTC)):
        latest_daily_run = datetime(2027, 4, 3, 23, 59, 59, tzinfo=UTC)
        assert is_purge_due(completed_at, latest_daily_run.date())
        assert latest_daily_run - completed_at < timedelta(days=30)
        assert not is_purge_due(completed_at, date(2027, 4, 2))


def _everything(db: Database, organisation_id: int) -> str:
    """Every column of every row that belongs to the organisation (or is about its users), as one text."""
    with db.session() as session:
        chunks = []
        for table in SQLModel.metadata.sorted_tables:
            columns = {c.name for c in table.columns}
            if table.name == 'organisation':
                where = 'id = :org'
            elif 'organisation_id' in columns:
                where = 'organisation_id = :org'
            else:
                continue
            for row in session.execute(text(f'SELECT * FROM {table.name} WHERE {where}'), {'org': organisation_id}):
                chunks.append(' | '.join(str(value) for value in row))
        return '\n'.join(chunks)
