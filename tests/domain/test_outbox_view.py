"""The outbox as the vendor's staff read it: paged by the database, newest first, and only for them."""

import pytest
from sqlmodel import Session

from dashboard.domain.errors import NotFound, PermissionDenied
from dashboard.domain.outbox import queue_email
from dashboard.domain.outbox_view import list_outbox, outbox_bodies
from tests.factories import actor, make_organisation, make_user


def test_pages_newest_first_with_the_count_of_all_that_match(session: Session) -> None:
    sales = actor(make_user(session, None, 'sales'))
    for n in range(12):
        queue_email(session=session, to='a@example.com', subject=f'Email {n}', body_text='T')
    session.commit()

    rows, count = list_outbox(session=session, actor=sales, page=2, page_size=10)

    assert count == 12
    assert [row.subject for row in rows] == ['Email 1', 'Email 0']
    assert list_outbox(session=session, actor=sales, status='sent') == ([], 0)


def test_the_bodies_of_one_email(session: Session) -> None:
    sales = actor(make_user(session, None, 'sales'))
    queue_email(session=session, to='a@example.com', subject='S', body_text='Text', body_html='<p>HTML</p>')
    session.commit()
    [row], _count = list_outbox(session=session, actor=sales)

    bodies = outbox_bodies(session=session, actor=sales, email_id=row.id)

    assert (bodies.subject, bodies.body_text, bodies.body_html) == ('S', 'Text', '<p>HTML</p>')
    with pytest.raises(NotFound, match='There is no email 999999 in the outbox.'):
        outbox_bodies(session=session, actor=sales, email_id=999999)


def test_customers_are_refused_even_their_own_organisations_mail(session: Session) -> None:
    organisation = make_organisation(session)
    admin = actor(make_user(session, organisation, 'global_admin'))
    queue_email(session=session, to=admin.email, subject='S', body_text='T', organisation_id=organisation.id)
    session.commit()

    with pytest.raises(PermissionDenied):
        list_outbox(session=session, actor=admin)
    with pytest.raises(PermissionDenied):
        outbox_bodies(session=session, actor=admin, email_id=1)


@pytest.mark.parametrize('change', ['deactivated', 'demoted to a customer'])
def test_a_vendor_user_changed_since_the_page_opened_reads_no_more_mail(session: Session, change: str) -> None:
    user = make_user(session, None, 'sales')
    sales = actor(user)  # the open page acts for this
    queue_email(session=session, to='a@example.com', subject='S', body_text='T')
    session.commit()
    [row], _count = list_outbox(session=session, actor=sales)
    if change == 'deactivated':
        user.is_active = False
    else:
        user.organisation_id, user.role = make_organisation(session).id, 'global_admin'
    session.add(user)
    session.commit()

    with pytest.raises(PermissionDenied, match='Your account has changed'):
        list_outbox(session=session, actor=sales)
    with pytest.raises(PermissionDenied, match='Your account has changed'):
        outbox_bodies(session=session, actor=sales, email_id=row.id)
