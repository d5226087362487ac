"""CloudFormation YAML: the short-form intrinsic tags (``!Ref``, ``!Sub``, ``!GetAtt``, …)
read as their long form, with the line and column of every value.

A ``SafeLoader`` subclass composes the node tree (nothing is constructed by PyYAML: only the
YAML core types and the intrinsic tags are built, by the walk below), so positions come
from the nodes' marks as the plan loader's do. Aliases are counted as they are expanded.
"""

from __future__ import annotations

from typing import Any

import yaml

from checker.errors import InputError, field_path
from checker.plan.limits import MAX_DEPTH
from checker.plan.model import FieldPath

Position = tuple[int, int]

_TAG = "tag:yaml.org,2002:"
_MAX_NODES = 500_000
# Short form → long form (the CloudFormation template reference, "Intrinsic function
# reference": each function's short form is ``!Name``).
_SHORT_FORMS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Equals",
            "FindInMap",
            "GetAtt",
            "GetAZs",
            "If",
            "ImportValue",
            "Join",
            "Length",
            "Not",
            "Or",
            "Select",
            "Split",
            "Sub",
            "ToJsonString",
            "Transform",
        )
    },
}


class TemplateLoader(yaml.SafeLoader):
    """The safe loader, knowing the intrinsic tags: a template with ``!Ref`` is read, a
    template with any other local tag is refused (as a core-type loader would)."""


def _intrinsic(loader: yaml.SafeLoader, tag: str, node: yaml.Node) -> dict[str, Any]:
    # For yaml.load() users of the loader; the walk below builds the same shape with positions.
    name = _SHORT_FORMS[tag]
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


def _constructor(tag: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        return _intrinsic(loader, tag, node)

    return construct


for _short in _SHORT_FORMS:
    TemplateLoader.add_constructor(_short, _constructor(_short))


class _Walk:
    def __init__(self, loader: TemplateLoader, source: str) -> None:
        self.loader = loader
        self.source = source
        self.positions: dict[FieldPath, Position] = {}
        self.nodes = 0

    def refuse(self, node: yaml.Node, path: FieldPath, reason: str) -> InputError:
        mark = node.start_mark
        return InputError(
            self.source,
            field_path(path),
            f"{reason} (line {mark.line + 1}, column {mark.column + 1})",
        )

    def value(self, node: yaml.Node, path: FieldPath, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > _MAX_NODES:
            raise self.refuse(node, path, f"more than {_MAX_NODES} values (an alias bomb?)")
        if depth > MAX_DEPTH:
            raise self.refuse(node, path, f"nesting deeper than {MAX_DEPTH} levels")
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        tag = node.tag
        if tag in _SHORT_FORMS:
            name = _SHORT_FORMS[tag]
            inner = (*path, name)
            self.positions[inner] = self.positions[path]
            if isinstance(node, yaml.ScalarNode):
                text = str(node.value)
                if name == "Fn::GetAtt":
                    parts: Any = text.split(".", 1)
                    return {name: parts}
                return {name: text}
            return {name: self.container(node, inner, depth + 1)}
        if not tag.startswith(_TAG) and tag != "!":
            raise self.refuse(node, path, f"the YAML tag {tag} is not a CloudFormation function")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        return self.container(node, path, depth)

    def container(self, node: yaml.Node, path: FieldPath, depth: int) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [
                self.value(item, (*path, index), depth + 1) for index, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.MappingNode)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                raise self.refuse(key_node, path, "YAML merge keys (<<) are not supported")
            key = self.scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                raise self.refuse(key_node, path, "keys must be strings")
            if key in result:
                raise self.refuse(key_node, (*path, key), f"duplicate key {key!r}")
            result[key] = self.value(value_node, (*path, key), depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode, path: FieldPath) -> Any:
        tag = node.tag
        if tag == "!":
            return node.value
        if tag == _TAG + "str":
            return node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return self.loader.construct_yaml_bool(node)
        if tag == _TAG + "int":
            return self.loader.construct_yaml_int(node)
        if tag == _TAG + "float":
            number = self.loader.construct_yaml_float(node)
            if number != number or number in (float("inf"), float("-inf")):
                raise self.refuse(node, path, f"{node.value} (NaN or infinity) is not allowed")
            return number
        if tag == _TAG + "timestamp":
            return node.value  # "2012-10-17" is a policy version, not a date
        raise self.refuse(node, path, f"the YAML tag {tag} is not supported")


def parse_template_yaml(text: str, *, source: str) -> tuple[Any, dict[FieldPath, Position]]:
    """A YAML template's data (intrinsics in their long form) and each value's position."""
    loader = TemplateLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, {}
        walk = _Walk(loader, source)
        return walk.value(root, (), 0), walk.positions
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(source, "$", f"malformed YAML{where}: {problem}") from None
    except yaml.YAMLError as error:
        first = str(error).splitlines()[0] if str(error) else "invalid YAML"
        raise InputError(source, "$", f"malformed YAML: {first}") from None
    finally:
        loader.dispose()
