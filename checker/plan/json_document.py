"""A JSON reader that also says where each value is (line, column).

``json.loads`` gives no positions, accepts duplicate keys and NaN, and recurses without a
depth limit; this scanner gives the same data as ``json.loads`` for every document it
accepts and refuses the rest with an ``InputError`` naming the line and column.
"""

from __future__ import annotations

import math
import re
from _json import scanstring  # the C string scanner json.loads itself uses
from bisect import bisect_right
from json import JSONDecodeError
from typing import Any, NoReturn

from checker.errors import InputError, field_path
from checker.plan.limits import MAX_DEPTH
from checker.plan.model import FieldPath

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


class _Scanner:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.offsets: dict[FieldPath, int] = {}
        self._line_starts: list[int] | None = None

    def line_column(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def fail(self, offset: int, path: FieldPath, problem: str) -> NoReturn:
        line, column = self.line_column(offset)
        raise InputError(
            self.source,
            field_path(path),
            f"malformed JSON at line {line}, column {column}: {problem}",
        )

    def refuse(self, offset: int, path: FieldPath, reason: str) -> NoReturn:
        line, column = self.line_column(offset)
        raise InputError(self.source, field_path(path), f"{reason} (line {line}, column {column})")

    def skip(self, offset: int) -> int:
        match = _WHITESPACE.match(self.text, offset)
        assert match is not None  # the pattern matches the empty string
        return match.end()

    def value(self, offset: int, path: FieldPath, depth: int) -> tuple[Any, int]:
        """Parse the value at ``offset`` (no leading blanks); return it and the offset after."""
        text = self.text
        self.offsets[path] = offset
        char = text[offset : offset + 1]
        if char == "{":
            return self.object(offset, path, depth + 1)
        if char == "[":
            return self.array(offset, path, depth + 1)
        if char == '"':
            try:
                return scanstring(text, offset + 1, True)
            except JSONDecodeError as error:
                self.fail(error.pos, path, _decode_problem(error))
        if text.startswith(_NON_FINITE, offset):
            self.refuse(offset, path, "NaN and Infinity are not JSON numbers")
        if char == "-" or char.isdigit():
            return self.number(offset, path)
        for literal, result in (("true", True), ("false", False), ("null", None)):
            if text.startswith(literal, offset):
                return result, offset + len(literal)
        if not char:
            self.fail(offset, path, "the document ends where a value was expected")
        self.fail(offset, path, f"expected a value, found {char!r}")

    def number(self, offset: int, path: FieldPath) -> tuple[Any, int]:
        match = _NUMBER.match(self.text, offset)
        if match is None:
            self.fail(offset, path, "malformed number")
        integer, fraction, exponent = match.groups()
        try:
            if fraction or exponent:
                result: int | float = float(integer + (fraction or "") + (exponent or ""))
                if math.isinf(result):
                    self.refuse(offset, path, "number out of range")
            else:
                result = int(integer)
        except ValueError:
            self.refuse(offset, path, "number too long")
        return result, match.end()

    def object(self, offset: int, path: FieldPath, depth: int) -> tuple[dict[str, Any], int]:
        if depth > MAX_DEPTH:
            self.refuse(offset, path, f"nesting deeper than {MAX_DEPTH} levels")
        text = self.text
        result: dict[str, Any] = {}
        key_offsets: dict[str, int] = {}
        offset = self.skip(offset + 1)
        if text.startswith("}", offset):
            return result, offset + 1
        while True:
            if not text.startswith('"', offset):
                self.fail(offset, path, "expected a key in double quotes")
            key_offset = offset
            try:
                key, offset = scanstring(text, offset + 1, True)
            except JSONDecodeError as error:
                self.fail(error.pos, path, _decode_problem(error))
            if key in key_offsets:
                line, column = self.line_column(key_offset)
                first_line, first_column = self.line_column(key_offsets[key])
                raise InputError(
                    self.source,
                    field_path((*path, key)),
                    f"duplicate key {key!r} at line {line}, column {column}"
                    f" (first at line {first_line}, column {first_column})",
                )
            key_offsets[key] = key_offset
            offset = self.skip(offset)
            if not text.startswith(":", offset):
                self.fail(offset, path, f"expected ':' after the key {key!r}")
            result[key], offset = self.value(self.skip(offset + 1), (*path, key), depth)
            offset = self.skip(offset)
            char = text[offset : offset + 1]
            if char == ",":
                offset = self.skip(offset + 1)
            elif char == "}":
                return result, offset + 1
            else:
                self.fail(offset, path, "expected ',' or '}'")

    def array(self, offset: int, path: FieldPath, depth: int) -> tuple[list[Any], int]:
        if depth > MAX_DEPTH:
            self.refuse(offset, path, f"nesting deeper than {MAX_DEPTH} levels")
        text = self.text
        result: list[Any] = []
        offset = self.skip(offset + 1)
        if text.startswith("]", offset):
            return result, offset + 1
        while True:
            item, offset = self.value(offset, (*path, len(result)), depth)
            result.append(item)
            offset = self.skip(offset)
            char = text[offset : offset + 1]
            if char == ",":
                offset = self.skip(offset + 1)
            elif char == "]":
                return result, offset + 1
            else:
                self.fail(offset, path, "expected ',' or ']'")


def parse_json(text: str, *, source: str) -> tuple[Any, dict[FieldPath, tuple[int, int]]]:
    """The data of a JSON text and the 1-based (line, column) of each value, by field path."""
    scanner = _Scanner(text, source)
    start = scanner.skip(0)
    if start == len(text):
        raise InputError(source, "$", "the file is empty")
    data, end = scanner.value(start, (), 0)
    end = scanner.skip(end)
    if end != len(text):
        scanner.fail(end, (), "unexpected text after the document")
    positions = {path: scanner.line_column(offset) for path, offset in scanner.offsets.items()}
    return data, positions


def _decode_problem(error: JSONDecodeError) -> str:
    # json's messages end with " at" before the position it appends; we give our own.
    return error.msg.removesuffix(" at").lower()
