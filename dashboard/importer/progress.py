"""A progress bar on a terminal for reading a large file, drawn on one line of stderr; nothing when not wanted."""

import sys
import time
from typing import TextIO

WIDTH = 30
REDRAW_SECONDS = 0.1


class ProgressBar:
    """`Checking licence_history.csv [#########.....................]  31%`, redrawn at most ten times a second."""

    def __init__(self, *, label: str, total_bytes: int, enabled: bool, stream: TextIO | None = None) -> None:
        self.label = label
        self.total_bytes = max(total_bytes, 1)
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.bytes_read = 0
        self._next_draw = 0.0

    def __enter__(self) -> 'ProgressBar':
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        if self.enabled:
            self._draw(self.bytes_read if exc_type else self.total_bytes)
            self.stream.write('\n')
            self.stream.flush()

    def update(self, bytes_read: int) -> None:
        self.bytes_read = bytes_read
        if self.enabled and time.monotonic() >= self._next_draw:
            self._draw(bytes_read)
            self._next_draw = time.monotonic() + REDRAW_SECONDS

    def _draw(self, bytes_read: int) -> None:
        share = min(bytes_read / self.total_bytes, 1.0)
        done = round(share * WIDTH)
        self.stream.write(f'\r{self.label} [{"#" * done}{"." * (WIDTH - done)}] {share:4.0%}')
        self.stream.flush()
