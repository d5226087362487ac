"""The one error type for input xreg cannot read: reported as one line, exit status 2."""

from __future__ import annotations

from typing import Any


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
        if self.path == "$" and self.source.startswith("-"):
            return f"{self.source}: {self.reason}"  # a command-line option, not a document
        return f"{self.source}: {self.path}: {self.reason}"


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
