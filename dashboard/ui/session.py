"""Who is signed in to this browser: `app.storage.user` holds only a random session token, and the database's live
`UserSession` for it names the user, checked on every page, so a deactivated user, a cancelled organisation or an
ended session loses access at once. Each page keeps the session it was built for, so that its handlers never depend
on the request they happen to run in."""

from contextlib import suppress
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import Client, app, ui

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import active_user
from dashboard.domain.auth.events import record_sign_in_event
from dashboard.domain.auth.models import SignInEventKind
from dashboard.domain.auth.sessions import end_session, live_session
from dashboard.domain.models import Organisation, Plan
from dashboard.ui.auth.sign_in_tickets import issue_ticket
from dashboard.ui.io_bound import io_bound
from dashboard.ui.paths import BILLING_PATH, COMPLETE_PATH, HOME_PATH, LOGIN_PATH, RENEWALS_PATH
from dashboard.ui.session_watch import PageSession, ended_sessions

SESSION_KEY = 'session_token'
PAGE_KEY = 'page_session'  # in the page's client storage
SIGNED_OUT_MESSAGE = 'You are no longer signed in here: nothing was changed. Please log in again.'


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    organisation_name: str | None
    on_trial: bool
    session: PageSession | None = field(default=None, compare=False, repr=False)

    @property
    def may_buy(self) -> bool:
        """The seed's "Buy now": billing users of a trial account."""
        return self.actor.has_billing_permission and self.on_trial


async def signed_in(db: Database) -> SignedIn | None:
    """The person signed in to this browser, if their session is live; on a page, the page keeps that session."""
    token = app.storage.user.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    ended = ended_sessions(db)  # listening from now on, before the session is read
    loaded = await io_bound(_load, db, token)
    if loaded is None:
        return None
    who, session_id = loaded
    page = PageSession(db=db, session_id=session_id, user_id=who.actor.user_id, token=token)
    client = _client()
    if client is not None:
        client.storage[PAGE_KEY] = page
        client.on_delete(ended.watch(session_id))
    return replace(who, session=page)


def _load(db: Database, token: str) -> tuple[SignedIn, int] | None:
    with db.session() as session:
        row = live_session(session=session, token=token, idle_timeout=get_settings().session_idle_timeout)
        user = active_user(session=session, user_id=row.user_id) if row is not None else None
        if row is None or row.id is None or user is None:
            return None
        organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
        return SignedIn(actor=Actor.of(user), organisation_name=organisation.name if organisation else None,
                        on_trial=organisation is not None and organisation.plan == Plan.TRIAL), row.id


def complete_sign_in(user_id: int, next_path: str) -> None:
    """Signs the user in once every check passed; call it inside the login page's event handler. The browser is
    sent through an HTTP route that gives it a new session identity (so a cookie planted before cannot ride along)
    and then on to `next_path`."""
    client = ui.context.client
    browser_id = client.request.session.get('id') if client.request is not None else None
    ticket = issue_ticket(user_id=user_id, next_path=next_path, browser_id=browser_id)
    ui.navigate.to(f'{COMPLETE_PATH}?ticket={ticket}')


def sign_in(user_id: int) -> None:
    """The former name of `complete_sign_in`, for callers that pick their landing page later."""
    complete_sign_in(user_id, HOME_PATH)


async def sign_out() -> None:
    """Ends this page's session in the database (every tab of the browser follows) and logs it."""
    page = page_session()
    if page is not None:
        await io_bound(_end, page)
    with suppress(RuntimeError):  # no request to find the browser's storage by: its session has ended anyway
        app.storage.user.clear()


def _end(page: PageSession) -> None:
    with page.db.session() as session:
        end_session(session=session, token=page.token, reason='signed_out')
        record_sign_in_event(session=session, kind=SignInEventKind.SIGNED_OUT, user_id=page.user_id)
        session.commit()


def page_session() -> PageSession | None:
    client = _client()
    page = client.storage.get(PAGE_KEY) if client is not None else None
    return page if isinstance(page, PageSession) else None


def still_signed_in(actor: Actor) -> bool:
    """Whether this page's session is still live and signed in as `actor`: log-out (in any tab), a password change,
    a deactivation or a role change ends every open page. In memory: cheap enough for every handler."""
    page = page_session()
    return page is not None and page.user_id == actor.user_id and page.is_live()


def refuse_if_signed_out(actor: Actor) -> bool:
    """For every handler that changes something: True (and the person is told and sent to log in) when this page is
    no longer signed in as `actor`; the handler then does nothing."""
    if still_signed_in(actor):
        page = page_session()
        assert page is not None
        page.note_activity()  # the person is here: the session is not idle
        return False
    ui.notify(SIGNED_OUT_MESSAGE, type='warning')
    ui.navigate.to(LOGIN_PATH)
    return True


def _client() -> Client | None:
    try:
        return ui.context.client
    except RuntimeError:  # an HTTP route: no page
        return None


def to_login(path: str) -> RedirectResponse:
    return RedirectResponse(f'{LOGIN_PATH}?next={quote(path, safe="")}')


def landing_path(actor: Actor) -> str:
    """Customers with Billing access land on it, vendor staff on Renewals, everyone else on the welcome page."""
    if actor.is_vendor:
        return RENEWALS_PATH
    if actor.organisation_id is not None and actor.can_view_billing(actor.organisation_id):
        return BILLING_PATH
    return HOME_PATH
