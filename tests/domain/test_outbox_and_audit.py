"""Email and audit entries are written into the caller's transaction: stored if it commits, gone if it does not."""

from sqlmodel import Session, select

from dashboard.domain.audit import record_audit
from dashboard.domain.models import AuditEntry, OutboxEmail
from dashboard.domain.outbox import queue_email
from tests.factories import actor, make_organisation, make_user


def test_a_queued_email_waits_in_the_outbox(db, session: Session) -> None:
    organisation = make_organisation(session)

    queue_email(session=session, to=['a@example.com', 'b@example.com', 'a@example.com'], subject='Hello',
                body_text='Text', body_html='<p>Text</p>', organisation_id=organisation.id)
    session.commit()

    with db.session() as fresh:
        [email] = fresh.exec(select(OutboxEmail)).all()
    assert (email.to_address, email.subject, email.body_text, email.body_html, email.organisation_id) == (
        'a@example.com, b@example.com', 'Hello', 'Text', '<p>Text</p>', organisation.id)
    assert (email.status, email.attempts, email.sent_at, email.last_error) == ('pending', 0, None, None)


def test_a_single_address_is_kept_whole(db, session: Session) -> None:
    queue_email(session=session, to='support@example.com', subject='S', body_text='T')
    session.commit()

    with db.session() as fresh:
        assert fresh.exec(select(OutboxEmail.to_address)).all() == ['support@example.com']


def test_nothing_is_queued_or_audited_when_the_transaction_rolls_back(db, session: Session) -> None:
    organisation = make_organisation(session)
    admin = make_user(session, organisation, full_name='Abe Admin')

    queue_email(session=session, to='support@example.com', subject='S', body_text='T')
    record_audit(session=session, actor=actor(admin), organisation_id=organisation.id, action='x', details='y')
    session.rollback()

    with db.session() as fresh:
        assert fresh.exec(select(OutboxEmail)).all() == []
        assert fresh.exec(select(AuditEntry)).all() == []


def test_an_audit_entry_names_the_actor(db, session: Session) -> None:
    organisation = make_organisation(session)
    admin = make_user(session, organisation, full_name='Abe Admin')

    record_audit(session=session, actor=actor(admin), organisation_id=organisation.id, action='main_contact_changed',
                 details='none → Abe Admin')
    session.commit()

    with db.session() as fresh:
        [entry] = fresh.exec(select(AuditEntry)).all()
    assert (entry.organisation_id, entry.actor_id, entry.actor_name, entry.action, entry.details) == (
        organisation.id, admin.id, 'Abe Admin', 'main_contact_changed', 'none → Abe Admin')
    assert entry.occurred_at is not None
