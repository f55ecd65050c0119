"""The Admin Team's forms: change a pool's total or expiry, add a missing pool, convert a trial, bring a cancellation
forward. Each runs one domain action (see `admin_form.AdminForm`)."""

from datetime import date, timedelta

from nicegui import ui
from sqlmodel import Session

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.billing.licence_details import BillingView, PoolView
from dashboard.domain.deletion.requests import bring_deletion_forward
from dashboard.domain.formatting import format_date
from dashboard.domain.organisations.licence_admin import (
    MAX_NOTE,
    add_pool,
    change_pool_expiry,
    change_pool_total,
    convert_trial,
)
from dashboard.domain.vendor import Vendor
from dashboard.ui.backoffice.admin_form import AdminForm
from dashboard.ui.number_input import NumberInput


async def change_total(db: Database, actor: Actor, organisation_id: int, pool: PoolView) -> str | None:
    form = AdminForm(db, actor, f'Change the {pool.kind.label} total', 'Save total')
    with form.body:
        ui.label(f'{pool.in_use:,} of {pool.total:,} licences are in use; the total cannot go below that.') \
            .classes('text-grey-8')
        total = NumberInput('New total', value=pool.total, format='%d', step=1).props('outlined autofocus') \
            .classes('w-full').mark('total')
        note = _note()

    def save(session: Session, value: float, text: str) -> str:
        if change_pool_total(session=session, actor=actor, organisation_id=organisation_id, kind=pool.kind,
                             total=value, note=text):
            return f'{pool.kind.label} total changed from {pool.total:,} to {int(value):,}.'
        return f'The {pool.kind.label} total already was {pool.total:,}: nothing changed.'
    return await form.open(save, total, note)


async def change_expiry(db: Database, actor: Actor, organisation_id: int, pool: PoolView) -> str | None:
    form = AdminForm(db, actor, f'Change the {pool.kind.label} expiry date', 'Save expiry date')
    with form.body:
        ui.label(f'Now {format_date(pool.expiry_date)}.').classes('text-grey-8')
        expiry = ui.input('New expiry date', value=pool.expiry_date.isoformat() if pool.expiry_date else '') \
            .props('type=date outlined stack-label autofocus').classes('w-full').mark('expiry')
        note = _note()

    def save(session: Session, value: str, text: str) -> str:
        if change_pool_expiry(session=session, actor=actor, organisation_id=organisation_id, kind=pool.kind,
                              expiry=value, note=text):
            return f'{pool.kind.label} licences now expire on {format_date(_day(value))}.'
        return f'The {pool.kind.label} expiry date already was {format_date(pool.expiry_date)}.'
    return await form.open(save, expiry, note)


async def add_licences(db: Database, actor: Actor, organisation_id: int, pool: PoolView,
                       subscription_end: date) -> str | None:
    """The new pool runs to the subscription end by default, or for a year where that has passed."""
    today = clock.today()
    suggested = subscription_end if subscription_end > today else today + timedelta(days=365)
    form = AdminForm(db, actor, f'Add {pool.kind.label} licences', f'Add {pool.kind.label} licences')
    with form.body:
        ui.label(f'This organisation has no {pool.kind.label} licences yet.').classes('text-grey-8')
        total = NumberInput('Licences', value=None, format='%d', step=1).props('outlined autofocus') \
            .classes('w-full').mark('total')
        expiry = ui.input('Expiry date', value=suggested.isoformat()).props('type=date outlined stack-label') \
            .classes('w-full').mark('expiry')
        note = _note()

    def save(session: Session, count: float, day: str, text: str) -> str:
        add_pool(session=session, actor=actor, organisation_id=organisation_id, kind=pool.kind, total=count,
                 expiry=day, note=text)
        return f'{int(count):,} {pool.kind.label} licences added, expiring on {format_date(_day(day))}.'
    return await form.open(save, total, expiry, note)


async def convert(db: Database, actor: Actor, view: BillingView) -> str | None:
    form = AdminForm(db, actor, f'Convert {view.name} to a paid account', 'Convert to paid')
    with form.body:
        ui.label(f'The trial runs until {format_date(view.subscription_end)}.').classes('text-grey-8')
        end = ui.input('Subscription runs until', value=(clock.today() + timedelta(days=365)).isoformat()) \
            .props('type=date outlined stack-label autofocus').classes('w-full').mark('subscription-end')
        extend = ui.checkbox('Move licence expiry dates that are earlier to the new subscription end', value=True) \
            .mark('extend')
        note = _note()

    def save(session: Session, day: str, move: bool, text: str) -> str:
        convert_trial(session=session, actor=actor, organisation_id=view.organisation_id, subscription_end=day,
                      extend_pools=bool(move), note=text)
        return f'{view.name} is now a paid account until {format_date(_day(day))}.'
    return await form.open(save, end, extend, note)


async def bring_forward(db: Database, actor: Actor, organisation_id: int, vendor: Vendor,
                        effective_date: date) -> str | None:
    """The seed's "completed sooner": an earlier effective date, from today on; the contacts are told."""
    today = clock.today()
    form = AdminForm(db, actor, 'Bring the cancellation forward', 'Bring forward')
    with form.body:
        ui.label(f'The cancellation now takes effect at the end of {format_date(effective_date)}. Choose an '
                 f'earlier day, from today on: the cancellation starts once that day has ended, and the '
                 f'organisation\'s contacts are emailed the new date.').classes('text-grey-8')
        new_date = ui.input('New effective date', value=today.isoformat()) \
            .props(f'type=date outlined stack-label autofocus min={today.isoformat()} '
                   f'max={(effective_date - timedelta(days=1)).isoformat()}').classes('w-full').mark('effective-date')

    def save(session: Session, value: str) -> str:
        request = bring_deletion_forward(session=session, actor=actor, organisation_id=organisation_id,
                                         effective_date=value, vendor=vendor)
        return f'The cancellation now takes effect at the end of {format_date(request.effective_date)}; the ' \
               f'contacts are notified.'
    return await form.open(save, new_date)


def _note() -> ui.input:
    """The last field of a form that changes licences: why, for the licence history."""
    return ui.input('Note for the licence history (optional)', placeholder='e.g. Order PO-10442') \
        .props(f'outlined maxlength={MAX_NOTE}').classes('w-full').mark('note')


def _day(value: str) -> date:
    return date.fromisoformat(value)
