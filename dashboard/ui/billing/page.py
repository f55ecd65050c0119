"""Account > Billing: the customer's page, and the landing page that sends each user where they belong."""

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from dashboard.db import Database
from dashboard.domain.vendor import Vendor
from dashboard.ui.billing.licence_request_dialog import open_licence_request_dialog
from dashboard.ui.billing.view import BillingTabs
from dashboard.ui.cards import notice_card
from dashboard.ui.paths import BILLING_PATH, HOME_PATH, RENEWALS_PATH
from dashboard.ui.session import SignedIn, landing_path, refuse_if_signed_out, signed_in, to_login
from dashboard.ui.theme import frame


def register(db: Database, vendor: Vendor) -> None:
    @ui.page(HOME_PATH, title='Web Portal')
    async def home_page() -> RedirectResponse | None:
        who = await signed_in(db)
        if who is None:
            return to_login(HOME_PATH)
        if landing_path(who.actor) != HOME_PATH:
            return RedirectResponse(landing_path(who.actor))
        with frame(who, 'Welcome'):
            _no_billing_access(who)
        return None

    @ui.page(BILLING_PATH, title='Billing')
    async def account_billing_page(request: Request) -> RedirectResponse | None:
        who = await signed_in(db)
        if who is None:
            return to_login(request.url.path + (f'?{request.url.query}' if request.url.query else ''))
        organisation_id = who.actor.organisation_id
        if organisation_id is None or not who.actor.can_view_billing(organisation_id):
            with frame(who, 'Billing'):
                _no_billing_access(who)
            return None
        with frame(who, 'Account › Billing', active=BILLING_PATH, on_buy_now=lambda: _buy_now(db, who, vendor)):
            await BillingTabs(db, who.actor, organisation_id, vendor, query=dict(request.query_params),
                              path=BILLING_PATH).show()
        return None


def _buy_now(db: Database, who: SignedIn, vendor: Vendor) -> None:
    assert who.actor.organisation_id is not None
    if refuse_if_signed_out(who.actor):
        return
    open_licence_request_dialog(db, who.actor, who.actor.organisation_id, vendor, purchase=True)


def _no_billing_access(who: SignedIn) -> None:
    with notice_card('You do not have access to Billing'):
        if who.actor.is_vendor:
            ui.label('Vendor staff see every organisation\'s Billing view in the back office.').classes('text-grey-8')
            ui.link('Go to Renewals', RENEWALS_PATH).classes('text-primary')
        else:
            ui.label('Billing is available to global admins, billing admins and viewers of your organisation. '
                     'Ask your global admin if you need access.').classes('text-grey-8')
