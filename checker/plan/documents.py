"""Reading one JSON or YAML file into data plus the position of every value.

Every way a file can be unreadable ends in one ``InputError`` line, never a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Literal

from checker.errors import InputError, json_type_name
from checker.plan.json_document import parse_json
from checker.plan.limits import MAX_FILE_BYTES
from checker.plan.model import FieldPath

Format = Literal["json", "yaml", "auto"]
PositionMap = dict[FieldPath, tuple[int, int]]


def format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "auto"


def read_text(path: Path, *, source: str) -> str:
    """The file's text, after checking that it is a regular file of at most 1 MB in UTF-8."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(source, "$", "file not found") from None
    except OSError as error:
        raise InputError(source, "$", f"cannot read the file: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(source, "$", "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(source, "$", "is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(source, "$", f"the file is larger than 1 MB ({info.st_size} bytes)")
    try:
        with path.open("rb") as stream:
            # Read one byte past the limit: the file may have grown since stat().
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InputError(source, "$", f"cannot read the file: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(source, "$", "the file is larger than 1 MB")
    return decode_utf8(data, source=source)


def decode_utf8(data: bytes, *, source: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            source,
            "$",
            f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} (line {line})",
        ) from None
    # Editors on Windows may start a UTF-8 file with a byte order mark; it is not content.
    return text.removeprefix("\ufeff")


def parse_text(text: str, *, source: str, format: Format) -> tuple[Any, PositionMap]:
    """Parse JSON or YAML text; ``auto``: JSON, then YAML unless the text was plainly JSON."""
    if format == "json":
        return parse_json(text, source=source)
    if format == "auto":
        try:
            return parse_json(text, source=source)
        except InputError:
            # Text that opens like JSON is JSON: do not let YAML quietly re-read it (YAML
            # would accept NaN or a bare word where JSON refused it).
            if text.lstrip(" \t\r\n")[:1] in ("{", "["):
                raise
    from checker.plan.yaml_document import parse_yaml

    return parse_yaml(text, source=source)


def require_object(data: Any, *, source: str) -> dict[str, Any]:
    if data is None:
        raise InputError(source, "$", "the document is empty; expected an object")
    if not isinstance(data, dict):
        raise InputError(
            source, "$", f"the document must be an object ({{...}}), not {json_type_name(data)}"
        )
    return data


def load_document(path: Path | str, *, source: str) -> tuple[dict[str, Any], PositionMap]:
    """Read a JSON or YAML file (by suffix: ``.json``, ``.yaml``/``.yml``, else JSON then
    YAML) whose top level is an object; return it with 1-based ``(line, column)`` of every
    value by field path, e.g. ``("Statement", 0, "Effect")``.
    """
    path = Path(os.fspath(path))
    text = read_text(path, source=source)
    data, positions = parse_text(text, source=source, format=format_of(path))
    return require_object(data, source=source), positions
