"""`/auth/complete`: where a completed sign-in arrives with its ticket. The browser gets a new session identity
here (NiceGUI keys `app.storage.user` on the id in the signed session cookie), so whatever cookie it held before,
planted by someone else or left from an earlier sign-in, is signed in as nobody."""

import uuid

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app

from dashboard.db import Database
from dashboard.domain.auth.events import record_sign_in_event
from dashboard.domain.auth.models import SignInEventKind
from dashboard.domain.auth.sessions import end_session, open_session
from dashboard.domain.models import User
from dashboard.ui.auth.sign_in_tickets import take_ticket
from dashboard.ui.client_address import request_address
from dashboard.ui.io_bound import io_bound
from dashboard.ui.paths import COMPLETE_PATH, HOME_PATH, LOGIN_PATH
from dashboard.ui.session import SESSION_KEY


def register(db: Database) -> None:
    @app.get(COMPLETE_PATH, include_in_schema=False)
    async def complete_sign_in_route(request: Request, ticket: str = '') -> RedirectResponse:
        held = take_ticket(ticket, browser_id=request.session.get('id'))
        if held is None:
            return _no_store(RedirectResponse(LOGIN_PATH, status_code=303))
        address = request_address(request)
        previous = app.storage.user.get(SESSION_KEY)
        token = await io_bound(_open, db, held.user_id, previous if isinstance(previous, str) else None, address)
        app.storage.user.clear()
        browser_id = str(uuid.uuid4())
        request.session['id'] = browser_id
        await app.storage._create_user_storage(browser_id)  # noqa: SLF001  (what NiceGUI's middleware does for a new id)
        app.storage.user[SESSION_KEY] = token
        return _no_store(RedirectResponse(_own_path(held.next_path), status_code=303))


def _open(db: Database, user_id: int, previous: str | None, address: str | None) -> str:
    """Opens the new session; a session this browser held before ends (in every tab)."""
    with db.session() as session:
        if previous:
            end_session(session=session, token=previous, reason='signed_in_again')
        token = open_session(session=session, user_id=user_id, client_address=address)
        user = session.get(User, user_id)
        record_sign_in_event(session=session, kind=SignInEventKind.SIGNED_IN, user_id=user_id,
                             email=user.email if user else '', client_address=address)
        session.commit()
        return token


def _own_path(path: str) -> str:
    """A path of this app, never another site (`//host`, `/\\host`)."""
    if not path.startswith('/') or path.startswith(('//', '/\\')) or any(ord(c) < 32 for c in path):
        return HOME_PATH
    return path


def _no_store(response: RedirectResponse) -> RedirectResponse:
    response.headers['Cache-Control'] = 'no-store'
    return response
