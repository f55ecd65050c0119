"""A number field that reads what the browser sends with care: the browser can send any text or JSON value as the
field's value, `inf`, `NaN` and `1e999` included, and NiceGUI's own field raises on those instead of saying no."""

import math

from nicegui import ui
from nicegui.events import GenericEventArguments


class NumberInput(ui.number):
    """`ui.number` whose value is a finite number or None (empty, or anything that is not a finite number), so that
    the form's own check can explain what is wrong."""

    def _event_args_to_value(self, e: GenericEventArguments) -> float | None:
        return finite_number(e.args)

    def _value_to_model_value(self, value: object) -> object:
        return super()._value_to_model_value(finite_number(value))


def finite_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str) or value == '':
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
