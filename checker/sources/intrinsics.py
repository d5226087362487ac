"""Resolving CloudFormation intrinsic functions offline.

``Ref``, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap``,
``Fn::If`` (with the template's ``Conditions``), ``Fn::GetAtt`` of the resource types xreg
reads, and the pseudo parameters AWS::AccountId, AWS::Region, AWS::Partition, AWS::URLSuffix
resolve to values. What has no value before the stack exists (``Fn::ImportValue``, an SSM
dynamic reference, a name CloudFormation generates, a parameter given no value) resolves to
a ``Symbolic`` naming it and where it is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from checker.errors import InputError, field_path
from checker.plan.model import FieldPath, Positions, nearest_position
from checker.sources.symbolic import Symbolic, first_symbolic, has_symbolic

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:[^}]*\}\}")
_URL_SUFFIX = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}


class _NoValue:
    """``Ref: AWS::NoValue``: the property is left out."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()

# (logical id, attribute or "Ref", resolver) → the value, or a Symbolic
ResourceValue = Callable[[str, str, str], Any]


class Resolver:
    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        source: str,
        positions: Positions,
        parameters: Mapping[str, str],
        account: str,
        region: str,
        partition: str,
        resource_value: ResourceValue,
    ) -> None:
        self.template = template
        self.source = source
        self.positions = positions
        self.account = account
        self.region = region
        self.partition = partition
        self.resource_value = resource_value
        self.conditions: dict[str, bool | Symbolic] = {}
        self.parameters = self._parameters(parameters)

    # --- errors and places -------------------------------------------------------------------

    def where(self, path: FieldPath) -> str:
        position = nearest_position(path, self.positions)
        return f"{self.source}:{position[0]}:{position[1]}" if position else self.source

    def refuse(self, path: FieldPath, reason: str) -> InputError:
        position = nearest_position(path, self.positions)
        at = f" (line {position[0]}, column {position[1]})" if position else ""
        return InputError(self.source, field_path(path), reason + at)

    def symbolic(self, expression: str, path: FieldPath, stands_for: str | None = None) -> Symbolic:
        return Symbolic(expression, self.where(path), stands_for)

    # --- parameters and pseudo parameters ----------------------------------------------------

    def _parameters(self, given: Mapping[str, str]) -> dict[str, Any]:
        declared = self.template.get("Parameters") or {}
        if not isinstance(declared, dict):
            raise self.refuse(("Parameters",), "must be an object of parameters")
        for name in given:
            if name not in declared:
                raise InputError(
                    self.source,
                    field_path(("Parameters",)),
                    f"a value is given for {name!r}, which the template does not declare",
                )
        values: dict[str, Any] = {}
        for name, spec in declared.items():
            path: FieldPath = ("Parameters", name)
            if not isinstance(spec, dict):
                raise self.refuse(path, "a parameter must be an object")
            kind = str(spec.get("Type", "String"))
            if name in given:
                text: Any = given[name]
            elif "Default" in spec:
                text = spec["Default"]
            else:
                values[name] = self.symbolic(f"parameter {name} (no value given)", path)
                continue
            if kind.startswith("AWS::SSM::Parameter::Value"):
                values[name] = self.symbolic(f"parameter {name} (an SSM parameter {text})", path)
            elif kind == "CommaDelimitedList" or kind.startswith("List<"):
                items = text if isinstance(text, list) else str(text).split(",")
                values[name] = [str(item).strip() for item in items]
            else:
                values[name] = text if isinstance(text, str) else json.dumps(text)
        return values

    def pseudo(self, name: str, path: FieldPath) -> Any:
        if name == "AWS::AccountId":
            return self.account
        if name == "AWS::Region":
            return self.region
        if name == "AWS::Partition":
            return self.partition
        if name == "AWS::URLSuffix":
            return _URL_SUFFIX.get(self.partition, "amazonaws.com")
        if name == "AWS::NoValue":
            return NO_VALUE
        return self.symbolic(f"Ref {name}", path)  # StackName, StackId, NotificationARNs

    # --- conditions --------------------------------------------------------------------------

    def condition(self, name: Any, path: FieldPath, seen: tuple[str, ...] = ()) -> bool | Symbolic:
        if not isinstance(name, str):
            raise self.refuse(path, "a condition name must be a string")
        if name in self.conditions:
            return self.conditions[name]
        declared = self.template.get("Conditions") or {}
        if not isinstance(declared, dict) or name not in declared:
            raise self.refuse(path, f"the condition {name!r} is not in Conditions")
        if name in seen:
            raise self.refuse(("Conditions", name), "the condition refers to itself")
        value = self.truth(declared[name], ("Conditions", name), (*seen, name))
        self.conditions[name] = value
        return value

    def truth(self, value: Any, path: FieldPath, seen: tuple[str, ...] = ()) -> bool | Symbolic:
        if isinstance(value, dict) and len(value) == 1:
            ((function, argument),) = value.items()
            inner = (*path, function)
            if function == "Condition":
                return self.condition(argument, inner, seen)
            if function in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not"):
                if not isinstance(argument, list):
                    raise self.refuse(inner, f"{function} takes a list")
                if function == "Fn::Equals":
                    if len(argument) != 2:
                        raise self.refuse(inner, "Fn::Equals takes two values")
                    left = self.resolve(argument[0], (*inner, 0))
                    right = self.resolve(argument[1], (*inner, 1))
                    found = first_symbolic([left, right])
                    if found is not None:
                        return found
                    return _equal(left, right)
                parts = [self.truth(item, (*inner, i), seen) for i, item in enumerate(argument)]
                if function == "Fn::Not":
                    if len(parts) != 1:
                        raise self.refuse(inner, "Fn::Not takes one condition")
                    single = parts[0]
                    return single if isinstance(single, Symbolic) else not single
                decided = [part for part in parts if not isinstance(part, Symbolic)]
                if function == "Fn::And" and False in decided:
                    return False
                if function == "Fn::Or" and True in decided:
                    return True
                unknown = [part for part in parts if isinstance(part, Symbolic)]
                if unknown:
                    return unknown[0]
                return bool(function == "Fn::And")
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self.refuse(
            path, "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition"
        )

    # --- values ------------------------------------------------------------------------------

    def resolve(self, value: Any, path: FieldPath) -> Any:
        """``value`` with every intrinsic function resolved (or made symbolic)."""
        if isinstance(value, str):
            reference = _DYNAMIC_REFERENCE.search(value)
            if reference is not None:
                return self.symbolic(f"dynamic reference {reference[0]}", path)
            return value
        if isinstance(value, list):
            items = [self.resolve(item, (*path, index)) for index, item in enumerate(value)]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref" or key.startswith("Fn::"):
                return self.function(key, argument, (*path, key))
        resolved = {key: self.resolve(item, (*path, key)) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def function(self, name: str, argument: Any, path: FieldPath) -> Any:
        if name == "Ref":
            return self.ref(argument, path)
        if name == "Fn::Sub":
            return self.sub(argument, path)
        if name == "Fn::Join":
            return self.join(argument, path)
        if name == "Fn::GetAtt":
            return self.get_att(argument, path)
        if name == "Fn::If":
            if not isinstance(argument, list) or len(argument) != 3:
                raise self.refuse(path, "Fn::If takes [condition, value if true, value if false]")
            truth = self.condition(argument[0], (*path, 0))
            if isinstance(truth, Symbolic):
                return truth
            return self.resolve(argument[1] if truth else argument[2], (*path, 1 if truth else 2))
        if name == "Fn::Select":
            return self.select(argument, path)
        if name == "Fn::Split":
            if not isinstance(argument, list) or len(argument) != 2:
                raise self.refuse(path, "Fn::Split takes [delimiter, string]")
            delimiter, text = (
                self.resolve(argument[0], (*path, 0)),
                self.resolve(argument[1], (*path, 1)),
            )
            found = first_symbolic([delimiter, text])
            if found is not None:
                return found
            if not isinstance(delimiter, str) or not isinstance(text, str):
                raise self.refuse(path, "Fn::Split takes a delimiter and a string")
            return text.split(delimiter)
        if name == "Fn::FindInMap":
            return self.find_in_map(argument, path)
        if name == "Fn::ImportValue":
            exported = self.resolve(argument, path)
            shown = exported if isinstance(exported, str) else json.dumps(argument, default=str)
            return self.symbolic(f"Fn::ImportValue {shown}", path)
        if name == "Fn::ToJsonString":
            resolved = self.resolve(argument, path)
            return first_symbolic(resolved) or json.dumps(resolved, separators=(",", ":"))
        return self.symbolic(f"{name} {json.dumps(argument, default=str)[:80]}", path)

    def ref(self, name: Any, path: FieldPath) -> Any:
        if not isinstance(name, str):
            raise self.refuse(path, "Ref takes the name of a parameter or a resource")
        if name.startswith("AWS::"):
            return self.pseudo(name, path)
        if name in self.parameters:
            return self.parameters[name]
        resources = self.template.get("Resources") or {}
        if name in resources:
            return self.resource_value(name, "Ref", self.where(path))
        raise self.refuse(path, f"Ref {name}: no parameter or resource of that name")

    def get_att(self, argument: Any, path: FieldPath) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.refuse(path, "Fn::GetAtt takes [resource, attribute]")
        logical = argument[0]
        attribute = self.resolve(argument[1], (*path, 1))
        if isinstance(attribute, Symbolic):
            return attribute
        resources = self.template.get("Resources") or {}
        if not isinstance(logical, str) or logical not in resources:
            raise self.refuse(path, f"Fn::GetAtt: no resource {logical!r} in the template")
        return self.resource_value(logical, str(attribute), self.where(path))

    def sub(self, argument: Any, path: FieldPath) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(argument, list):
            if len(argument) != 2 or not isinstance(argument[1], dict):
                raise self.refuse(path, "Fn::Sub takes a string, or [string, {variables}]")
            text = argument[0]
            variables = {
                key: self.resolve(item, (*path, 1, key)) for key, item in argument[1].items()
            }
        else:
            text = argument
        if not isinstance(text, str):
            raise self.refuse(path, "Fn::Sub takes a string")
        if _DYNAMIC_REFERENCE.search(text):
            return self.resolve(text, path)
        pieces: list[str] = []
        position = 0
        for match in _SUB_VARIABLE.finditer(text):
            pieces.append(text[position : match.start()])
            position = match.end()
            name = match[1]
            if name.startswith("!"):
                pieces.append("${" + name[1:] + "}")
                continue
            if name in variables:
                value = variables[name]
            elif "." in name and not name.startswith("AWS::"):
                value = self.get_att(name.split(".", 1), path)
            else:
                value = self.ref(name, path)
            if isinstance(value, Symbolic):
                return value
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise self.refuse(path, f"Fn::Sub: ${{{name}}} is not a string")
            pieces.append(str(value))
        pieces.append(text[position:])
        return "".join(pieces)

    def join(self, argument: Any, path: FieldPath) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.refuse(path, "Fn::Join takes [delimiter, [values]]")
        delimiter = self.resolve(argument[0], (*path, 0))
        items = self.resolve(argument[1], (*path, 1))
        found = first_symbolic([delimiter, items])
        if found is not None:
            return found
        if not isinstance(delimiter, str) or not isinstance(items, list):
            raise self.refuse(path, "Fn::Join takes a delimiter and a list")
        if not all(isinstance(item, str | int | float) for item in items):
            raise self.refuse((*path, 1), "Fn::Join joins strings")
        return delimiter.join(str(item) for item in items)

    def select(self, argument: Any, path: FieldPath) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            raise self.refuse(path, "Fn::Select takes [index, list]")
        index = self.resolve(argument[0], (*path, 0))
        items = self.resolve(argument[1], (*path, 1))
        if isinstance(index, Symbolic):
            return index
        if isinstance(items, Symbolic):
            return items
        try:
            number = int(index)
        except (TypeError, ValueError):
            raise self.refuse((*path, 0), "Fn::Select takes a number as index") from None
        if not isinstance(items, list) or not 0 <= number < len(items):
            raise self.refuse(path, f"Fn::Select: index {number} is out of range")
        return items[number]

    def find_in_map(self, argument: Any, path: FieldPath) -> Any:
        if not isinstance(argument, list) or len(argument) not in (3, 4):
            raise self.refuse(path, "Fn::FindInMap takes [map, top-level key, second-level key]")
        keys = [self.resolve(item, (*path, index)) for index, item in enumerate(argument[:3])]
        found = first_symbolic(keys)
        if found is not None:
            return found
        mappings = self.template.get("Mappings") or {}
        try:
            value = mappings[keys[0]][keys[1]][keys[2]]
        except (KeyError, TypeError):
            if len(argument) == 4 and isinstance(argument[3], dict):
                return self.resolve(argument[3].get("DefaultValue"), (*path, 3))
            raise self.refuse(
                path, f"Fn::FindInMap: {'.'.join(map(str, keys))} is not in Mappings"
            ) from None
        return self.resolve(value, ("Mappings", *map(str, keys)))


def _equal(left: Any, right: Any) -> bool:
    return str(left) == str(right) if not isinstance(left, list | dict) else bool(left == right)


def is_concrete(value: Any) -> bool:
    return not has_symbolic(value)
