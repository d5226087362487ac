"""Condition operators, evaluated three-valued against a request context.

Semantics (IAM User Guide: "Condition operators", "Conditions with multiple context keys or
values", "Single-valued vs. multivalued context keys"):

* Several values for one key are ORed; for a negated operator (``StringNotEquals``,
  ``StringNotEqualsIgnoreCase``, ``StringNotLike``, ``NumericNotEquals``, ``DateNotEquals``,
  ``ArnNotEquals``, ``ArnNotLike``, ``NotIpAddress``) the condition holds iff the request value
  matches *none* of them (NOR).
* A key known to be absent (or present with no value): ``…IfExists`` is true; ``Null: true``
  is true and ``Null: false`` false; ``ForAllValues:`` is true (vacuously) and
  ``ForAnyValue:`` false; a negated operator is **true** — the IAM docs say so explicitly
  ("If the policy condition requires that the key is not matched, such as StringNotLike or
  ArnNotLike, and the right key is not present, the condition is true"); every other
  operator is false.
* A key the context does not know makes the condition UNKNOWN whatever the operator
  (``Null`` and ``…IfExists`` included), and the key is reported.
* A multivalued request value with a plain (non set) operator is treated like
  ``ForAnyValue:``: true if some request value satisfies the operator.
* A policy or request value that does not parse for its operator (a number, a date, a CIDR,
  a boolean, base64) makes the condition false: IAM evaluates such a comparison to false.
* Policy variables are substituted only for string and ARN operators, value by value. A value
  whose variable's key is known absent (and has no default) cannot be matched: IAM says "any
  attempt to match it fails" (IAM User Guide, "IAM policy elements: Variables and tags",
  principal key values). So every comparison with it is false: for a positive operator the
  other values still decide (``["ops", "${aws:username}"]`` holds for ``ops`` in a role's
  request), for a negated one (all comparisons must succeed) the condition is false. A value
  whose variable's key is unknown makes each comparison with it unknown: a request value
  another value decides stays decided, the rest is UNKNOWN.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, cast

from checker.policy.decision import Tri
from checker.policy.glob import Glob, compile_glob, glob_covers, globs_intersect, parse_glob
from checker.policy.matching import (
    glob_covers_arn,
    glob_matches_arn,
    globs_intersect_arn,
    split_arn_glob,
)
from checker.policy.model import Condition
from checker.policy.request import RequestContext
from checker.policy.trilogic import any_of, both, either
from checker.policy.unparseable import UnparseableValue
from checker.policy.variables import (
    ABSENT,
    Template,
    UnknownKey,
    has_variables,
    parse_template,
    resolve,
)
from checker.records import record


@record
class OperatorSpec:
    family: str  # string, numeric, date, bool, binary, ip, arn, null
    test: str  # equals, equals_ignore_case, like, lt, le, gt, ge, in_network, is_null
    negated: bool


_BASE_OPERATORS: Final[dict[str, OperatorSpec]] = {
    "stringequals": OperatorSpec("string", "equals", False),
    "stringnotequals": OperatorSpec("string", "equals", True),
    "stringequalsignorecase": OperatorSpec("string", "equals_ignore_case", False),
    "stringnotequalsignorecase": OperatorSpec("string", "equals_ignore_case", True),
    "stringlike": OperatorSpec("string", "like", False),
    "stringnotlike": OperatorSpec("string", "like", True),
    "numericequals": OperatorSpec("numeric", "equals", False),
    "numericnotequals": OperatorSpec("numeric", "equals", True),
    "numericlessthan": OperatorSpec("numeric", "lt", False),
    "numericlessthanequals": OperatorSpec("numeric", "le", False),
    "numericgreaterthan": OperatorSpec("numeric", "gt", False),
    "numericgreaterthanequals": OperatorSpec("numeric", "ge", False),
    "dateequals": OperatorSpec("date", "equals", False),
    "datenotequals": OperatorSpec("date", "equals", True),
    "datelessthan": OperatorSpec("date", "lt", False),
    "datelessthanequals": OperatorSpec("date", "le", False),
    "dategreaterthan": OperatorSpec("date", "gt", False),
    "dategreaterthanequals": OperatorSpec("date", "ge", False),
    "bool": OperatorSpec("bool", "equals", False),
    "binaryequals": OperatorSpec("binary", "equals", False),
    "ipaddress": OperatorSpec("ip", "in_network", False),
    "notipaddress": OperatorSpec("ip", "in_network", True),
    "arnequals": OperatorSpec("arn", "like", False),
    "arnlike": OperatorSpec("arn", "like", False),
    "arnnotequals": OperatorSpec("arn", "like", True),
    "arnnotlike": OperatorSpec("arn", "like", True),
    "null": OperatorSpec("null", "is_null", False),
}

_IF_EXISTS = "ifexists"


@record
class ParsedOperator:
    spec: OperatorSpec
    set_operator: str | None  # "any" (ForAnyValue:), "all" (ForAllValues:) or None
    if_exists: bool


def parse_operator(name: str) -> ParsedOperator | None:
    """``ForAnyValue:StringLikeIfExists`` → its parts; ``None`` for an unknown operator.

    Names are compared ignoring case. ``IfExists`` is not allowed on ``Null``.
    """
    lowered = name.lower()
    set_operator: str | None = None
    for prefix, kind in (("foranyvalue:", "any"), ("forallvalues:", "all")):
        if lowered.startswith(prefix):
            set_operator, lowered = kind, lowered[len(prefix) :]
            break
    if_exists = lowered.endswith(_IF_EXISTS) and lowered != _IF_EXISTS
    if if_exists:
        lowered = lowered[: -len(_IF_EXISTS)]
    spec = _BASE_OPERATORS.get(lowered)
    if spec is None or (if_exists and spec.family == "null"):
        return None
    return ParsedOperator(spec, set_operator, if_exists)


@record
class ConditionResult:
    tri: Tri
    unknown_keys: tuple[str, ...] = ()


TRUE_RESULT: Final = ConditionResult(Tri.TRUE)
FALSE_RESULT: Final = ConditionResult(Tri.FALSE)


# A prepared policy value: what one request value is compared against.
Prepared = object


@record
class CompiledCondition:
    """A condition with its operator parsed and its values prepared once."""

    source: Condition
    key: str  # lower-cased
    operator: ParsedOperator
    templates: tuple[Template, ...]  # string / ARN values as parsed
    prepared: tuple[Prepared, ...] | None  # values ready to compare; None: unparseable
    substitutes: bool = False  # values hold policy variables: prepared per request

    @property
    def label(self) -> str:
        return f"{self.source.operator} {self.source.key}"


def compile_condition(condition: Condition, *, variables: bool) -> CompiledCondition:
    parsed = parse_operator(condition.operator)
    if parsed is None:
        raise ValueError(f"unknown condition operator {condition.operator!r}")
    family = parsed.spec.family
    templates: tuple[Template, ...] = ()
    prepared: tuple[Prepared, ...] | None
    if family in ("string", "arn"):
        wildcards = parsed.spec.test == "like"
        templates = tuple(
            parse_template(value, variables=variables, wildcards=wildcards)
            for value in condition.values
        )
        if any(has_variables(t) for t in templates):
            return CompiledCondition(condition, condition.key.lower(), parsed, templates, (), True)
        prepared = tuple(_prepare_text(parsed.spec, cast(Glob, t)) for t in templates)
    elif family == "null":
        prepared = tuple(condition.values)  # "true" / "false", checked when evaluated
    else:
        # Numbers, dates, base64 and CIDRs are rare in the policies xreg reads: their
        # parsers (decimal, datetime, base64) load only when a condition needs them.
        from checker.policy.typed_values import prepare_typed

        try:
            prepared = tuple(prepare_typed(family, value) for value in condition.values)
        except UnparseableValue:
            prepared = None
    return CompiledCondition(condition, condition.key.lower(), parsed, templates, prepared)


def _prepare_text(spec: OperatorSpec, glob: Glob) -> Prepared:
    if spec.family == "arn":
        return glob
    if spec.test == "like":
        return compile_glob(glob)
    text = "".join(str(token) for token in glob)
    return text.casefold() if spec.test == "equals_ignore_case" else text


def _matches_one(spec: OperatorSpec, request_value: str, policy_value: Prepared) -> bool:
    """The positive comparison of one request value with one prepared policy value."""
    family = spec.family
    if family == "string":
        if spec.test == "like":
            assert isinstance(policy_value, re.Pattern)
            return policy_value.fullmatch(request_value) is not None
        if spec.test == "equals_ignore_case":
            return request_value.casefold() == policy_value
        return request_value == policy_value
    if family == "arn":
        assert isinstance(policy_value, tuple)
        return glob_matches_arn(policy_value, request_value)
    from checker.policy.typed_values import typed_matches

    return typed_matches(family, spec.test, request_value, policy_value)


def _arn_match_tri(request_value: str, policy_value: Prepared) -> Tri:
    """An ARN operator's comparison of one value, three-valued. IAM compares "each of the six
    colon-delimited components of the ARN separately" (IAM User Guide, "Amazon Resource Name
    (ARN) condition operators"); for a pattern with fewer components it does not say how the
    parts line up. The whole-string reading, where ``*`` and ``?`` may match a ``:``, is the
    widest: no match there is no match in any reading, a match is only possibly one."""
    assert isinstance(policy_value, tuple)
    matched = glob_matches_arn(policy_value, request_value)
    if matched and len(policy_value) > 1 and split_arn_glob(policy_value) is None:
        return Tri.UNKNOWN
    return Tri.TRUE if matched else Tri.FALSE


def _negated(tri: Tri) -> Tri:
    return {Tri.TRUE: Tri.FALSE, Tri.FALSE: Tri.TRUE}.get(tri, Tri.UNKNOWN)


def _arn_value_tri(spec: OperatorSpec, request_value: str, prepared: Sequence[Prepared]) -> Tri:
    """One request value against all ARN policy values: OR, or NOR for a negated operator."""
    matched = any_of(_arn_match_tri(request_value, value) for value in prepared)
    return _negated(matched) if spec.negated else matched


def _value_holds(spec: OperatorSpec, request_value: str, prepared: Sequence[Prepared]) -> bool:
    """One request value against all policy values: OR, or NOR for a negated operator."""
    matched = any(_matches_one(spec, request_value, value) for value in prepared)
    return not matched if spec.negated else matched


def _when_absent(condition: CompiledCondition) -> ConditionResult:
    operator = condition.operator
    if operator.spec.family == "null":
        return _null_result(condition, key_present=False)
    if operator.if_exists or operator.set_operator == "all":
        return TRUE_RESULT
    if operator.set_operator == "any":
        return FALSE_RESULT
    return TRUE_RESULT if operator.spec.negated else FALSE_RESULT


def _null_result(condition: CompiledCondition, *, key_present: bool) -> ConditionResult:
    """``Null: true`` holds iff the key is absent; ``Null: false`` iff it is present. With
    several values (unusual) any may hold."""
    wants: list[bool] = []
    for value in condition.source.values:
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            wants.append(lowered == "true")
    holds = any(want_absent != key_present for want_absent in wants)
    return TRUE_RESULT if holds else FALSE_RESULT


@record
class _Substituted:
    """The policy values after substitution: those that resolved, whether some value's
    variable is known absent, and the keys of the variables whose values are unknown."""

    values: tuple[Prepared, ...]
    absent: bool
    unknown: tuple[str, ...]


def _resolved(
    condition: CompiledCondition, context: RequestContext
) -> tuple[list[Glob], bool, list[str]]:
    """The policy values with their variables resolved; whether some value's variable is
    known absent; the keys of the variables whose values are unknown."""
    values: list[Glob] = []
    absent = False
    unknown: list[str] = []
    for template in condition.templates:
        resolved = resolve(template, context)
        if resolved is ABSENT:
            absent = True
        elif isinstance(resolved, UnknownKey):
            unknown.append(resolved.key)
        else:
            assert isinstance(resolved, tuple)
            values.append(resolved)
    return values, absent, unknown


def _substituted(condition: CompiledCondition, context: RequestContext) -> _Substituted:
    globs, absent, unknown = _resolved(condition, context)
    values = tuple(_prepare_text(condition.operator.spec, glob) for glob in globs)
    return _Substituted(values, absent, tuple(sorted(set(unknown))))


def _value_tri(spec: OperatorSpec, request_value: str, policy: _Substituted) -> Tri:
    """One request value against substituted policy values (see the module docstring)."""
    if spec.family == "arn":
        matched = any_of(_arn_match_tri(request_value, value) for value in policy.values)
    else:
        matched = (
            Tri.TRUE
            if any(_matches_one(spec, request_value, value) for value in policy.values)
            else Tri.FALSE
        )
    if spec.negated:
        if matched is Tri.TRUE or policy.absent:
            return Tri.FALSE
        return Tri.UNKNOWN if policy.unknown or matched is Tri.UNKNOWN else Tri.TRUE
    if matched is Tri.TRUE:
        return Tri.TRUE
    return Tri.UNKNOWN if policy.unknown or matched is Tri.UNKNOWN else Tri.FALSE


def _evaluate_substituted(
    condition: CompiledCondition, found: tuple[str, ...], context: RequestContext
) -> ConditionResult:
    policy = _substituted(condition, context)
    operator = condition.operator
    combined = Tri.TRUE if operator.set_operator == "all" else Tri.FALSE
    for value in found:
        tri = _value_tri(operator.spec, value, policy)
        combined = both(combined, tri) if operator.set_operator == "all" else either(combined, tri)
    if combined is Tri.UNKNOWN:
        # No variable unknown: a pattern that matches only possibly (an ARN of few parts).
        return ConditionResult(Tri.UNKNOWN, policy.unknown or (condition.key,))
    return TRUE_RESULT if combined is Tri.TRUE else FALSE_RESULT


def _lowered(glob: Glob) -> Glob:
    return tuple(token.casefold() if isinstance(token, str) else token for token in glob)


def _shape_matched(spec: OperatorSpec, values: Sequence[Glob], shapes: Sequence[Glob]) -> Tri:
    """Whether every value the shapes stand for matches some policy value (TRUE), none does
    (FALSE), or it depends on the part of the value that is not known (UNKNOWN). Sure only
    when a single policy value covers a whole shape, so UNKNOWN may stand for a TRUE."""
    if spec.test == "equals_ignore_case":
        values, shapes = [_lowered(v) for v in values], [_lowered(s) for s in shapes]
    covers = glob_covers_arn if spec.family == "arn" else glob_covers
    meets = globs_intersect_arn if spec.family == "arn" else globs_intersect
    if all(any(covers(value, shape) for value in values) for shape in shapes):
        return Tri.TRUE
    if not any(meets(value, shape) for value in values for shape in shapes):
        return Tri.FALSE
    return Tri.UNKNOWN


def _evaluate_shapes(
    condition: CompiledCondition, shapes: tuple[str, ...], context: RequestContext
) -> ConditionResult:
    """A string or ARN condition on a key whose one value is known only in part."""
    spec = condition.operator.spec
    unknown_result = ConditionResult(Tri.UNKNOWN, (condition.key,))
    if spec.family == "null":
        return _null_result(condition, key_present=True)
    if spec.family not in ("string", "arn"):
        return unknown_result
    values, absent, unknown = _resolved(condition, context)
    matched = _shape_matched(spec, values, [parse_glob(shape) for shape in shapes])
    if spec.negated:
        if matched is Tri.TRUE or absent:
            tri = Tri.FALSE
        else:
            tri = Tri.TRUE if matched is Tri.FALSE and not unknown else Tri.UNKNOWN
    elif matched is Tri.TRUE:
        tri = Tri.TRUE
    else:
        tri = Tri.FALSE if matched is Tri.FALSE and not unknown else Tri.UNKNOWN
    if tri is Tri.UNKNOWN:
        return ConditionResult(Tri.UNKNOWN, tuple(sorted({condition.key, *unknown})))
    return TRUE_RESULT if tri is Tri.TRUE else FALSE_RESULT


def evaluate_condition(condition: CompiledCondition, context: RequestContext) -> ConditionResult:
    found = context.lookup(condition.key)
    if found is None:
        shapes = context.shapes.get(condition.key)
        if shapes:
            return _evaluate_shapes(condition, shapes, context)
        return ConditionResult(Tri.UNKNOWN, (condition.key,))
    if found is False or found == ():
        return _when_absent(condition)
    assert isinstance(found, tuple)
    operator = condition.operator
    if operator.spec.family == "null":
        return _null_result(condition, key_present=True)
    if condition.substitutes:
        return _evaluate_substituted(condition, found, context)
    prepared = condition.prepared
    if prepared is None:
        return FALSE_RESULT
    if operator.spec.family == "arn":
        tris = [_arn_value_tri(operator.spec, value, prepared) for value in found]
        combined = Tri.TRUE if operator.set_operator == "all" else Tri.FALSE
        for tri in tris:
            combined = (
                both(combined, tri) if operator.set_operator == "all" else either(combined, tri)
            )
        if combined is Tri.UNKNOWN:
            return ConditionResult(Tri.UNKNOWN, (condition.key,))
        return TRUE_RESULT if combined is Tri.TRUE else FALSE_RESULT
    try:
        if operator.set_operator == "all":
            holds = all(_value_holds(operator.spec, value, prepared) for value in found)
        else:
            holds = any(_value_holds(operator.spec, value, prepared) for value in found)
    except UnparseableValue:
        return FALSE_RESULT
    return TRUE_RESULT if holds else FALSE_RESULT


def evaluate_conditions(
    conditions: Sequence[CompiledCondition], context: RequestContext
) -> ConditionResult:
    """All conditions of a statement, ANDed; the unknown keys when the result is UNKNOWN."""
    unknown: list[str] = []
    for condition in conditions:
        result = evaluate_condition(condition, context)
        if result.tri is Tri.FALSE:
            return FALSE_RESULT
        if result.tri is Tri.UNKNOWN:
            unknown.extend(result.unknown_keys)
    if unknown:
        return ConditionResult(Tri.UNKNOWN, tuple(sorted(set(unknown))))
    return TRUE_RESULT
