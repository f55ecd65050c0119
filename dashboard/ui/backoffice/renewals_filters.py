"""The Renewals page's filters card: the horizon and the buttons beside it, what the link asked for and could not
have, and the region, account type, licence type, utilisation and search inputs."""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from nicegui import ui

from dashboard.domain.models import LicenceKind, Region
from dashboard.domain.paging import search_text
from dashboard.domain.renewals.pipeline import ACCOUNT_TYPES, HORIZONS, RenewalsFilter
from dashboard.ui.number_input import NumberInput

ALL = ''


class RenewalsFilterBar:
    """Every change a person makes to an input is told to `on_change`; `chosen` reads what the inputs ask for."""

    def __init__(self, shown: RenewalsFilter, *, on_change: Callable[[], Awaitable[None]],
                 on_next_month: Callable[[], Awaitable[None]], on_clear: Callable[[], Awaitable[None]],
                 on_export: Callable[[], None]) -> None:
        self._on_change = on_change
        self._quiet = False
        with ui.card().classes('card w-full p-4 gap-3').props('flat bordered'):
            with ui.row().classes('w-full items-center gap-3'):
                ui.label('Expiring').classes('text-sm text-grey-8')
                self.horizon = ui.toggle(HORIZONS, value=shown.horizon, on_change=self._changed) \
                    .props('no-caps unelevated toggle-color=primary color=grey-2 text-color=grey-9').mark('horizon')
                ui.button('Next month', icon='event', on_click=on_next_month) \
                    .props('flat no-caps color=primary').mark('next-month') \
                    .tooltip('Renewals in the next calendar month')
                ui.space()
                ui.button('Clear filters', icon='filter_alt_off', on_click=on_clear).props('flat no-caps')
                ui.button('Export CSV', icon='download', on_click=on_export).props('outline no-caps').mark('export')
            for problem in shown.errors:
                ui.label(f'Ignored in the link: {problem}').classes('text-warning text-sm')
            with ui.row().classes('w-full items-start gap-3 no-wrap'):
                self._inputs(shown)

    def _inputs(self, f: RenewalsFilter) -> None:
        self.region = ui.select({ALL: 'All regions', **{r.value: r.label for r in Region}}, label='Region',
                                value=f.region, on_change=self._changed) \
            .props('outlined dense').classes('w-52').mark('region')
        self.account_type = ui.select({ALL: 'All account types', **ACCOUNT_TYPES}, label='Account type',
                                      value=f.account_type, on_change=self._changed) \
            .props('outlined dense').classes('w-44').mark('account_type')
        self.kind = ui.select({ALL: 'All licence types', **{k.value: k.label for k in LicenceKind}},
                              label='Licence type', value=f.kind, on_change=self._changed) \
            .props('outlined dense').classes('w-40').mark('kind')
        self.util_min = self._percent('Utilisation from', f.util_min, 'util_min')
        self.util_max = self._percent('Utilisation to', f.util_max, 'util_max')
        self.text = ui.input('Search', value=f.text, on_change=self._changed).mark('search') \
            .props('outlined dense clearable debounce=400 placeholder="Account, serial or main contact"') \
            .classes('grow min-w-[10rem]')
        with self.text.add_slot('prepend'):
            ui.icon('search')

    def chosen(self, shown: RenewalsFilter) -> RenewalsFilter | None:
        """What the inputs ask for, from the first page; a new horizon drops the period and the sort direction.
        None when the utilisation bounds are not whole percentages, or the lowest is above the highest."""
        util_min, util_max = self.util_min.value, self.util_max.value
        if not (_is_percent(util_min) and _is_percent(util_max)):
            return None  # the input says what is wrong
        util_min = None if util_min is None else int(util_min)
        util_max = None if util_max is None else int(util_max)
        if util_min is not None and util_max is not None and util_min > util_max:
            ui.notify('The lowest utilisation is above the highest.', type='warning')
            return None
        horizon_changed = self.horizon.value != shown.horizon
        return shown.with_changes(
            horizon=self.horizon.value or shown.horizon, region=self.region.value or ALL,
            account_type=self.account_type.value or ALL, kind=self.kind.value or ALL, util_min=util_min,
            util_max=util_max, text=search_text(self.text.value), page=1,
            **({'period_start': None, 'period_end': None, 'descending': None} if horizon_changed else {}))

    def show_horizon(self, horizon: str) -> None:
        """The horizon shown follows a filter chosen elsewhere: not a change of its own."""
        with self._quietly():
            self.horizon.set_value(horizon)

    def clear(self) -> None:
        """Every input but the horizon back to all; one change, not six."""
        with self._quietly():
            for select in (self.region, self.account_type, self.kind):
                select.set_value(ALL)
            for percent in (self.util_min, self.util_max):
                percent.set_value(None)
            self.text.set_value('')

    async def _changed(self) -> None:
        if not self._quiet:
            await self._on_change()

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _percent(self, label: str, value: int | None, marker: str) -> NumberInput:
        # No min/max on the input: it would change a mistyped 150 to 100 silently; say what is wrong instead.
        return NumberInput(label, value=value, format='%d', suffix='%', on_change=self._changed,
                           validation={'A whole number from 0 to 100': _is_percent}) \
            .props('outlined dense debounce=500').classes('w-36').mark(marker)


def _is_percent(value: float | None) -> bool:
    return value is None or (0 <= value <= 100 and float(value).is_integer())
