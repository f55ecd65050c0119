"""Back office: Usage overview: headline figures, utilisation gauges and charts, trials ending soon; kept live."""

from datetime import timedelta

from fastapi import Request
from nicegui import ui

from dashboard.db import Database
from dashboard.domain import clock
from dashboard.domain.actor import Actor
from dashboard.domain.formatting import format_date, format_timestamp
from dashboard.domain.models import LicenceKind
from dashboard.domain.organisations.account_types import AccountType
from dashboard.domain.usage.overview import (
    TRIAL_DAYS_AHEAD,
    TRIALS_LISTED,
    KindUsage,
    TrialEnding,
    UsageOverview,
    usage_overview,
)
from dashboard.ui.backoffice.access import backoffice_page
from dashboard.ui.backoffice.overview_charts import MEASURES, distribution_figure, expiry_figure, organisations_figure
from dashboard.ui.billing.history_chart import KIND_COLOURS
from dashboard.ui.cards import titled_card
from dashboard.ui.io_bound import io_bound
from dashboard.ui.live import follow_changes
from dashboard.ui.paths import OVERVIEW_PATH, organisation_path
from dashboard.ui.session import SignedIn
from dashboard.ui.theme import frame

FIGURES = {  # the headline cards: key, title, icon, colour
    'organisations': ('Organisations', 'apartment', 'primary'),
    'active': (AccountType.ACTIVE, 'verified', 'positive'),
    'trial': (AccountType.TRIAL, 'hourglass_top', 'accent'),
    'expired': (AccountType.EXPIRED, 'event_busy', 'negative'),
    'sold': ('Licences sold', 'key', 'primary'),
    'in_use': ('Licences in use', 'devices', 'primary'),
}
TRIAL_COLUMNS: list[dict[str, object]] = [
    {'name': 'name', 'label': 'Account name / serial number', 'field': 'name', 'align': 'left', 'sortable': True},
    {'name': 'region', 'label': 'Region', 'field': 'region', 'align': 'left'},
    {'name': 'ends', 'label': 'Trial ends', 'field': 'ends', 'align': 'left', 'classes': 'whitespace-nowrap'},
    {'name': 'days_left', 'label': 'Days left', 'field': 'days_left', 'align': 'left', 'sortable': True,
     'classes': 'whitespace-nowrap'},
    {'name': 'managed_agent', 'label': 'Managed Agent in use', 'field': 'managed_agent', 'align': 'right',
     'classes': 'whitespace-nowrap'},
    {'name': 'on_demand', 'label': 'On-demand in use', 'field': 'on_demand', 'align': 'right',
     'classes': 'whitespace-nowrap'},
    {'name': 'contact', 'label': 'Main contact', 'field': 'contact', 'align': 'left'},
]


def register(db: Database) -> None:
    @backoffice_page(db, OVERVIEW_PATH, title='Usage overview')
    async def page(who: SignedIn, request: Request) -> None:
        with frame(who, 'Usage overview', active=OVERVIEW_PATH):
            overview = OverviewBoard(db, who.actor)
            await overview.load()
            overview.show()
            follow_changes(db, lambda _changed: overview.reload())


class OverviewBoard:
    """Built once; a change elsewhere (the Admin Team changing licences, a trial converted) re-reads the figures
    and updates every card, gauge, chart and row in place."""

    def __init__(self, db: Database, actor: Actor) -> None:
        self.db = db
        self.actor = actor
        self.overview: UsageOverview | None = None
        self.read_at = clock.now()
        self.loading = False
        self.stale = False

    async def load(self) -> None:
        self.overview = await io_bound(self._read)
        self.read_at = clock.now()

    def _read(self) -> UsageOverview:
        with self.db.session() as session:
            return usage_overview(session=session, actor=self.actor)

    async def reload(self) -> None:
        """Changes that arrive while reading make one more read, not one each."""
        self.stale = True
        if self.loading:
            return
        self.loading = True
        try:
            while self.stale:
                self.stale = False
                await self.load()
                self.update()
        finally:
            self.loading = False

    def show(self) -> None:
        self.as_of = ui.label().classes('text-sm text-grey-7 -mt-3')
        with ui.element('div').classes('w-full grid gap-4 grid-cols-2 md:grid-cols-3 xl:grid-cols-6'):
            self.figures = {key: _FigureCard(key, *look) for key, look in FIGURES.items()}
        with ui.row().classes('w-full gap-4 items-stretch'):
            with titled_card('Licence utilisation', 'speed').classes('flex-1 min-w-[340px]'):
                self.gauges = {kind: _Gauge(kind) for kind in LicenceKind}
                ui.space()
                ui.label('Sold: licences of paid accounts that have not expired (expiry date today or later). '
                         'Trial licences are counted apart.').classes('text-xs text-grey-7')
            with titled_card('Organisations by account type and region', 'public').classes('flex-[3] min-w-[420px]'):
                self.organisations = ui.plotly({}).classes('w-full h-72')
        with ui.row().classes('w-full gap-4 items-stretch'):
            with titled_card('Utilisation of paid accounts', 'equalizer').classes('flex-1 min-w-[420px]'):
                with ui.grid(columns=2).classes('w-full gap-x-8 gap-y-1'):
                    self.usage_groups = {kind: _UsageGroups(kind) for kind in LicenceKind}
                self.distribution = ui.plotly({}).classes('w-full h-80')
            with titled_card('Licences expiring per month', 'event_repeat').classes('flex-1 min-w-[420px]'):
                with ui.row().classes('w-full items-center no-wrap'):
                    self.expiry_span = ui.label().classes('text-sm text-grey-8')
                    ui.space()
                    self.measure = ui.toggle(MEASURES, value='licences', on_change=self._update_expiry) \
                        .props('dense no-caps unelevated toggle-color=primary').mark('expiry-measure')
                self.expiry = ui.plotly({}).classes('w-full h-80')
        with titled_card(f'Trials ending in the next {TRIAL_DAYS_AHEAD} days', 'hourglass_bottom').classes('w-full'):
            self.trial_count = ui.label().classes('text-sm text-grey-8')
            self.trials = ui.table(columns=TRIAL_COLUMNS, rows=[], row_key='id', pagination=10) \
                .classes('w-full cursor-pointer').props('flat wrap-cells').mark('trials')
            self.trials.add_slot('body-cell-name', '''
                <q-td :props="props">
                  <a :href="props.row.href" class="text-primary font-medium" @click.stop>{{ props.value }}</a>
                  <div class="text-xs text-grey-7">{{ props.row.serial }}</div>
                </q-td>''')
            self.trials.add_slot('body-cell-days_left', '''
                <q-td :props="props">
                  <span :class="props.value <= 3 ? 'days-expired' : 'days-warning'">{{ props.row.days_text }}</span>
                </q-td>''')
            self.trials.add_slot('body-cell-contact', '''
                <q-td :props="props">
                  <div>{{ props.value }}</div><div class="text-xs text-grey-7">{{ props.row.email }}</div>
                </q-td>''')
            self.trials.on('row-click', lambda e: ui.navigate.to(organisation_path(int(e.args[1]['id']))))
            with ui.row().classes('w-full items-center gap-3 p-4 text-grey-7') as self.no_trials:
                ui.icon('event_available', size='1.6rem')
                ui.label(f'No trials end in the next {TRIAL_DAYS_AHEAD} days.')
        self.update()

    def update(self) -> None:
        overview = self.overview
        assert overview is not None
        self.as_of.text = (f'As of {format_timestamp(self.read_at)}; updates by itself as licences and accounts '
                           'change.')
        self._update_figures(overview)
        for kind, gauge in self.gauges.items():
            gauge.update(overview.kinds[kind])
        self.organisations.update_figure(organisations_figure(overview))
        for kind, groups in self.usage_groups.items():
            groups.update(overview.kinds[kind])
        months = overview.expiring
        self.expiry_span.text = (f'Paid accounts, {format_date(overview.today)} to the end of '
                                 f'{months[-1].month:%B %Y}') if months else ''
        self.distribution.update_figure(distribution_figure(overview))
        self._update_expiry()
        self._update_trials(overview)

    def _update_figures(self, overview: UsageOverview) -> None:
        total = overview.organisations_total
        sold = sum(usage.sold for usage in overview.kinds.values())
        in_use = sum(usage.in_use for usage in overview.kinds.values())
        active = overview.organisations_of(AccountType.ACTIVE)
        figures = {
            'organisations': (total, ' · '.join(f'{overview.organisations[region].sum():,} {region.upper()}'
                                                for region in overview.organisations.columns)),
            'active': (active, _share(active, total, 'of organisations')),
            'trial': (overview.organisations_of(AccountType.TRIAL),
                      f'{overview.trials_ending_count:,} end within {TRIAL_DAYS_AHEAD} days'),
            'expired': (overview.organisations_of(AccountType.EXPIRED), 'subscription period ended'),
            'sold': (sold, 'paid licences not yet expired, both kinds'),
            'in_use': (in_use, _share(in_use, sold, 'of licences sold')),
        }
        for key, (value, caption) in figures.items():
            self.figures[key].value.text = f'{value:,}'
            self.figures[key].caption.text = caption

    def _update_expiry(self) -> None:
        assert self.overview is not None
        self.expiry.update_figure(expiry_figure(self.overview, self.measure.value or 'licences'))

    def _update_trials(self, overview: UsageOverview) -> None:
        count = overview.trials_ending_count
        last_day = format_date(overview.today + timedelta(days=TRIAL_DAYS_AHEAD))
        listed = f'; the {TRIALS_LISTED} soonest are listed' if count > TRIALS_LISTED else ''
        self.trial_count.text = (f'{count:,} {"trial ends" if count == 1 else "trials end"} by {last_day}{listed}. '
                                 'Click a row to open the organisation.')
        self.trial_count.set_visibility(count > 0)
        self.trials.update_rows([_trial_row(trial) for trial in overview.trials_ending])
        self.trials.set_visibility(count > 0)
        self.no_trials.set_visibility(count == 0)


class _Gauge:
    """In use of sold for one licence kind, as the circular gauges of the Billing page, in the kind's colour."""

    def __init__(self, kind: LicenceKind) -> None:
        with ui.row().classes('w-full items-center gap-4 no-wrap py-1'):
            self.progress = ui.circular_progress(0, show_value=False, size='96px', color=KIND_COLOURS[kind]) \
                .props('thickness=0.2 track-color=grey-3').mark(f'gauge-{kind.value}')
            with self.progress:
                self.percent = ui.label().classes('text-lg font-semibold text-grey-9')
            with ui.column().classes('gap-0'):
                ui.label(f'{kind.label} licences').classes('font-medium text-grey-9')
                self.used = ui.label().classes('field-value')
                self.accounts = ui.label().classes('text-sm text-grey-7')
                self.trial = ui.label().classes('text-sm text-grey-7')

    def update(self, usage: KindUsage) -> None:
        share = usage.utilisation
        self.progress.value = share or 0
        self.progress.props(f'aria-label="{usage.in_use} of {usage.sold} in use"')
        self.percent.text = '—' if share is None else f'{share:.0%}'
        self.used.text = f'{usage.in_use:,} in use of {usage.sold:,} sold' if usage.sold else 'No licences sold'
        self.accounts.text = f'{usage.accounts:,} paid {_accounts(usage.accounts)}'
        self.trial.text = f'Trials: {usage.trial_in_use:,} in use of {usage.trial_total:,}'


class _UsageGroups:
    """The distribution's two headline numbers for one licence kind."""

    def __init__(self, kind: LicenceKind) -> None:
        with ui.column().classes('gap-0'):
            with ui.row().classes('items-center gap-2'):
                ui.element('span').classes('inline-block w-3 h-3 rounded-sm') \
                    .style(f'background: {KIND_COLOURS[kind]}')
                ui.label(kind.label).classes('text-sm font-medium text-grey-9')
            self.near_limit = ui.label().classes('text-sm text-red-9').mark(f'near-limit-{kind.value}')
            self.barely_used = ui.label().classes('text-sm text-grey-8').mark(f'barely-used-{kind.value}')

    def update(self, usage: KindUsage) -> None:
        self.near_limit.text = f'{usage.near_limit:,} {_accounts(usage.near_limit)} at or near the limit (95%+)'
        self.barely_used.text = f'{usage.barely_used:,} {_accounts(usage.barely_used)} use under 20%'


class _FigureCard:
    """A headline figure: its title, the number, and a line that explains it."""

    def __init__(self, key: str, title: str, icon: str, colour: str) -> None:
        with ui.card().classes('card p-4 gap-1').props('flat bordered'):
            with ui.row().classes('items-center gap-2 no-wrap'):
                ui.icon(icon, color=colour, size='1.2rem')
                ui.label(title).classes('field-label')
            self.value = ui.label('—').classes('text-3xl font-semibold text-grey-9').mark(f'figure-{key}')
            self.caption = ui.label().classes('text-xs text-grey-7')


def _trial_row(trial: TrialEnding) -> dict:
    def use(kind: LicenceKind) -> str:
        return f'{trial.in_use[kind]:,} of {trial.total[kind]:,}' if trial.total[kind] else '—'
    days = trial.days_left
    return {'id': trial.organisation_id, 'href': organisation_path(trial.organisation_id), 'name': trial.name,
            'serial': trial.serial_number, 'region': trial.region.label, 'ends': format_date(trial.ends_on),
            'days_left': days, 'days_text': 'Ends today' if days == 0 else f'{days} day{"s" if days != 1 else ""}',
            'managed_agent': use(LicenceKind.MANAGED_AGENT), 'on_demand': use(LicenceKind.ON_DEMAND),
            'contact': trial.contact_name or '—', 'email': trial.contact_email or ''}


def _share(part: int, whole: int, of: str) -> str:
    return f'{part / whole:.0%} {of}' if whole else f'none {of}'


def _accounts(n: int) -> str:
    return 'account' if n == 1 else 'accounts'
