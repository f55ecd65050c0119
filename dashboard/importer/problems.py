"""What is wrong with the files: every problem is counted, the first 50 are kept to be shown."""

MAX_SHOWN = 50


class ImportFailed(Exception):
    """Nothing was imported. `problems` are the first 50 `FILE:LINE: what is wrong`; `more` counts the rest."""

    def __init__(self, problems: list[str], more: int = 0) -> None:
        super().__init__('\n'.join(problems + ([f'... and {more} more problems'] if more else [])))
        self.problems = problems
        self.more = more


class Problems:
    def __init__(self) -> None:
        self.shown: list[str] = []
        self.more = 0

    def add(self, file: str, line: int | None, message: str) -> None:
        """`line` counts the header as line 1; None for a problem with the file as a whole."""
        if len(self.shown) < MAX_SHOWN:
            self.shown.append(f'{file}:{line}: {message}' if line is not None else f'{file}: {message}')
        else:
            self.more += 1

    @property
    def count(self) -> int:
        return len(self.shown) + self.more

    def raise_if_any(self) -> None:
        if self.shown:
            raise ImportFailed(self.shown, self.more)
