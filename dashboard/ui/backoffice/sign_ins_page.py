"""Back office, Admin Team only: a person's sign-in log found by email (with a reset of their two-factor sign-in,
for a lost phone), and the newest failures and locks."""

from fastapi import Request
from nicegui import ui

from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.accounts import MAX_EMAIL_LENGTH
from dashboard.domain.auth.models import SignInEvent
from dashboard.domain.auth.sign_in_log import find_user_for_sign_in_log, recent_sign_in_trouble
from dashboard.domain.errors import DomainError
from dashboard.domain.models import User
from dashboard.ui.auth.sign_in_log import sign_in_events_table, sign_in_log
from dashboard.ui.backoffice.access import backoffice_page
from dashboard.ui.backoffice.two_factor_reset import reset_two_factor_button
from dashboard.ui.io_bound import io_bound
from dashboard.ui.paths import SIGN_INS_PATH
from dashboard.ui.session import SignedIn, refuse_if_signed_out
from dashboard.ui.theme import frame


def register(db: Database) -> None:
    @backoffice_page(db, SIGN_INS_PATH, title='Sign-ins')
    async def sign_ins_page(who: SignedIn, request: Request) -> None:
        with frame(who, 'Sign-ins', active=SIGN_INS_PATH):
            try:
                trouble = await io_bound(_trouble, db, who.actor)
            except DomainError as error:
                with ui.card().classes('card p-6 max-w-xl'):
                    ui.label(str(error)).classes('text-grey-8').mark('refused')
                return
            await SignInSearch(db, who.actor).show()
            with ui.card().classes('card w-full p-4 gap-3').props('flat bordered'):
                ui.label('Newest failed sign-ins and locks').classes('text-lg font-medium')
                sign_in_events_table(trouble, with_email=True).mark('trouble')


class SignInSearch:
    """Find a person by email and show their log below."""

    def __init__(self, db: Database, actor: Actor) -> None:
        self.db = db
        self.actor = actor

    async def show(self) -> None:
        with ui.card().classes('card w-full p-4 gap-3').props('flat bordered'):
            ui.label('A person\'s sign-in log').classes('text-lg font-medium')
            with ui.row().classes('w-full items-start gap-3'):
                self.email = ui.input('Email', validation={
                    f'At most {MAX_EMAIL_LENGTH} characters': lambda value: len(value or '') <= MAX_EMAIL_LENGTH}) \
                    .props(f'outlined dense maxlength={MAX_EMAIL_LENGTH} type=email').classes('w-full max-w-md') \
                    .mark('email')
                self.email.on('keydown.enter', self.find)
                ui.button('Show sign-ins', icon='search', on_click=self.find).props('unelevated no-caps no-wrap') \
                    .mark('find')
            self.result = ui.column().classes('w-full gap-2')

    async def find(self) -> None:
        if refuse_if_signed_out(self.actor):
            return
        try:
            user = await io_bound(_find, self.db, self.actor, self.email.value or '')
        except DomainError as error:
            ui.notify(str(error), type='negative')
            return
        self.result.clear()
        with self.result:
            if user is None:
                ui.label('No user has that email.').classes('text-grey-8').mark('no-user')
                return
            assert user.id is not None
            with ui.row().classes('w-full items-center gap-3'):
                ui.label(f'{user.full_name} · {user.email}').classes('font-medium break-all').mark('found')
                if user.totp_enabled_at is not None:  # a lost phone: the Admin Team resets the second factor
                    reset_two_factor_button(self.db, self.actor, user_id=user.id, name=user.full_name,
                                            on_done=self.find)
            await sign_in_log(self.db, self.actor, user.id)


def _trouble(db: Database, actor: Actor) -> list[SignInEvent]:
    with db.session() as session:
        return recent_sign_in_trouble(session=session, actor=actor)


def _find(db: Database, actor: Actor, email: str) -> User | None:
    with db.session() as session:
        return find_user_for_sign_in_log(session=session, actor=actor, email=email)
