"""Email and audit entries are written into the caller's transaction: stored if it commits, gone if it does not."""

from sqlmodel import Session, select

from dashboard.domain.audit import record_audit
from dashboard.domain.mail.outbox import queue_email
from dashboard.domain.models import AuditEntry, OutboxEmail
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


def test_an_email_with_a_dedupe_key_is_queued_once_however_often_it_is_asked_for(db, session: Session) -> None:
    key = 'reminder:pool=7:expiry=2027-03-31:stage=30'
    assert queue_email(session=session, to='a@example.com', subject='First', body_text='T', kind='renewal_reminder',
                       dedupe_key=key)
    session.commit()
    with db.session() as other:  # another process, later: the key is taken
        assert not queue_email(session=other, to='a@example.com', subject='Again', body_text='T', dedupe_key=key)
        assert queue_email(session=other, to='a@example.com', subject='Next stage', body_text='T',
                           dedupe_key=key.replace('stage=30', 'stage=7'))
        other.commit()
    with db.session() as fresh:
        emails = fresh.exec(select(OutboxEmail).order_by(OutboxEmail.id)).all()
    assert [(e.subject, e.kind, e.status, e.attempts) for e in emails] == [
        ('First', 'renewal_reminder', 'pending', 0), ('Next stage', 'other', 'pending', 0)]
    assert emails[0].next_attempt_at is not None and emails[0].created_at is not None


def test_a_keyed_email_of_a_rolled_back_transaction_leaves_its_key_free(db, session: Session) -> None:
    queue_email(session=session, to='a@example.com', subject='S', body_text='T', dedupe_key='k')
    session.rollback()
    assert queue_email(session=session, to='a@example.com', subject='S', body_text='T', dedupe_key='k')
    session.commit()
    with db.session() as fresh:
        assert len(fresh.exec(select(OutboxEmail)).all()) == 1
