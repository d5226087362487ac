"""The one place that maps a rule id to its logic.

Each family module (``grammar``, ``catalog``, ``hygiene``, ``request``) decorates its
functions with ``@rule("RULE-ID")``; ``rule_functions()`` imports the families and returns the
map. A rule function takes the lint context and the rule's spec (for ``applies_to``) and yields
``Hit``s. ``configured_rules`` lists the built-in and organization rules as a configuration
sets them, for whoever runs or shows them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import cache, partial
from typing import TYPE_CHECKING

from checker.lint.context import Hit, LintContext
from checker.lint.spec import RuleSpec, load_rule_specs
from checker.records import field, record
from checker.results.model import Severity

if TYPE_CHECKING:
    from checker.lint.config import LintConfig

RuleFunction = Callable[[LintContext, RuleSpec], Iterable[Hit]]

FAMILIES: tuple[str, ...] = ("grammar", "catalog", "hygiene", "request")
ORGANIZATION_FAMILY = "organization"

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


@record
class ConfiguredRule:
    """A built-in or organization rule, with the severity and state the configuration gives."""

    id: str
    title: str
    family: str  # a built-in family, or ORGANIZATION_FAMILY
    applies_to: frozenset[str]
    severity: Severity
    enabled: bool
    run: Callable[[LintContext], Iterable[Hit]] = field(compare=False, repr=False)


def _run_builtin(spec: RuleSpec, context: LintContext) -> Iterable[Hit]:
    # Looked up when run, so that listing the rules (xreg rules, check --no-lint) does not
    # import the rule modules.
    return rule_functions()[spec.id](context, spec)


def configured_rules(config: LintConfig) -> list[ConfiguredRule]:
    """Every built-in rule, then the configuration's organization rules, enabled or not."""
    rules = [
        ConfiguredRule(
            id=spec.id,
            title=spec.title,
            family=spec.family,
            applies_to=spec.applies_to,
            severity=config.severity_of(spec.id, spec.severity),
            enabled=config.enabled(spec.id),
            run=partial(_run_builtin, spec),
        )
        for spec in load_rule_specs()
    ]
    rules += [
        ConfiguredRule(
            id=org_rule.id,
            title=org_rule.title,
            family=ORGANIZATION_FAMILY,
            applies_to=org_rule.applies_to,
            severity=config.severity_of(org_rule.id, org_rule.severity),
            enabled=config.enabled(org_rule.id),
            run=org_rule.run,
        )
        for org_rule in config.organization_rules
    ]
    return rules
