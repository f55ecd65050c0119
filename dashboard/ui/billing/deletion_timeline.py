"""Where a deletion request stands, as a timeline across the Billing page: requested, effective, cancellation started,
completed, personal data purged; under each step the emails sent for it, queued or sent."""

from dataclasses import dataclass, field
from datetime import date

from nicegui import ui

from dashboard.domain.deletion.progress import DeletionProgress, Notice
from dashboard.domain.formatting import format_date, format_timestamp
from dashboard.ui.cards import titled_card

DONE, NOW, LATER = 'done', 'now', 'later'
_ICONS = {DONE: ('check_circle', 'text-positive'), NOW: ('schedule', 'text-negative'),
          LATER: ('radio_button_unchecked', 'text-grey-5')}
_LINES = {DONE: 'bg-positive', NOW: 'bg-grey-4', LATER: 'bg-grey-4'}


@dataclass(frozen=True)
class Step:
    title: str
    when: str
    detail: str
    state: str
    notices: list[Notice] = field(default_factory=list)


def deletion_timeline(progress: DeletionProgress, *, today: date) -> ui.card:
    """A card of its own, the page's full width: five steps side by side (stacked on a narrow screen)."""
    steps = timeline_steps(progress, today=today)
    card = titled_card('Account deletion', 'event_busy', icon_colour='negative').classes('w-full') \
        .mark('deletion-timeline')
    with card, ui.element('ol').classes('w-full grid grid-cols-1 md:grid-cols-5 gap-x-2 gap-y-4 list-none p-0 m-0'):
        for position, step in enumerate(steps):
            _step(step, last=position == len(steps) - 1)
    return card


def timeline_steps(progress: DeletionProgress, *, today: date) -> list[Step]:
    started, completed, purged = progress.started_at, progress.completed_at, progress.purged_at
    if purged:
        purge = Step('Personal data purged', format_timestamp(purged), 'names, emails and phones removed', DONE)
    elif completed:
        purge = Step('Personal data purge', f'due {format_date(progress.purge_due_on)}',
                     f'no later than {format_date(progress.purge_deadline)}', NOW)
    else:
        purge = Step('Personal data purge', 'within 30 days after completion', 'names, emails and phones removed',
                     LATER)
    return [
        Step('Requested', format_timestamp(progress.requested_at), f'by {progress.requested_by}', DONE,
             progress.notices_of('requested_support', 'requested')),
        Step('Takes effect', format_date(progress.effective_date), _days_to(progress.effective_date, today),
             DONE if started else NOW, progress.notices_of('rescheduled')),
        Step('Cancellation starts',
             format_timestamp(started) if started else f'at the end of {format_date(progress.effective_date)}',
             'contacts told, then every user loses access', DONE if started else LATER,
             progress.notices_of('starting')),
        Step('Cancellation completed', format_timestamp(completed) if completed else 'right after it starts',
             'account closed, contacts told', DONE if completed else NOW if started else LATER,
             progress.notices_of('completed')),
        purge,
    ]


def _step(step: Step, *, last: bool) -> None:
    icon, colour = _ICONS[step.state]
    with ui.element('li').classes('flex flex-col gap-1 min-w-0').mark(f'step-{step.state}'):
        with ui.row().classes('w-full items-center gap-1 no-wrap'):
            ui.icon(icon, size='1.5rem').classes(f'{colour} shrink-0')
            if not last:
                ui.element('div').classes(f'grow h-[2px] rounded max-md:hidden {_LINES[step.state]}')
        ui.label(step.title).classes('font-semibold ' + ('text-grey-7' if step.state == LATER else 'text-grey-10'))
        ui.label(step.when).classes('text-sm text-grey-9')
        if step.detail:
            ui.label(step.detail).classes('text-sm text-grey-7')
        for notice in step.notices:
            _notice(notice)


def _notice(notice: Notice) -> None:
    if notice.sent and notice.sent_at:
        state, colour = f'sent {format_timestamp(notice.sent_at)}', 'text-positive'
    elif notice.status == 'failed':
        state, colour = 'not delivered', 'text-negative'
    else:
        state, colour = f'queued {format_timestamp(notice.queued_at)}', 'text-grey-7'
    with ui.row().classes('items-start gap-1 no-wrap text-xs mt-1').mark('notice'):
        ui.icon('mail', size='0.95rem').classes('text-grey-7 shrink-0 mt-[1px]')
        with ui.column().classes('gap-0 min-w-0'):
            ui.label(notice.label).classes('text-grey-9')
            ui.label(state).classes(colour)


def _days_to(day: date, today: date) -> str:
    days = (day - today).days
    if days > 1:
        return f'in {days} days'
    if days == 1:
        return 'tomorrow'
    return 'today' if days == 0 else 'date reached'
