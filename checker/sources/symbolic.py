"""Values a source cannot resolve offline, and turning resolved data into plain data.

A reader resolves what it can and leaves a ``Symbolic`` where it cannot (an import, an SSM
reference, a name chosen at deploy time, a value known only after apply). Before the data
reaches the plan model each ``Symbolic`` becomes a readable placeholder string, and the
reader records where each one was, so that every decision depending on it is ``unknown``
and names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.plan.model import FieldPath
from checker.records import record


@record
class Symbolic:
    """An expression that has no value offline, and where it is written."""

    expression: str  # as the user wrote it, shortened: ``Fn::ImportValue SharedKeyArn``
    where: str  # ``infra/training.yaml:42:9``, a Terraform address, a pipeline step
    # A name that AWS accepts in this value's place, when the source gives one (a KMS key's
    # id is chosen at deploy, but the alias the template gives it names the same key).
    stands_for: str | None = None

    @property
    def placeholder(self) -> str:
        return f"<unresolved {self.expression}>"

    def describe(self) -> str:
        return f"{self.expression} ({self.where}), which cannot be resolved offline"


def has_symbolic(value: Any) -> bool:
    return next(symbolic_paths(value), None) is not None


def symbolic_paths(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Symbolic]]:
    """Every ``Symbolic`` inside ``value``, with its field path."""
    stack: list[tuple[Any, FieldPath]] = [(value, path)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, Symbolic):
            yield at, item
        elif isinstance(item, dict):
            stack.extend((child, (*at, key)) for key, child in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((child, (*at, index)) for index, child in reversed(list(enumerate(item))))


def concrete(value: Any) -> Any:
    """``value`` with every ``Symbolic`` replaced by its placeholder string."""
    if isinstance(value, Symbolic):
        return value.placeholder
    if isinstance(value, dict):
        return {key: concrete(item) for key, item in value.items()}
    if isinstance(value, list):
        return [concrete(item) for item in value]
    return value


def first_symbolic(value: Any) -> Symbolic | None:
    found = next(symbolic_paths(value), None)
    return found[1] if found else None
