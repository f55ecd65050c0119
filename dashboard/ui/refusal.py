"""Where a form says why it refused what was typed: one line under the fields, hidden until there is something to say,
and read out by screen readers when it appears."""

from nicegui import ui


class Refusal(ui.label):
    def __init__(self) -> None:
        super().__init__()
        self.classes('text-negative text-sm').props('role=alert')
        self.set_visibility(False)

    def say(self, message: str) -> None:
        self.set_text(message)
        self.set_visibility(True)

    def hide(self) -> None:
        self.set_visibility(False)
