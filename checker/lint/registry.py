"""The one place that maps a rule id to its logic.

Each family module (``grammar``, ``catalog``, ``hygiene``, ``request``) decorates its
functions with ``@rule("RULE-ID")``; ``rule_functions()`` imports the families and returns the
map. A rule function takes the lint context and the rule's spec (for ``applies_to``) and yields
``Hit``s.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import cache

from checker.lint.context import Hit, LintContext
from checker.lint.spec import RuleSpec

RuleFunction = Callable[[LintContext, RuleSpec], Iterable[Hit]]

FAMILIES: tuple[str, ...] = ("grammar", "catalog", "hygiene", "request")

_REGISTRY: dict[str, RuleFunction] = {}


def rule(rule_id: str) -> Callable[[RuleFunction], RuleFunction]:
    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in _REGISTRY:
            raise RuntimeError(f"lint rule {rule_id} is registered twice")
        _REGISTRY[rule_id] = function
        return function

    return register


@cache
def rule_functions() -> dict[str, RuleFunction]:
    for family in FAMILIES:
        importlib.import_module(f"checker.lint.{family}")
    return dict(_REGISTRY)
