"""Styled text lines, wrapped by xreg itself, that a terminal colours and a pipe takes as is.

The console view is built as a list of ``Line``s, each a tuple of ``(text, style)`` spans with
rich style names. Wrapping happens here, not in rich, so that the characters printed are the
same whether the lines go to a terminal (coloured by rich, ``checker.report.terminal``) or to a
pipe or file (written as plain text, without importing rich at all).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

Span = tuple[str, str]  # (text, rich style; "" for none)
Line = tuple[Span, ...]


def line(*spans: Span | str) -> Line:
    """A line from spans; a bare string is an unstyled span."""
    return tuple((span, "") if isinstance(span, str) else span for span in spans)


def char_width(char: str) -> int:
    """The terminal cells ``char`` takes: 2 for wide and full-width characters, 0 for
    combining marks and zero-width characters, else 1."""
    if char.isascii():
        return 1 if char.isprintable() else 0
    import unicodedata  # only for text that is not ASCII

    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """The terminal cells ``text`` takes (``len`` counts characters, not cells)."""
    if text.isascii():
        return len(text)
    return sum(char_width(char) for char in text)


def plain_text(one_line: Line) -> str:
    return "".join(text for text, _style in one_line)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end


def _fits(text: str, start: int, room: int) -> int:
    """The end of the longest piece of ``text`` from ``start`` that takes at most ``room``
    terminal cells."""
    used = 0
    position = start
    while position < len(text):
        used += char_width(text[position])
        if used > room:
            break
        position += 1
    return position


def _breaks(text: str, first_room: int, hang: int = 0) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``text`` wrapped at spaces (the first line in
    ``first_room`` cells, the others in ``hang`` fewer), with no spaces at the end of a line
    or the start of a continuation; a word longer than a line is cut (folded) there."""
    ranges: list[tuple[int, int]] = []
    start, length = 0, len(text)
    while True:
        room = max(1, first_room - (hang if ranges else 0))
        if ranges:
            while start < length and text[start] == " ":
                start += 1
        end = _fits(text, start, room)
        if end >= length:
            ranges.append(_trimmed(text, start, length))
            return ranges
        cut = text.rfind(" ", start, end + 1)
        if cut <= start:
            end = max(end, start + 1)
            ranges.append((start, end))
            start = end
        else:
            ranges.append(_trimmed(text, start, cut))
            start = cut + 1


def _slice(spans: Sequence[Span], start: int, end: int) -> Line:
    """The part of ``spans`` between character offsets ``start`` and ``end``."""
    sliced: list[Span] = []
    offset = 0
    for text, style in spans:
        span_start, span_end = offset, offset + len(text)
        offset = span_end
        low, high = max(start, span_start), min(end, span_end)
        if low < high:
            sliced.append((text[low - span_start : high - span_start], style))
    return tuple(sliced)


def wrap(
    spans: Line | str, width: int, indent: int = 0, style: str = "", *, hang: int = 0
) -> list[Line]:
    """``spans`` wrapped to ``width`` terminal cells, every line after ``indent`` spaces and
    each continuation line after ``hang`` more (a hanging indent, so that a wrapped line is
    told from the next one). A string is one span in ``style``. Newlines in the text start
    new lines."""
    if isinstance(spans, str):
        spans = ((spans, style),)
    more = hang
    wrapped: list[Line] = []
    offset = 0
    for paragraph in plain_text(spans).split("\n"):
        for number, (start, end) in enumerate(_breaks(paragraph, width - indent, more)):
            lead = " " * (indent + (more if number else 0))
            wrapped.append(((lead, ""), *_slice(spans, offset + start, offset + end)))
        offset += len(paragraph) + 1
    return [tuple(span for span in one_line if span[0]) for one_line in wrapped]


def write_plain(lines: Iterable[Line], file: IO[str]) -> None:
    file.write("".join(plain_text(one_line) + "\n" for one_line in lines))
