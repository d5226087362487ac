"""Policies compiled once for fast, repeated evaluation.

A ``Policy`` is compiled on first use and kept while the policy object lives, and no longer
(keyed by identity: hashing a whole policy on every decision would cost more than evaluating
it).
Action and resource matches of a statement are memoized per action / resource string, since
one check asks the same few questions many times.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from typing import Final, TypeVar

from checker.policy.conditions import CompiledCondition, compile_condition
from checker.policy.glob import parse_glob, regex_source
from checker.policy.model import Policy, PolicyType, Statement
from checker.policy.variables import (
    VARIABLES_VERSION,
    Template,
    has_variables,
    parse_resource_template,
)
from checker.records import field, record

K = TypeVar("K")
V = TypeVar("V")


def _names_principals(policy_type: PolicyType) -> bool:
    """Resource-based policies and RCPs (which must say ``"Principal": "*"``) name principals;
    identity policies, boundaries and SCPs apply to the principal they are attached to."""
    return policy_type.is_resource_policy or policy_type is PolicyType.RCP


def _actions_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(f"(?:{regex_source(parse_glob(p), '.')})" for p in patterns)
    return re.compile(alternatives, re.IGNORECASE | re.DOTALL)


# Memo tables are emptied when they reach this size, so a long run over many distinct
# resources cannot grow them without bound.
MEMO_LIMIT: Final = 4096


def remember(memo: dict[K, V], key: K, value: V) -> V:
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


@record(frozen=False)
class CompiledStatement:
    statement: Statement
    actions: re.Pattern[str] | None  # Action or NotAction, as one regex
    actions_negated: bool
    resources: tuple[Template, ...] | None  # Resource or NotResource patterns
    resources_negated: bool
    resource_variables: bool
    conditions: tuple[CompiledCondition, ...]
    action_cache: dict[str, bool] = field(default_factory=dict)
    resource_cache: dict[str, object] = field(default_factory=dict)
    principal_cache: dict[tuple[str, str, bool], object] = field(default_factory=dict)

    def action_applies(self, action: str) -> bool:
        cached = self.action_cache.get(action)
        if cached is None:
            # A statement without Action / NotAction (only a hand-built one) matches nothing.
            matched = self.actions is not None and self.actions.fullmatch(action) is not None
            cached = remember(
                self.action_cache,
                action,
                self.actions is not None and matched != self.actions_negated,
            )
        return cached


# An Allow statement with whether its action, principal and resource match.
NearMiss = tuple[CompiledStatement, bool, bool, bool]


@record(frozen=False)
class CompiledPolicy:
    # Weak: the cache below holds compiled policies, and a strong reference back would keep
    # every policy ever compiled alive (an audit compiles a few per version).
    policy_ref: weakref.ref[Policy]
    statements: tuple[CompiledStatement, ...]
    names_principals: bool
    resource_variables: bool  # some Resource / NotResource holds a policy variable
    by_action: dict[str, tuple[CompiledStatement, ...]] = field(default_factory=dict)
    # Closest-statement candidates by (principal, action, resource, has_boundary): see explain.
    near_misses: dict[tuple[str, str, str, bool], tuple[NearMiss, ...]] = field(
        default_factory=dict
    )

    @property
    def policy(self) -> Policy:
        """The policy compiled (alive while anyone evaluates it: they hold it)."""
        policy = self.policy_ref()
        assert policy is not None, "a compiled policy outlived its policy"
        return policy

    def candidates(self, action: str) -> tuple[CompiledStatement, ...]:
        """The statements whose Action / NotAction admits ``action``, in document order."""
        found = self.by_action.get(action)
        if found is None:
            found = remember(
                self.by_action,
                action,
                tuple(cs for cs in self.statements if cs.action_applies(action)),
            )
        return found


def _compile_statement(statement: Statement, *, variables: bool) -> CompiledStatement:
    action_patterns = statement.action if statement.action is not None else statement.not_action
    resource_patterns = (
        statement.resource if statement.resource is not None else statement.not_resource
    )
    resources: tuple[Template, ...] | None = None
    if resource_patterns is not None:
        resources = tuple(
            parse_resource_template(p, variables=variables) for p in resource_patterns
        )
    return CompiledStatement(
        statement=statement,
        actions=_actions_regex(action_patterns) if action_patterns else None,
        actions_negated=statement.action is None,
        resources=resources,
        resources_negated=statement.resource is None and statement.not_resource is not None,
        resource_variables=bool(resources) and any(has_variables(t) for t in resources or ()),
        conditions=tuple(
            compile_condition(condition, variables=variables) for condition in statement.conditions
        ),
    )


def _compile(policy: Policy, reference: weakref.ref[Policy]) -> CompiledPolicy:
    variables = policy.version == VARIABLES_VERSION
    statements = tuple(_compile_statement(s, variables=variables) for s in policy.statements)
    return CompiledPolicy(
        policy_ref=reference,
        statements=statements,
        names_principals=_names_principals(policy.type),
        resource_variables=any(cs.resource_variables for cs in statements),
    )


_cache: dict[int, tuple[weakref.ref[Policy], CompiledPolicy]] = {}


def compiled(policy: Policy) -> CompiledPolicy:
    """The compiled form of ``policy``, built once per policy object."""
    key = id(policy)
    entry = _cache.get(key)
    if entry is not None and entry[0]() is policy:
        return entry[1]
    reference = weakref.ref(policy, _forgetter(key))
    result = _compile(policy, reference)
    _cache[key] = (reference, result)
    return result


def _forgetter(key: int) -> Callable[[weakref.ref[Policy]], None]:
    """Drop the cache entry when its policy is collected, before its id can be reused."""

    cache = _cache  # bound now: module globals may already be gone at interpreter exit

    def forget(_ref: weakref.ref[Policy]) -> None:
        cache.pop(key, None)

    return forget
