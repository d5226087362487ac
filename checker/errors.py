"""The one error type for input xreg cannot read: reported as one line, exit status 2."""

from __future__ import annotations

import re
from typing import Any

# How much of a value a one-line message echoes: enough to recognise an ARN or a name, not
# the 10 KB of a pasted document or a 5,000-character name.
MAX_SHOWN = 120
_LONG_WORD = re.compile(rf"\S{{{MAX_SHOWN + 1},}}")


class InputError(Exception):
    """A file, plan or policy that cannot be read or is invalid.

    ``path`` is a field path inside the document (``registration.InferenceSpecification
    .Containers[0].Image``, ``Statement[1].Effect``), ``$`` for the document itself.
    """

    def __init__(self, source: str, path: str, reason: str) -> None:
        super().__init__(f"{source}: {path}: {reason}")
        self.source = source
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return cut_long_words(f"{self.source}: {self.path}: {self.reason}")


def shown_value(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` as a message echoes it: at most ``limit`` characters, the cut marked by "…"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cut_long_words(text: str) -> str:
    """Every run of more than MAX_SHOWN non-blank characters in ``text`` cut to MAX_SHOWN, so
    that no echoed name, path or value makes a one-line message unreadable."""
    return _LONG_WORD.sub(lambda match: shown_value(match.group()), text)


def field_path(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """Render ``("Statement", 0, "Effect")`` as ``Statement[0].Effect``; empty as ``$``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "$"


def parse_field_path(text: str) -> tuple[str | int, ...]:
    """The inverse of ``field_path``: ``Statement[0].Effect`` → ``("Statement", 0, "Effect")``."""
    parts: list[str | int] = []
    for piece in text.split("."):
        name, _, rest = piece.partition("[")
        if name:
            parts.append(name)
        for index in rest.split("[") if rest else ():
            parts.append(int(index.rstrip("]")))
    return tuple(parts) if text != "$" else ()


def json_type_name(value: Any) -> str:
    """How a JSON value's type reads in a message: ``an array``, ``a number``…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
