"""Turning on two-factor sign-in: the QR code and the key to type, the code that confirms them, and the recovery
codes shown once. Used on the Security page and, for the Admin Team, right after the password at sign-in."""

import re
from collections.abc import Awaitable, Callable
from io import BytesIO

import qrcode
import qrcode.image.svg
from nicegui import ui

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.totp import new_secret, provisioning_uri
from dashboard.domain.auth.two_factor import enable_two_factor
from dashboard.ui.auth.code_entry import CodeEntry, Handler, call, code_input
from dashboard.ui.client_address import client_address
from dashboard.ui.io_bound import io_bound
from dashboard.ui.paths import LOGIN_PATH
from dashboard.ui.refusal import Refusal

OnCodes = Callable[[list[str]], Awaitable[None] | None]
Check = Callable[[], bool]  # whether the page may still act (its browser still signed in)


def enrolment(db: Database, actor: Actor, *, on_enabled: OnCodes, may_act: Check = lambda: True) -> None:
    """The set-up form. The new secret lives only in this page until a code from the app confirms it."""
    secret = new_secret()
    uri = provisioning_uri(secret=secret, email=actor.email, issuer=get_settings().product_name)

    async def confirm() -> None:
        if not may_act():
            ui.navigate.to(LOGIN_PATH)
            return
        await entry.send(lambda typed: io_bound(_enable, db, actor, secret, typed, client_address()),
                         then=on_enabled)

    with ui.column().classes('gap-3 w-full').mark('enrolment'):
        ui.label('1. Scan this QR code with an authenticator app (for instance Google Authenticator, Microsoft '
                 'Authenticator, 1Password or Aegis).').classes('text-sm')
        ui.html(qr_svg(uri)).classes('qr-code self-center').props('role=img aria-label="QR code to scan"')
        ui.label('Cannot scan it? Add an account in the app by hand with this key (time-based):').classes('text-sm')
        ui.label(_grouped(secret)).classes('totp-secret font-mono text-base tracking-wide select-all break-words') \
            .mark('totp-secret')
        ui.label('2. Enter the 6-digit code the app shows for it:').classes('text-sm')
        with ui.row().classes('items-start gap-3 w-full'):
            code = code_input('Code from the app').mark('enrol-code').classes('w-48')
            button = ui.button('Turn on', on_click=confirm).props('unelevated no-caps').classes('mt-2')
        entry = CodeEntry(code, button, Refusal())
        code.on('keydown.enter', confirm)


def recovery_codes_panel(codes: list[str], *, on_done: Handler,
                         done_label: str = 'Done') -> None:
    """The codes, this once: to copy or download, with what they are for."""
    text = _codes_text(codes)

    with ui.column().classes('gap-3 w-full').mark('recovery-codes'):
        ui.label('Your recovery codes').classes('text-lg font-medium')
        ui.label('Each code signs you in once if you cannot use your authenticator app. Keep them somewhere safe: '
                 'they are shown only now.').classes('text-sm text-grey-8')
        with ui.grid().classes('grid-cols-1 sm:grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm p-3 bg-grey-2 rounded'):
            for code in codes:
                ui.label(code).classes('recovery-code whitespace-nowrap')
        with ui.row().classes('gap-2 items-center'):
            ui.button('Copy', icon='content_copy', on_click=lambda: _copy(text)).props('outline no-caps')
            ui.button('Download .txt', icon='download', on_click=lambda: ui.download.content(
                text, f'{get_settings().product_name}-recovery-codes.txt', 'text/plain')).props('outline no-caps')
            ui.button(done_label, on_click=lambda: call(on_done)).props('unelevated no-caps')


def qr_svg(data: str) -> str:
    """The QR code as inline SVG, drawn here: the secret never goes to a remote service."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index('<svg'):]
    return re.sub(r'width="[^"]*" height="[^"]*"', 'width="200" height="200"', svg, count=1)


def _enable(db: Database, actor: Actor, secret: str, code: str, address: str | None) -> list[str]:
    with db.session() as session:
        return enable_two_factor(session=session, actor=actor, secret=secret, code=code, client_address=address)


def _grouped(secret: str) -> str:
    return ' '.join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _codes_text(codes: list[str]) -> str:
    product = get_settings().product_name
    return f'{product} recovery codes: each works once.\n\n' + '\n'.join(codes) + '\n'


def _copy(text: str) -> None:
    ui.clipboard.write(text)
    ui.notify('Recovery codes copied.', type='positive')
