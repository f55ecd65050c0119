"""Characters that have no place in a name: control characters, line and paragraph separators, and the invisible
format characters that reorder or hide text. An email header refuses some of them outright (CR, LF, NEL, U+2028),
and the rest can hide or disguise what a person reads.

Tab is one of them: a name is one line of words. The format characters people need to write their names (the
zero-width joiner and non-joiner, soft hyphen, the left-to-right and right-to-left marks, emoji tags) are kept.
"""

import re
import unicodedata

_FORMATTING = '\u200b\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb'  # invisible, or reorders the text
_IN_NAMES = re.compile(f'[\x00-\x1f\x7f-\x9f\u2028\u2029{_FORMATTING}]')
_IN_TEXT = re.compile(f'[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029{_FORMATTING}]')  # a line feed is allowed


def unsafe_character(text: str, *, line_feeds: bool = False) -> str | None:
    """The first character of `text` that is not safe in a name (or in a longer text, with `line_feeds`)."""
    found = (_IN_TEXT if line_feeds else _IN_NAMES).search(text)
    return found.group() if found else None


def describe_character(char: str) -> str:
    """`U+000D (CARRIAGE RETURN)`: the code point, and its name where Unicode gives one."""
    name = unicodedata.name(char, '') or _CONTROL_NAMES.get(char, 'a control character')
    return f'U+{ord(char):04X} ({name})'


def header_text(text: str) -> str:
    """`text` as one line for an email header: each unsafe character a space, and every run of spaces one."""
    return ' '.join(_IN_NAMES.sub(' ', text).split())


_CONTROL_NAMES = {'\x00': 'NUL', '\t': 'TAB', '\n': 'LINE FEED', '\r': 'CARRIAGE RETURN', '\x0b': 'VERTICAL TAB',
                  '\x0c': 'FORM FEED', '\x1b': 'ESCAPE', '\x7f': 'DELETE', '\x85': 'NEXT LINE'}
