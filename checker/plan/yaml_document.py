"""A YAML reader that builds plain data (dict, list, str, int, float, bool, None) and says
where each value is.

It reads the parser's event stream instead of a composed node tree, so nesting is checked
as it is read (a 10,000-deep document costs 33 events, not a RecursionError) and aliases are
counted before they are expanded (an alias bomb is refused after a few thousand nodes).
Only the YAML core types are built: any other tag is refused, never constructed.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

from checker.errors import InputError, field_path, json_type_name, shown_value
from checker.plan.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_NUMBER_DIGITS
from checker.plan.model import FieldPath
from checker.records import field, record

Position = tuple[int, int]

# Integers from here on have more than MAX_NUMBER_DIGITS decimal digits.
_INTEGER_BOUND = 10**MAX_NUMBER_DIGITS
# Room for signs, prefixes, underscores and base-60 colons around that many digits.
_MAX_INTEGER_TEXT = 2 * MAX_NUMBER_DIGITS + 4

_TAG = "tag:yaml.org,2002:"
_CONTAINER_TAGS = {
    "sequence": (None, "!", _TAG + "seq"),
    "mapping": (None, "!", _TAG + "map"),
}


@record(frozen=False)
class _Frame:
    """A mapping or sequence being built."""

    container: dict[str, Any] | list[Any]
    path: FieldPath
    anchor: str | None
    log_start: int
    nodes_start: int
    height: int = 1
    key: str | None = None  # a mapping's key waiting for its value


@record
class _Anchored:
    value: Any
    positions: list[tuple[FieldPath, Position]]  # relative to the anchored node
    nodes: int
    height: int


@record(frozen=False)
class _Builder:
    loader: Any
    source: str
    yaml: Any
    stack: list[_Frame] = field(default_factory=list)
    log: list[tuple[FieldPath, Position]] = field(default_factory=list)
    anchors: dict[str, _Anchored | None] = field(default_factory=dict)
    nodes: int = 0
    alias_nodes: int = 0
    root: Any = None

    # --- where we are ---------------------------------------------------------------------

    def current_path(self) -> FieldPath:
        if not self.stack:
            return ()
        top = self.stack[-1]
        return (*top.path, top.key) if top.key is not None else top.path

    def node_path(self) -> FieldPath:
        """The path of the node about to be read (for a key: its mapping's path)."""
        return self.stack[-1].path if self.expecting_key() else self.child_path()

    def refuse(self, mark: Any, path: FieldPath, reason: str) -> NoReturn:
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise InputError(self.source, field_path(path), reason + where)

    def expecting_key(self) -> bool:
        return (
            bool(self.stack)
            and isinstance(self.stack[-1].container, dict)
            and (self.stack[-1].key is None)
        )

    def child_path(self) -> FieldPath:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, dict):
            assert top.key is not None
            return (*top.path, top.key)
        return (*top.path, len(top.container))

    def place(self, value: Any, height: int) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.height = max(top.height, height + 1)
        if isinstance(top.container, dict):
            assert top.key is not None
            top.container[top.key] = value
            top.key = None
        else:
            top.container.append(value)

    # --- keys -------------------------------------------------------------------------------

    def take_key(self, key: Any, mark: Any) -> None:
        top = self.stack[-1]
        if not isinstance(key, str):
            shown = "null" if key is None else str(key).lower() if isinstance(key, bool) else key
            self.refuse(
                mark,
                top.path,
                f"the key {shown} is {json_type_name(key)}, keys must be strings: quote it",
            )
        assert isinstance(top.container, dict)
        if key in top.container:
            first = dict(self.log).get((*top.path, key))
            raise InputError(
                self.source,
                field_path((*top.path, key)),
                f"duplicate key {key!r} at line {mark.line + 1}, column {mark.column + 1}"
                + (f" (first at line {first[0]})" if first else ""),
            )
        top.key = key

    # --- events -----------------------------------------------------------------------------

    def scalar(self, event: Any) -> None:
        value = self.resolve_scalar(event)
        if self.expecting_key():
            if event.anchor is not None:
                self.anchors[event.anchor] = _Anchored(value, [], 1, 0)
            self.take_key(value, event.start_mark)
            return
        path = self.child_path()
        position = (event.start_mark.line + 1, event.start_mark.column + 1)
        self.log.append((path, position))
        self.nodes += 1
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchored(value, [((), position)], 1, 0)
        self.place(value, 0)

    def resolve_scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(self.yaml.ScalarNode, event.value, event.implicit)
        node = self.yaml.ScalarNode(tag, event.value)
        path = self.node_path()
        if tag == _TAG + "str":
            return event.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            boolean = _construct(self.loader.construct_yaml_bool, node)
            if boolean is None:
                self.refuse(event.start_mark, path, f"{shown_value(event.value)} is not a boolean")
            return boolean
        if tag == _TAG + "int":
            return self.integer(event, node, path)
        if tag == _TAG + "float":
            return self.real(event, node, path)
        if tag == _TAG + "timestamp":
            # Policy versions look like dates (Version: 2012-10-17): keep the text, as JSON would.
            return event.value
        if tag == _TAG + "merge":
            self.refuse(event.start_mark, path, "YAML merge keys (<<) are not supported")
        self.refuse(event.start_mark, path, f"the YAML tag {tag} is not supported")

    def integer(self, event: Any, node: Any, path: FieldPath) -> int:
        # Past MAX_NUMBER_DIGITS Python refuses to convert the text (or later to print the
        # number); a bound on the text also bounds the work of base-60 forms (1:59:59…).
        if len(event.value) > _MAX_INTEGER_TEXT:
            self.refuse(event.start_mark, path, "number too long")
        number = _construct(self.loader.construct_yaml_int, node)
        if number is None and sum(char.isdigit() for char in event.value) > MAX_NUMBER_DIGITS:
            self.refuse(event.start_mark, path, "number too long")
        if number is None:
            self.refuse(
                event.start_mark, path, f"{shown_value(event.value)} is not a valid integer"
            )
        if abs(number) >= _INTEGER_BOUND:
            self.refuse(event.start_mark, path, "number too long")
        return int(number)

    def real(self, event: Any, node: Any, path: FieldPath) -> float:
        if len(event.value) > _MAX_INTEGER_TEXT:
            self.refuse(event.start_mark, path, "number too long")
        number = _construct(self.loader.construct_yaml_float, node)
        if number is None:
            self.refuse(event.start_mark, path, f"{shown_value(event.value)} is not a valid number")
        if not math.isfinite(number):
            written = event.value.lower()
            if "inf" in written or "nan" in written:
                self.refuse(
                    event.start_mark, path, f"{event.value} (NaN or infinity) is not allowed"
                )
            self.refuse(event.start_mark, path, "number out of range")
        return float(number)

    def start(self, event: Any, kind: str) -> None:
        if self.expecting_key():
            self.refuse(event.start_mark, self.stack[-1].path, "keys must be strings")
        path = self.child_path()
        if event.tag not in _CONTAINER_TAGS[kind]:
            self.refuse(event.start_mark, path, f"the YAML tag {event.tag} is not supported")
        if len(self.stack) + 1 > MAX_DEPTH:
            self.refuse(event.start_mark, path, f"nesting deeper than {MAX_DEPTH} levels")
        log_start = len(self.log)
        self.log.append((path, (event.start_mark.line + 1, event.start_mark.column + 1)))
        if event.anchor is not None:
            self.anchors[event.anchor] = None  # open: an alias to it now would be recursive
        container: dict[str, Any] | list[Any] = {} if kind == "mapping" else []
        self.stack.append(_Frame(container, path, event.anchor, log_start, self.nodes))
        self.nodes += 1

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            depth = len(frame.path)
            relative = [(path[depth:], position) for path, position in self.log[frame.log_start :]]
            self.anchors[frame.anchor] = _Anchored(
                frame.container, relative, self.nodes - frame.nodes_start, frame.height
            )
        self.place(frame.container, frame.height)

    def alias(self, event: Any) -> None:
        path = self.node_path()
        if event.anchor not in self.anchors:
            self.refuse(event.start_mark, path, f"undefined alias *{event.anchor}")
        anchored = self.anchors[event.anchor]
        if anchored is None:
            self.refuse(event.start_mark, path, f"the alias *{event.anchor} refers to itself")
        if self.expecting_key():
            self.take_key(anchored.value, event.start_mark)
            return
        self.alias_nodes += anchored.nodes
        if self.alias_nodes > MAX_ALIAS_NODES:
            self.refuse(
                event.start_mark,
                path,
                f"aliases expand to more than {MAX_ALIAS_NODES} values (an alias bomb?)",
            )
        if len(self.stack) + anchored.height > MAX_DEPTH:
            self.refuse(event.start_mark, path, f"nesting deeper than {MAX_DEPTH} levels")
        self.log.append((path, (event.start_mark.line + 1, event.start_mark.column + 1)))
        self.log.extend(
            ((*path, *relative), pos) for relative, pos in anchored.positions if relative
        )
        self.nodes += anchored.nodes
        self.place(_copy(anchored.value), anchored.height)

    def build(self) -> Any:
        events = self.yaml.events
        documents = 0
        while True:
            event = self.loader.get_event()
            if isinstance(event, events.ScalarEvent):
                self.scalar(event)
            elif isinstance(event, events.MappingStartEvent):
                self.start(event, "mapping")
            elif isinstance(event, events.SequenceStartEvent):
                self.start(event, "sequence")
            elif isinstance(event, events.MappingEndEvent | events.SequenceEndEvent):
                self.end()
            elif isinstance(event, events.AliasEvent):
                self.alias(event)
            elif isinstance(event, events.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.refuse(
                        event.start_mark, (), "a file must hold one YAML document, not several"
                    )
            elif isinstance(event, events.StreamEndEvent):
                return self.root


def _construct(constructor: Any, node: Any) -> Any:
    """What PyYAML builds for a core-typed scalar, or None when its text is not of that type
    (an explicit tag such as ``!!int abc``, or a form PyYAML's resolver lets through)."""
    try:
        return constructor(node)
    except (ValueError, OverflowError, KeyError):
        return None


def _copy(value: Any) -> Any:
    """A fresh copy, so that data reached through two aliases is never shared."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def parse_yaml(text: str, *, source: str) -> tuple[Any, dict[FieldPath, Position]]:
    """The data of a YAML text and the 1-based (line, column) of each value, by field path."""
    # Here, not at the top: JSON-only runs should not pay for importing PyYAML.
    import yaml

    from checker.yaml_io import safe_loader

    loader = safe_loader()(text)
    builder = _Builder(loader, source, yaml)
    try:
        data = builder.build()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if "alias" in (error.context or ""):
            # "Resource: *" is the usual cause: in YAML a leading * starts an alias.
            problem += ' (a value starting with * must be quoted in YAML: "*")'
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(
            source, field_path(builder.current_path()), f"malformed YAML{where}: {problem}"
        ) from None
    except yaml.YAMLError as error:
        first_line = str(error).splitlines()[0] if str(error) else "invalid YAML"
        raise InputError(
            source, field_path(builder.current_path()), f"malformed YAML: {first_line}"
        ) from None
    finally:
        loader.dispose()
    return data, dict(builder.log)
