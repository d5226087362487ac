"""The rich edge of the console views: colour for terminals, nothing for pipes.

``wants_colour`` decides whether output goes through rich at all: only a terminal (or
``FORCE_COLOR``) without ``NO_COLOR`` gets colour, and everything else is written as plain
text without importing rich, whose import alone costs a fifth of an offline check.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING

from checker.report.lines import Line, write_plain

if TYPE_CHECKING:
    from rich.console import Console

MAX_WIDTH = 100


COLOUR_MODES = ("auto", "always", "never")
_colour_mode = "auto"


def set_colour_mode(mode: str) -> None:
    """``--color``: ``always`` and ``never`` win over the environment; ``auto`` leaves it to
    ``NO_COLOR``, ``FORCE_COLOR`` and the terminal."""
    global _colour_mode
    _colour_mode = mode if mode in COLOUR_MODES else "auto"


def wants_colour(file: IO[str]) -> bool:
    """``--color`` when it says always or never; else rich's own rule: ``NO_COLOR`` wins,
    then ``FORCE_COLOR``, then whether it is a tty."""
    if _colour_mode != "auto":
        return _colour_mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or file.isatty()


def make_console(file: IO[str]) -> Console:
    """A rich console as wide as the terminal but at most ``MAX_WIDTH``, coloured only where
    ``wants_colour``; ``MAX_WIDTH`` wide when the output is not a terminal."""
    from rich.console import Console

    is_tty = file.isatty()
    console = Console(
        file=file,
        width=None if is_tty else MAX_WIDTH,  # None: rich measures the terminal (or COLUMNS)
        no_color=not wants_colour(file),
        force_terminal=True if _colour_mode == "always" else None,
        highlight=False,
        soft_wrap=False,
    )
    console.width = min(console.width, MAX_WIDTH)
    return console


def write_coloured(lines: Sequence[Line], console: Console) -> None:
    """Print lines already wrapped to ``console.width``, styles applied, nothing re-wrapped."""
    from rich.text import Text

    text = Text()
    for one_line in lines:
        for part, style in one_line:
            text.append(part, style or None)
        text.append("\n")
    console.print(text, end="", soft_wrap=True)


def print_view(view: Callable[[int], Sequence[Line]], file: IO[str]) -> None:
    """Write the lines ``view(width)`` builds: coloured on a terminal as wide as it (at most
    ``MAX_WIDTH``), else as plain text ``MAX_WIDTH`` wide without importing rich."""
    if not wants_colour(file):
        write_plain(view(MAX_WIDTH), file)
        return
    console = make_console(file)
    write_coloured(view(console.width), console)
