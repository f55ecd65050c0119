"""Where a deletion request stands, as a timeline: requested, effective, started, completed, personal data purged;
under each step the notices sent for it, queued or sent."""

from datetime import date

from nicegui import ui

from ..domain.deletion_progress import DeletionProgress, Notice
from ..domain.formatting import format_date, format_timestamp

DONE, NOW, LATER = 'done', 'now', 'later'
_LOOK = {DONE: ('check_circle', 'positive'), NOW: ('schedule', 'negative'), LATER: ('radio_button_unchecked', 'grey-5')}


def deletion_timeline(progress: DeletionProgress, *, today: date) -> None:
    started, completed, purged = progress.started_at, progress.completed_at, progress.purged_at
    with ui.timeline(side='right', layout='dense').classes('w-full deletion-timeline').mark('deletion-timeline'):
        _step('Requested', format_timestamp(progress.requested_at), f'by {progress.requested_by}', DONE,
              progress.notices_of('requested', 'requested_support'))
        _step('Takes effect', format_date(progress.effective_date), _days_to(progress.effective_date, today),
              DONE if started else NOW, progress.notices_of('rescheduled'))
        _step('Cancellation starts', format_timestamp(started) if started else 'on the effective date',
              'contacts notified, then every user loses access', DONE if started else LATER,
              progress.notices_of('starting'))
        _step('Cancellation completed', format_timestamp(completed) if completed else 'once access is closed',
              'the account is cancelled; contacts notified', DONE if completed else NOW if started else LATER,
              progress.notices_of('completed'))
        if purged:
            _step('Personal data purged', format_timestamp(purged), 'names, emails and phones removed', DONE, [])
        elif completed and progress.purge_due_on:
            _step('Personal data purge', f'due {format_date(progress.purge_due_on)}',
                  f'no later than {format_date(progress.purge_deadline)}', NOW, [])
        else:
            _step('Personal data purge', 'within 30 days after completion', '', LATER, [])


def _step(title: str, when: str, detail: str, state: str, notices: list[Notice]) -> None:
    icon, colour = _LOOK[state]
    with ui.timeline_entry(icon=icon, color=colour).classes(f'deletion-step deletion-step-{state}') \
            .mark(f'step-{state}'):
        with ui.row().classes('items-baseline gap-x-2 gap-y-0'):
            ui.label(title).classes('font-semibold text-grey-10' if state != LATER else 'font-semibold text-grey-7')
            ui.label(when).classes('text-sm text-grey-8')
        if detail:
            ui.label(detail).classes('text-grey-8 text-sm')
        for notice in notices:
            _notice(notice)


def _notice(notice: Notice) -> None:
    if notice.sent and notice.sent_at:
        state, colour = f'sent {format_timestamp(notice.sent_at)}', 'text-positive'
    elif notice.status == 'failed':
        state, colour = 'not delivered', 'text-negative'
    else:
        state, colour = f'queued {format_timestamp(notice.queued_at)}', 'text-grey-7'
    with ui.row().classes('items-center gap-1 no-wrap text-sm').mark('notice'):
        ui.icon('mail', size='1rem').classes('text-grey-7 shrink-0')
        ui.label(notice.label).classes('text-grey-9')
        ui.label(f'· {state}').classes(colour)


def _days_to(day: date, today: date) -> str:
    days = (day - today).days
    if days > 1:
        return f'in {days} days'
    if days == 1:
        return 'tomorrow'
    if days == 0:
        return 'today'
    return 'date reached'
