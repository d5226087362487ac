"""The one error type for input xreg cannot read: reported as one line, exit status 2."""

from __future__ import annotations

import re
from typing import Any

# How much of a value a one-line message echoes: enough to recognise an ARN or a name, not
# the 10 KB of a pasted document or a 5,000-character name.
MAX_SHOWN = 120
# A reason that echoes a list of values is cut too, in the middle: its start says what is
# wrong, its end what is expected.
MAX_REASON = 400
_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
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
        # A file name and a field path say most at their end: they are cut in the middle.
        reason = shown_middle(cut_long_words(self.reason), MAX_REASON)
        if self.path == "$" and self.source.startswith("-"):
            text = f"{self.source}: {reason}"  # a command-line option, not a document
        else:
            text = f"{shown_middle(self.source)}: {shown_middle(self.path)}: {reason}"
        # A key or value may hold a line break or a control character: one line stays one.
        return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def shown_value(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` as a message echoes it: at most ``limit`` characters, the cut marked by "…"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_middle(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` at most ``limit`` characters, cut in the middle ("…"), keeping its end."""
    if len(text) <= limit:
        return text
    head = limit // 3
    return text[:head] + "…" + text[len(text) - (limit - head - 1) :]


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


_INDEX = re.compile(r"\[(\d+)\]")


def parse_field_path(text: str) -> tuple[str | int, ...]:
    """The inverse of ``field_path``: ``Statement[0].Effect`` → ``("Statement", 0, "Effect")``.

    A key holding ``.`` or ``[`` cannot be told apart from the path's own punctuation; such
    text is read as best it can be (``[x]`` that is not an index stays part of the name),
    never refused: the path only serves to find a position."""
    parts: list[str | int] = []
    for piece in text.split(".") if text != "$" else ():
        name_end = piece.find("[")
        while name_end != -1 and not _INDEX.match(piece, name_end):
            name_end = piece.find("[", name_end + 1)
        name, rest = (piece, "") if name_end == -1 else (piece[:name_end], piece[name_end:])
        if name:
            parts.append(name)
        while rest:
            match = _INDEX.match(rest)
            if match is None:
                parts.append(rest)
                break
            parts.append(int(match.group(1)))
            rest = rest[match.end() :]
    return tuple(parts)


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
