"""Back office: an organisation's people and whether each can sign in; the Admin Team invites those who cannot
(imported users have no password), one at a time or all at once."""

import logging
from collections.abc import Awaitable, Callable
from functools import partial

from nicegui import ui
from nicegui.events import GenericEventArguments
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from dashboard.config import get_settings
from dashboard.db import Database
from dashboard.domain.actor import Actor
from dashboard.domain.auth.invitations import (
    INVITATION_LIFETIME,
    MAX_PEOPLE_SHOWN,
    OrganisationPeople,
    PersonAccess,
    invite_everyone_without_password,
    invite_user,
)
from dashboard.domain.errors import DomainError
from dashboard.domain.formatting import format_timestamp
from dashboard.domain.vendor import Vendor
from dashboard.ui.backoffice.admin_form import AdminForm
from dashboard.ui.cards import titled_card
from dashboard.ui.io_bound import io_bound
from dashboard.ui.session import refuse_if_signed_out
from dashboard.ui.table_events import MAX_ID

log = logging.getLogger(__name__)
COLUMNS = [
    {'name': 'name', 'label': 'Person', 'field': 'name', 'align': 'left'},
    {'name': 'role', 'label': 'Role', 'field': 'role', 'align': 'left'},
    {'name': 'access', 'label': 'Sign-in', 'field': 'access', 'align': 'left'},
]
# The invite button sits under the person's sign-in state, so that the table fits a phone's width.
INVITE_BUTTON = '''
    <div v-if="props.row.invitable"><q-btn flat dense no-caps color="primary" icon="send" size="sm" class="-ml-1"
      :label="props.row.invited ? 'Invite again' : 'Invite'" @click="() => $parent.$emit('invite', props.row.id)" />
    </div>'''


Dialog = Callable[[], Awaitable[str | None]]
Work = Callable[[], str]  # runs on a worker thread; returns the confirmation to show


def people_card(db: Database, actor: Actor, organisation_id: int, vendor: Vendor, people: OrganisationPeople, *,
                reload: Callable[[], Awaitable[None]], action: Callable[[str, str, Dialog], ui.button]) -> None:
    """`action(label, icon, open_dialog)` makes the page's button that runs a dialog and reloads the page."""
    admin = actor.is_admin_team
    invitable = {person.user_id: person.name for person in people.people if person.may_be_invited}

    async def invite(event: GenericEventArguments) -> None:
        user_id = event.args
        if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id <= MAX_ID \
                or user_id not in invitable:
            return  # not a button this page offered: a forged event
        if refuse_if_signed_out(actor):
            return
        await _act(lambda: _invite_one(db, actor, vendor, user_id, invitable[user_id]), reload)

    with titled_card('People', 'group').classes('w-full').mark('people'):
        shown = f'the first {MAX_PEOPLE_SHOWN} of ' if people.count > len(people.people) else ''
        summary = f'{shown}{people.count:,} people; {people.without_password:,} cannot sign in yet (no password)'
        if people.without_password:
            summary += f', {people.without_password - people.not_invited:,} of them invited'
        with ui.row().classes('w-full items-center gap-2'):
            ui.label(summary[0].upper() + summary[1:] + '.').classes('text-grey-8 grow').mark('people-summary')
            if admin:
                action('Invite everyone without a password', 'forward_to_inbox',
                       partial(_confirm_invite_everyone, db, actor, vendor, organisation_id, people.not_invited)) \
                    .mark('invite-everyone').set_enabled(people.not_invited > 0)
        table = ui.table(columns=COLUMNS, row_key='id', rows=[_row(person) for person in people.people],
                         pagination={'rowsPerPage': 10, 'sortBy': None}) \
            .props('flat dense wrap-cells no-data-label="No people."').classes('w-full').mark('people-table')
        table.add_slot('body-cell-name', '''
            <q-td :props="props">
              <div>{{ props.value }}</div>
              <div class="text-xs text-grey-7 break-all">{{ props.row.email }}</div>
            </q-td>''')
        table.add_slot('body-cell-access', f'''
            <q-td :props="props">
              <q-badge :color="props.row.colour" :label="props.value" />
              <div v-if="props.row.invited" class="text-xs text-grey-7">{{{{ props.row.invited }}}}</div>
              {INVITE_BUTTON if admin else ''}
            </q-td>''')
        if admin:
            table.on('invite', invite)


def _row(person: PersonAccess) -> dict[str, object]:
    if not person.is_active:
        access, colour = 'Deactivated', 'grey-7'
    elif person.has_password:
        access, colour = 'Has a password', 'positive'
    else:
        access, colour = 'No password', 'warning'
    invited = f'Invited, link valid until {format_timestamp(person.invited_until)}' \
        if person.invited_until and person.may_be_invited else ''
    return {'id': person.user_id, 'name': person.name, 'email': person.email, 'role': person.role.label,
            'access': access, 'colour': colour, 'invited': invited, 'invitable': person.may_be_invited}


async def _act(work: Work, reload: Callable[[], Awaitable[None]]) -> None:
    try:
        message = await io_bound(work)
    except DomainError as error:
        ui.notify(str(error), type='negative')
    except SQLAlchemyError:
        log.exception('An invitation failed')
        ui.notify('The invitation could not be sent just now and nothing was changed: please try again.',
                  type='negative')
    else:
        ui.notify(message, type='positive')
    await reload()


def _invite_one(db: Database, actor: Actor, vendor: Vendor, user_id: int, name: str) -> str:
    with db.session() as session:
        expires = invite_user(session=session, actor=actor, user_id=user_id, public_url=get_settings().public_url,
                              vendor=vendor)
    return f'Invitation sent to {name}; the link works until {format_timestamp(expires)}.'


async def _confirm_invite_everyone(db: Database, actor: Actor, vendor: Vendor, organisation_id: int,
                                   count: int) -> str | None:
    form = AdminForm(db, actor, 'Invite everyone without a password', 'Send invitations')
    with form.body:
        who = '1 person of this organisation has' if count == 1 else f'{count:,} people of this organisation have'
        ui.label(f'{who} no password and no pending invitation. Each gets an '
                 'email with a link to choose a password, valid for '
                 f'{INVITATION_LIFETIME.days} days.').classes('text-grey-8')

    public_url = get_settings().public_url

    def save(session: Session) -> str:
        sent = invite_everyone_without_password(session=session, actor=actor, organisation_id=organisation_id,
                                                public_url=public_url, vendor=vendor)
        return f'{sent:,} invitations sent.' if sent != 1 else '1 invitation sent.'
    return await form.open(save)
