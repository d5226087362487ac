"""Organization rules: lint rules written in YAML, without Python, matching normalized statements.

A rule selects statements with ``when`` and demands properties with ``require``; a selected
statement that misses any demand is a finding (with no ``require``, every selected statement
is one). See ``docs/lint.md`` for the format and examples::

    organization-rules:
      - id: ORG-CROSS-ACCOUNT-ORG-ID
        title: Every Allow to another account carries aws:PrincipalOrgID
        severity: error
        applies_to: [bucket, repository, key, model_package_group]
        when: {effect: Allow, cross_account: true}
        require: {condition_keys: [aws:PrincipalOrgID]}
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.lint.context import Hit, LintContext, PolicyUnit
from checker.lint.statements import is_public, other_accounts
from checker.lint.yaml_input import read_yaml_input
from checker.policy.glob import glob_covers, globs_intersect, parse_glob
from checker.policy.matching import arn_pattern_covers, arn_patterns_intersect
from checker.policy.model import PolicyType, Statement
from checker.records import record
from checker.results.model import Severity

POLICY_TYPES = tuple(kind.value for kind in PolicyType)
_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
_RULE_KEYS = ("id", "title", "severity", "message", "applies_to", "when", "require", "description")
_WHEN_KEYS = ("effect", "cross_account", "public", "actions", "resources", "principals")
_REQUIRE_KEYS = (
    "condition_keys",
    "condition_keys_any",
    "actions_within",
    "resources_within",
    "principals_within",
)


@record
class NormalizedStatement:
    """One statement as organization rules see it.

    ``actions`` are lower-cased (None for a NotAction statement: it grants all but some);
    ``resources`` is None for NotResource; an ECR repository policy's statements are about
    their repository. ``principals`` are ARNs, ``*`` for everyone. ``cross_account``: the
    statement names a principal of another account than the policy's, or everyone.
    """

    policy_type: str
    effect: str
    actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    principals: tuple[str, ...]
    cross_account: bool
    public: bool
    condition_keys: frozenset[str]

    @staticmethod
    def of(unit: PolicyUnit, statement: Statement) -> NormalizedStatement:
        principals = list(statement.principal.aws) if statement.principal else []
        if is_public(statement):
            principals.append("*")
        resources: tuple[str, ...] | None
        if statement.not_resource is not None:
            resources = None
        elif statement.resource is not None:
            resources = statement.resource
        elif unit.type is PolicyType.REPOSITORY:
            resources = (unit.attached_to,)
        else:
            resources = ()
        public = is_public(statement) or (
            statement.not_principal is not None and statement.effect == "Allow"
        )
        return NormalizedStatement(
            policy_type=unit.type.value,
            effect=statement.effect,
            actions=None
            if statement.action is None
            else tuple(a.lower() for a in statement.action),
            resources=resources,
            principals=tuple(principals),
            cross_account=public or bool(other_accounts(statement, unit.owner)),
            public=public,
            condition_keys=frozenset(condition.key.lower() for condition in statement.conditions),
        )


@record
class Selector:
    effect: str | None = None
    cross_account: bool | None = None
    public: bool | None = None
    actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    principals: tuple[str, ...] | None = None

    def selects(self, statement: NormalizedStatement) -> bool:
        if self.effect is not None and statement.effect != self.effect:
            return False
        if self.cross_account is not None and statement.cross_account != self.cross_account:
            return False
        if self.public is not None and statement.public != self.public:
            return False
        # A NotAction / NotResource statement may reach anything: it is selected.
        if self.actions is not None and statement.actions is not None:
            wanted = [parse_glob(glob.lower()) for glob in self.actions]
            pairs = ((parse_glob(a), w) for a in statement.actions for w in wanted)
            if not any(globs_intersect(a, w) for a, w in pairs):
                return False
        if self.resources is not None and statement.resources is not None:
            pairs_r = ((r, w) for r in statement.resources for w in self.resources)
            if not any(arn_patterns_intersect(r, w) for r, w in pairs_r):
                return False
        if self.principals is not None:
            pairs_p = ((p, w) for p in statement.principals for w in self.principals)
            if not any(arn_patterns_intersect(p, w) for p, w in pairs_p):
                return False
        return True


@record
class Requirement:
    condition_keys: tuple[str, ...] = ()
    condition_keys_any: tuple[str, ...] = ()
    actions_within: tuple[str, ...] | None = None
    resources_within: tuple[str, ...] | None = None
    principals_within: tuple[str, ...] | None = None

    def missing(self, statement: NormalizedStatement) -> list[str]:
        """What the statement lacks, one phrase each; empty when it meets every demand."""
        gaps: list[str] = []
        absent = [key for key in self.condition_keys if key.lower() not in statement.condition_keys]
        if absent:
            gaps.append(f"has no condition on {', '.join(absent)}")
        if self.condition_keys_any and not any(
            key.lower() in statement.condition_keys for key in self.condition_keys_any
        ):
            gaps.append(f"has no condition on any of {', '.join(self.condition_keys_any)}")
        if self.actions_within is not None:
            allowed = [parse_glob(glob.lower()) for glob in self.actions_within]
            if statement.actions is None:
                gaps.append("uses NotAction")
            else:
                outside = [
                    a
                    for a in statement.actions
                    if not any(glob_covers(g, parse_glob(a)) for g in allowed)
                ]
                if outside:
                    gaps.append(
                        f"allows {', '.join(outside)}, outside {', '.join(self.actions_within)}"
                    )
        if self.resources_within is not None:
            if statement.resources is None:
                gaps.append("uses NotResource")
            else:
                outside = [
                    r
                    for r in statement.resources
                    if not any(arn_pattern_covers(g, r) for g in self.resources_within)
                ]
                if outside:
                    gaps.append(
                        f"names {', '.join(outside)}, outside {', '.join(self.resources_within)}"
                    )
        if self.principals_within is not None:
            outside = [
                p
                for p in statement.principals
                if not any(arn_pattern_covers(g, p) for g in self.principals_within)
            ]
            if outside:
                allowed_text = ", ".join(self.principals_within)
                gaps.append(f"names principal {', '.join(outside)}, outside {allowed_text}")
        return gaps


@record
class OrgRule:
    id: str
    title: str
    severity: Severity
    applies_to: frozenset[str]
    when: Selector
    require: Requirement | None
    message: str | None = None
    source: str = ""

    def run(self, context: LintContext) -> Iterator[Hit]:
        for unit, policy in context.policies_for(self.applies_to):
            for statement in policy.statements:
                normalized = NormalizedStatement.of(unit, statement)
                if not self.when.selects(normalized):
                    continue
                gaps = (
                    self.require.missing(normalized)
                    if self.require is not None
                    else ["is not allowed"]
                )
                if not gaps:
                    continue
                message = self.message or self.title
                missing = "; ".join(gaps)
                yield unit.hit(
                    f"statement {statement.label} of the {unit.target} {missing}: {message}",
                    statement,
                )


class _Reader:
    """Reads one organization rule, naming the exact key of any error."""

    def __init__(self, source: str, path: str) -> None:
        self.source = source
        self.path = path

    def fail(self, key: str, reason: str) -> InputError:
        return InputError(self.source, f"{self.path}.{key}" if key else self.path, reason)

    def keys(self, value: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
        for key in value:
            if key not in allowed:
                raise self.fail(f"{where}{key}", f"unknown key (known: {', '.join(allowed)})")

    def strings(self, value: object, key: str) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if (
            isinstance(value, list)
            and value
            and all(isinstance(item, str) and item for item in value)
        ):
            return tuple(value)
        raise self.fail(key, "must be a string or a non-empty list of strings")

    def boolean(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def rule(self, raw: object) -> OrgRule:
        if not isinstance(raw, Mapping):
            raise self.fail("", "an organization rule is a mapping with id, title, severity, when")
        self.keys(raw, _RULE_KEYS, "")
        for key in ("id", "title", "severity", "when"):
            if key not in raw:
                raise self.fail(key, "is required")
        rule_id = raw["id"]
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            raise self.fail("id", "must look like ORG-MY-RULE (capitals, digits, dashes)")
        if not isinstance(raw["title"], str) or not raw["title"].strip():
            raise self.fail("title", "must be a non-empty string")
        if raw["severity"] not in ("error", "warning", "info"):
            raise self.fail("severity", "must be error, warning or info")
        message = raw.get("message")
        if message is not None and not isinstance(message, str):
            raise self.fail("message", "must be a string")
        applies_to = self.strings(raw.get("applies_to", list(POLICY_TYPES)), "applies_to")
        for kind in applies_to:
            if kind not in POLICY_TYPES:
                raise self.fail(
                    "applies_to", f"{kind!r} is not a policy type ({', '.join(POLICY_TYPES)})"
                )
        return OrgRule(
            id=rule_id,
            title=raw["title"].strip(),
            severity=Severity(raw["severity"]),
            applies_to=frozenset(applies_to),
            when=self.selector(raw["when"]),
            require=self.requirement(raw["require"]) if "require" in raw else None,
            message=message,
            source=self.source,
        )

    def selector(self, raw: object) -> Selector:
        if not isinstance(raw, Mapping):
            raise self.fail("when", f"must be a mapping of {', '.join(_WHEN_KEYS)}")
        self.keys(raw, _WHEN_KEYS, "when.")
        effect = raw.get("effect")
        if effect is not None and effect not in ("Allow", "Deny"):
            raise self.fail("when.effect", "must be Allow or Deny")

        def optional_bool(key: str) -> bool | None:
            return self.boolean(raw[key], f"when.{key}") if key in raw else None

        def optional_strings(key: str) -> tuple[str, ...] | None:
            return self.strings(raw[key], f"when.{key}") if key in raw else None

        return Selector(
            effect=effect,
            cross_account=optional_bool("cross_account"),
            public=optional_bool("public"),
            actions=optional_strings("actions"),
            resources=optional_strings("resources"),
            principals=optional_strings("principals"),
        )

    def requirement(self, raw: object) -> Requirement:
        if not isinstance(raw, Mapping) or not raw:
            raise self.fail("require", f"must be a mapping of {', '.join(_REQUIRE_KEYS)}")
        self.keys(raw, _REQUIRE_KEYS, "require.")

        def optional_strings(key: str) -> tuple[str, ...] | None:
            return self.strings(raw[key], f"require.{key}") if key in raw else None

        return Requirement(
            condition_keys=optional_strings("condition_keys") or (),
            condition_keys_any=optional_strings("condition_keys_any") or (),
            actions_within=optional_strings("actions_within"),
            resources_within=optional_strings("resources_within"),
            principals_within=optional_strings("principals_within"),
        )


def load_org_rules(value: object, *, source: Path, prefix: str) -> list[OrgRule]:
    """Organization rules given inline (a list) or as the path of a YAML file with the list."""
    where = str(source)
    if isinstance(value, str):
        path = source.parent / value
        value = read_yaml_input(
            path,
            unreadable=lambda error: InputError(
                where, prefix, f"cannot read {path}: {error.strerror}"
            ),
        )
        where, prefix = str(path), "$"
        if isinstance(value, Mapping) and "organization-rules" in value:
            value, prefix = value["organization-rules"], "organization-rules"
    if not isinstance(value, list):
        raise InputError(
            where, prefix, "must be a list of rules, or the path of a YAML file with one"
        )
    rules: list[OrgRule] = []
    for index, raw in enumerate(value):
        item_path = f"[{index}]" if prefix == "$" else f"{prefix}[{index}]"
        rule = _Reader(where, item_path).rule(raw)
        if any(existing.id == rule.id for existing in rules):
            raise InputError(where, f"{item_path}.id", f"{rule.id} is defined twice")
        rules.append(rule)
    from checker.lint.spec import rule_ids

    for index, rule in enumerate(rules):
        if rule.id in rule_ids():
            item_path = f"[{index}]" if prefix == "$" else f"{prefix}[{index}]"
            raise InputError(where, f"{item_path}.id", f"{rule.id} is a built-in rule id")
    return rules
