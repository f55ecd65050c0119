"""Who is signed in to this browser: the user id kept in `app.storage.user`, checked against the database on
every page, so a deactivated user or a cancelled organisation loses access at once."""

from dataclasses import dataclass
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import app, run

from ..db import Database
from ..domain.accounts import active_user
from ..domain.actor import Actor
from ..domain.models import Organisation, Plan

USER_KEY = 'user_id'


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    organisation_name: str | None
    on_trial: bool

    @property
    def may_buy(self) -> bool:
        """The seed's "Buy now": billing users of a trial account."""
        return self.actor.has_billing_permission and self.on_trial


async def signed_in(db: Database) -> SignedIn | None:
    user_id = app.storage.user.get(USER_KEY)
    if user_id is None:
        return None
    return await run.io_bound(_load, db, user_id)


def _load(db: Database, user_id: int) -> SignedIn | None:
    with db.session() as session:
        user = active_user(session=session, user_id=user_id)
        if user is None:
            return None
        organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
        return SignedIn(actor=Actor.of(user), organisation_name=organisation.name if organisation else None,
                        on_trial=organisation is not None and organisation.plan == Plan.TRIAL)


def sign_in(user_id: int) -> None:
    app.storage.user.clear()
    app.storage.user[USER_KEY] = user_id


def sign_out() -> None:
    app.storage.user.clear()


def still_signed_in(actor: Actor) -> bool:
    """Whether this browser is still signed in as `actor`: a log-out in another tab ends every open page."""
    return app.storage.user.get(USER_KEY) == actor.user_id


def to_login(path: str) -> RedirectResponse:
    return RedirectResponse(f'/login?next={quote(path, safe="")}')


def landing_path(actor: Actor) -> str:
    """Customers with Billing access land on it, vendor staff on Renewals, everyone else on the welcome page."""
    if actor.is_vendor:
        return '/vendor/renewals'
    if actor.organisation_id is not None and actor.can_view_billing(actor.organisation_id):
        return '/account/billing'
    return '/'
