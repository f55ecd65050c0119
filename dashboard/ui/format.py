"""How the pages show the domain's rows: a table row's values under its columns' names, and the CSS classes that
highlight them. Dates, times and changes as emails also write them are the domain's (`domain.formatting`)."""

from datetime import datetime

from dashboard.domain.billing.licence_details import EXPIRY_WARNING_DAYS
from dashboard.domain.formatting import format_change, format_date, format_timestamp
from dashboard.domain.history.query import HistoryRow
from dashboard.domain.mail.outbox_view import OutboxRow
from dashboard.domain.models import LicenceKind, OutboxStatus
from dashboard.domain.organisations.listing import OrganisationRow, PoolFigures
from dashboard.domain.renewals.pipeline import RenewalRow

STATUS_COLOURS = {OutboxStatus.PENDING: 'grey-7', OutboxStatus.SENDING: 'primary', OutboxStatus.SENT: 'positive',
                  OutboxStatus.FAILED: 'negative'}


def renewal_row(row: RenewalRow) -> dict[str, str | int | bool]:
    """A row of the Renewals table; `days_class` is how its days left are highlighted, `region_short` the region
    shown (the full name on hover)."""
    return {'id': f'{row.organisation_id}:{row.kind.value}', 'organisation_id': row.organisation_id,
            'name': row.name, 'serial': row.serial_number, 'account_type': row.account_type.value,
            'region': row.region.label, 'region_short': row.region.short_label, 'kind': row.kind.label,
            'expiry': format_date(row.expiry_date), 'days_left': days_left_text(row.days_left),
            'days_class': days_class(row.days_left), 'licences': f'{row.in_use:,} / {row.total:,}',
            'utilisation': f'{row.utilisation} %', 'deletion': row.deletion_pending, 'contact': row.main_contact or ''}


def history_row(row: HistoryRow) -> dict[str, str | int]:
    """A row of the Licence history table."""
    return {'id': row.id, 'date': format_timestamp(row.occurred_at),
            'action': row.action.label, 'kind': row.kind.label if row.kind else '',
            'change': format_change(row.old_value, row.new_value), 'actor': row.actor, 'note': row.note or ''}


def organisation_row(row: OrganisationRow) -> dict[str, str | int]:
    """A row of the Organisations table: what is waiting on the vendor under `attention`."""
    waiting = ['Deletion pending' if row.deletion_pending else '',
               _counted(row.open_licence_requests, 'licence request') if row.open_licence_requests else '']
    return {'id': row.id, 'name': row.name, 'serial': row.serial_number, 'type': row.account_type.value,
            'region': row.region.short_label, 'region_label': row.region.label,
            'managed_agent': pool_usage(row.pools[LicenceKind.MANAGED_AGENT]),
            'on_demand': pool_usage(row.pools[LicenceKind.ON_DEMAND]), 'end': format_date(row.subscription_end),
            'contact': row.main_contact or '—', 'attention': ', '.join(filter(None, waiting))}


def pool_usage(pool: PoolFigures) -> str:
    """`128 / 150` licences in use of the total; a dash where the organisation has no such pool."""
    return f'{pool.in_use:,} / {pool.total:,}' if pool.expiry_date else '—'


def outbox_row(row: OutboxRow) -> dict[str, str | int]:
    """A row of the Outbox table; times on two lines for a narrow column, `next` only for an email being retried."""
    retrying = row.status == OutboxStatus.PENDING and row.attempts > 0
    return {'id': row.id, 'to': row.to_address.replace(', ', '\n'), 'subject': row.subject,
            'kind': row.kind.replace('_', ' '), 'status': row.status.value,
            'status_colour': STATUS_COLOURS.get(row.status, 'grey-7'), 'attempts': row.attempts,
            'error': row.last_error or '', 'created': two_lines(row.created_at),
            'sent': two_lines(row.sent_at) if row.sent_at else '',
            'next': two_lines(row.next_attempt_at) if retrying else ''}


def days_left_text(days: int, *, full: bool = False) -> str:
    """How far away an expiry date is: `12 days`, `Today`, `3 days ago` under a "Days left" heading; `full` says it
    on its own: `12 days left`, `Expires today`, `Expired 3 days ago`."""
    if days == 0:
        return 'Expires today' if full else 'Today'
    span = _counted(abs(days), 'day')
    if days < 0:
        return f'Expired {span} ago' if full else f'{span} ago'
    return f'{span} left' if full else span


def days_class(days: int) -> str:
    """The CSS class that highlights days left: expired, within the warning days, or further away."""
    return 'days-expired' if days < 0 else 'days-warning' if days <= EXPIRY_WARNING_DAYS else 'days-ok'


def two_lines(value: datetime) -> str:
    """`5 Mar 2027` over `14:03 UTC`: a narrow column."""
    return f'{format_date(value.date())}\n{value:%H:%M} UTC'


def _counted(count: int, noun: str) -> str:
    return f'{count} {noun}{"" if count == 1 else "s"}'
