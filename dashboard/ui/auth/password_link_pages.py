"""The pages behind the emailed links: "Forgot password?" asks for a reset link, and `/set-password` turns a reset
or invitation link into a password. Neither needs anyone signed in, and neither says whether an account exists."""

import logging

from fastapi import Request
from nicegui import background_tasks, ui

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.auth.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from dashboard.domain.auth.links import LinkNotValid, check_link, request_password_reset, use_link
from dashboard.domain.auth.models import AccountLinkPurpose
from dashboard.domain.errors import DomainError
from dashboard.domain.vendor import Vendor
from dashboard.ui.cards import public_card
from dashboard.ui.client_address import request_address
from dashboard.ui.io_bound import io_bound
from dashboard.ui.paths import FORGOT_PASSWORD_PATH, LOGIN_PATH, SET_PASSWORD_PATH
from dashboard.ui.refusal import Refusal
from dashboard.ui.session import sign_out

log = logging.getLogger(__name__)
RESET_ANSWER = 'If an account exists for that email, we have sent a link to reset the password. It works for 1 hour.'
PASSWORD_SET_QUERY = 'password_set'
PASSWORD_SET = 'Your password is set. Log in with it now.'
MAX_EMAIL = 320


def register(db: Database, vendor: Vendor) -> None:
    @ui.page(FORGOT_PASSWORD_PATH, title='Forgot password')
    def forgot_password_page(request: Request) -> None:
        forgot_password_form(db, vendor, client_address=request_address(request))

    @ui.page(SET_PASSWORD_PATH, title='Choose a password')
    async def set_password_page(request: Request, token: str = '') -> None:
        await set_password_form(db, token=token, client_address=request_address(request))


def forgot_password_form(db: Database, vendor: Vendor, *, client_address: str | None) -> None:
    public_url = get_settings().public_url

    def send() -> None:
        typed = (email.value or '').strip()
        if not typed or '@' not in typed or len(typed) > MAX_EMAIL:
            email.props('error error-message="Enter the email address you log in with."')
            return
        email.props(remove='error error-message')
        # The answer never waits for the work, so that it comes as fast whether the account exists or not.
        background_tasks.create(io_bound(_request_reset, db, vendor, typed, public_url, client_address),
                                name='password reset request')
        answer.set_visibility(True)
        email.set_value('')

    with public_card('Forgot your password?'):
        ui.label('Enter the email address you log in with: we will send you a link to choose a new password.') \
            .classes('text-grey-8')
        with ui.column().classes('w-full gap-3') as form:
            email = ui.input('Email').mark('email').props(f'type=email autocomplete=username outlined '
                                                          f'maxlength={MAX_EMAIL}').classes('w-full')
            answer = ui.label(RESET_ANSWER).classes('text-positive text-sm').props('role=status').mark('answer')
            answer.set_visibility(False)
            ui.button('Send link', on_click=send).classes('w-full').props('unelevated')
        form.on('keydown.enter', send)
        ui.link('Back to log in', LOGIN_PATH).classes('text-primary text-sm')


def _request_reset(db: Database, vendor: Vendor, email: str, public_url: str, client_address: str | None) -> None:
    try:
        with db.session() as session:
            request_password_reset(session=session, email=email, public_url=public_url, client_address=client_address,
                                   vendor=vendor)
    except Exception:  # off the request path: nobody to tell but the log (which gets no email and no token)
        log.exception('A password reset request failed')


async def set_password_form(db: Database, *, token: str, client_address: str | None) -> None:
    ui.add_head_html('<meta name="referrer" content="no-referrer">')
    purpose = await io_bound(_check, db, token)
    invitation = purpose is AccountLinkPurpose.INVITATION
    with public_card('Choose your password' if invitation else 'Choose a new password'):
        if purpose is None:
            _link_not_valid()
            return

        async def save() -> None:
            error.hide()
            first, second = password.value or '', again.value or ''
            button.props('loading')
            try:
                await io_bound(_use, db, token, first, second, client_address)
            except LinkNotValid as refused:
                error.say(str(refused))
                form.set_visibility(False)
            except DomainError as refused:
                error.say(str(refused))
            except Exception:
                log.exception('Setting a password from a link failed')
                error.say('The password could not be set just now and nothing was changed: please try again.')
            else:
                await sign_out()  # whoever this browser was signed in as, the next step is to log in as this person
                ui.navigate.to(f'{LOGIN_PATH}?{PASSWORD_SET_QUERY}=1')
                return
            finally:
                button.props(remove='loading')

        with ui.column().classes('w-full gap-3') as form:
            ui.label(f'At least {MIN_PASSWORD_LENGTH} characters. The link works once.').classes('text-grey-8')
            password = ui.input('New password', password=True, password_toggle_button=True).mark('password') \
                .props(f'autocomplete=new-password outlined maxlength={MAX_PASSWORD_LENGTH}').classes('w-full')
            again = ui.input('Repeat the new password', password=True).mark('password-again') \
                .props(f'autocomplete=new-password outlined maxlength={MAX_PASSWORD_LENGTH}').classes('w-full')
            button = ui.button('Set password', on_click=save).classes('w-full').props('unelevated')
            form.on('keydown.enter', save)
        error = Refusal().mark('error')


def _link_not_valid() -> None:
    ui.label(LinkNotValid().args[0]).classes('text-negative').props('role=alert').mark('error')
    ui.link('Ask for a new link', FORGOT_PASSWORD_PATH).classes('text-primary text-sm')


def _check(db: Database, token: str) -> AccountLinkPurpose | None:
    with db.session() as session:
        try:
            return check_link(session=session, token=token)
        except LinkNotValid:
            return None


def _use(db: Database, token: str, password: str, again: str, client_address: str | None) -> None:
    with db.session() as session:
        use_link(session=session, token=token, password=password, password_again=again, client_address=client_address)
