"""The sign-in log as a table: one person's entries (`sign_in_log`), or any list of entries (`sign_in_events_table`),
newest first, with the time, what happened, the client address and the detail."""

from nicegui import ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.models import SignInEvent
from dashboard.domain.auth.sign_in_log import user_sign_in_log
from dashboard.domain.errors import DomainError
from dashboard.domain.formatting import format_timestamp
from dashboard.ui.io_bound import io_bound

COLUMNS = [
    {'name': 'at', 'label': 'Time', 'field': 'at', 'align': 'left', 'style': 'white-space: nowrap'},
    {'name': 'event', 'label': 'Event', 'field': 'event', 'align': 'left', 'style': 'white-space: nowrap'},
    {'name': 'address', 'label': 'Client address', 'field': 'address', 'align': 'left'},
    {'name': 'detail', 'label': 'Detail', 'field': 'detail', 'align': 'left'},
]
EMAIL_COLUMN = {'name': 'email', 'label': 'Email as typed', 'field': 'email', 'align': 'left',
                'style': 'max-width: 16rem', 'classes': 'ellipsis'}


async def sign_in_log(db: Database, actor: Actor, user_id: int, *, limit: int = 100) -> None:
    """The newest `limit` entries of the user's log, as `actor` may see them: their own, or anyone's for the Admin
    Team. Await it inside the page's layout."""
    try:
        events = await io_bound(_load, db, actor, user_id, limit)
    except DomainError as error:
        ui.label(str(error)).classes('text-negative').mark('sign-in-log-refused')
        return
    sign_in_events_table(events).mark('sign-in-log')


def sign_in_events_table(events: list[SignInEvent], *, with_email: bool = False) -> ui.table:
    columns = [*COLUMNS[:2], EMAIL_COLUMN, *COLUMNS[2:]] if with_email else COLUMNS
    rows = [{'id': event.id, 'at': format_timestamp(event.at), 'event': event.kind.label,
             'email': event.email, 'address': event.client_address or '', 'detail': event.detail or ''}
            for event in events]
    return ui.table(columns=columns, rows=rows, row_key='id', pagination=25).classes('w-full') \
        .props('flat wrap-cells no-data-label="Nothing recorded yet."')


def _load(db: Database, actor: Actor, user_id: int, limit: int) -> list[SignInEvent]:
    with db.session() as session:
        return user_sign_in_log(session=session, actor=actor, user_id=user_id, limit=limit)
