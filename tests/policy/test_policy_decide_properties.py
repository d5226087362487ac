"""Properties of decide_access over generated policies and questions."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from policy_builders import BUCKET, KEY, OBJECT, ROLE_R, SESSION_R, R, T

from checker.policy import (
    AccessQuestion,
    Decision,
    Grant,
    Policy,
    PolicyType,
    Request,
    RequestContext,
    decide_access,
    parse_policy,
)
from checker.records import replace

ROLE_T2 = f"arn:aws:iam::{T}:role/Reader"
ACTIONS = [
    "s3:GetObject",
    "s3:GetBucketAcl",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "ecr:BatchGetImage",
]
ACTION_PATTERNS = [*ACTIONS, "s3:*", "s3:Get*", "kms:*", "*", "*", "ecr:Describe*"]
RESOURCES = [OBJECT, BUCKET, KEY]
RESOURCE_PATTERNS = [
    *RESOURCES,
    f"{BUCKET}/*",
    "*",
    "arn:aws:kms:*:*:key/*",
    "arn:aws:s3:::other/*",
]
PRINCIPALS = [
    "*",
    {"AWS": R},
    {"AWS": T},
    {"AWS": ROLE_R},
    {"AWS": SESSION_R},
    {"AWS": ROLE_T2},
    {"AWS": [ROLE_R, R]},
    {"Service": "sagemaker.amazonaws.com"},
]
CONDITIONS = [
    {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
    {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}},
    {"Null": {"aws:SourceVpce": "true"}},
]


@st.composite
def statements(
    draw: st.DrawFn, *, effect: str | None = None, principal: bool = False
) -> dict[str, Any]:
    # Allows outnumber denies, and broad allows are common, so that "allowed" is frequent
    # enough to test properties of.
    chosen = effect or draw(st.sampled_from(["Allow"] * 4 + ["Deny"]))
    if chosen == "Allow" and draw(st.integers(0, 2)) == 0:
        broad: dict[str, Any] = {"Effect": "Allow", "Action": "*", "Resource": "*"}
        if principal:
            broad["Principal"] = draw(
                st.sampled_from(["*", {"AWS": [R, T]}, {"AWS": [ROLE_R, ROLE_T2]}])
            )
        return broad
    found: dict[str, Any] = {"Effect": chosen}
    action_key = draw(st.sampled_from(["Action", "Action", "Action", "NotAction"]))
    found[action_key] = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=2))
    resource_key = draw(st.sampled_from(["Resource", "Resource", "Resource", "NotResource"]))
    found[resource_key] = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2))
    if principal:
        key = draw(st.sampled_from(["Principal"] * 5 + ["NotPrincipal"]))
        found[key] = draw(st.sampled_from(PRINCIPALS))
    if draw(st.integers(0, 3)) == 0:
        found["Condition"] = draw(st.sampled_from(CONDITIONS))
    return found


def build(kind: PolicyType, body: list[dict[str, Any]], source: str) -> Policy:
    return parse_policy(
        {"Version": "2012-10-17", "Statement": body}, source=source, policy_type=kind
    )


RESOURCE_TYPES = {OBJECT: PolicyType.BUCKET, BUCKET: PolicyType.BUCKET, KEY: PolicyType.KEY}


def sometimes(strategy: st.SearchStrategy[Any], weight: int) -> st.SearchStrategy[Any]:
    """``strategy`` ``weight`` times in five, else None."""
    return st.integers(0, 4).flatmap(lambda n: strategy if n < weight else st.none())


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Raw documents (so a property can edit them) plus the request around them."""
    resource = draw(st.sampled_from(RESOURCES))
    values: dict[str, tuple[str, ...]] = {}
    absent: set[str] = set()
    for key, choices in (
        ("aws:sourcevpce", ["vpce-1", "vpce-2"]),
        ("aws:principalorgid", ["o-1", "o-2"]),
        ("aws:securetransport", ["true"]),
        ("aws:tagkeys", ["a", "b"]),
    ):
        state = draw(st.sampled_from(["value", "absent", "unknown"]))
        if state == "value":
            values[key] = (draw(st.sampled_from(choices)),)
        elif state == "absent":
            absent.add(key)
    return {
        "principal": draw(st.sampled_from([ROLE_R, SESSION_R, ROLE_T2])),
        "action": draw(st.sampled_from(ACTIONS)),
        "resource": resource,
        "context": RequestContext(values, frozenset(absent)),
        "identity": draw(
            st.none() | st.lists(st.lists(statements(), min_size=1, max_size=4), max_size=2)
        ),
        "resource_policy": draw(
            st.none() | st.lists(statements(principal=True), min_size=1, max_size=4)
        ),
        "boundary": draw(st.none() | st.lists(statements(), min_size=1, max_size=2)),
        "scps": draw(
            st.none()
            | st.lists(st.lists(statements(), min_size=1, max_size=2), min_size=1, max_size=2)
        ),
        "grants": draw(
            st.lists(st.sampled_from([ROLE_R, f"arn:aws:iam::{R}:root", R, ROLE_T2]), max_size=2)
        ),
        "state_known": draw(st.integers(0, 5)) > 0,
    }


def to_question(s: dict[str, Any]) -> AccessQuestion:
    # Bucket and key live in T; the principal is in T (same account) or R (cross-account).
    return AccessQuestion(
        request=Request(s["principal"], s["action"], s["resource"], s["context"]),
        resource_account=T,
        principal_account=s["principal"].split(":")[4],
        resource_policy=(
            None
            if s["resource_policy"] is None
            else build(RESOURCE_TYPES[s["resource"]], s["resource_policy"], "resource.json")
        ),
        resource_state_known=s["state_known"],
        identity_policies=(
            None
            if s["identity"] is None
            else tuple(
                build(PolicyType.IDENTITY, body, f"id{i}.json")
                for i, body in enumerate(s["identity"])
            )
        ),
        permissions_boundary=None
        if s["boundary"] is None
        else build(PolicyType.BOUNDARY, s["boundary"], "boundary.json"),
        scps=(
            None
            if s["scps"] is None
            else tuple(
                (build(PolicyType.SCP, level, f"scp{i}.json"),) for i, level in enumerate(s["scps"])
            )
        ),
        grants=tuple(
            Grant(g, ("Decrypt", "GenerateDataKey"), "grants", str(i))
            for i, g in enumerate(s["grants"])
        ),
    )


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DENIALS = (Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY)


def with_added(s: dict[str, Any], where: str, extra: dict[str, Any]) -> dict[str, Any]:
    changed = dict(s)
    if where == "identity":
        changed["identity"] = (
            [[*s["identity"][0], extra], *s["identity"][1:]] if s["identity"] else [[extra]]
        )
    elif where == "resource_policy":
        changed["resource_policy"] = [*(s["resource_policy"] or []), extra]
    elif where == "boundary":
        changed["boundary"] = [*(s["boundary"] or []), extra]
    else:
        changed["scps"] = [[*level, extra] for level in s["scps"]] if s["scps"] else s["scps"]
    return changed


def applicable(s: dict[str, Any], where: str) -> bool:
    # Only add to policies that are given: creating a boundary or SCPs would itself restrict,
    # and giving identity policies where there were none turns "unverified" into known.
    return where == "resource_policy" or s[where] is not None


@SETTINGS
@given(scenarios(), st.sampled_from(["identity", "resource_policy", "boundary", "scps"]), st.data())
def test_adding_a_deny_never_makes_allowed(
    s: dict[str, Any], where: str, data: st.DataObject
) -> None:
    assume(applicable(s, where))
    extra = data.draw(statements(effect="Deny", principal=where == "resource_policy"))
    before = decide_access(to_question(s)).decision
    after = decide_access(to_question(with_added(s, where, extra))).decision
    if before is not Decision.ALLOWED:
        assert after is not Decision.ALLOWED


@SETTINGS
@given(scenarios(), st.sampled_from(["identity", "resource_policy", "boundary", "scps"]), st.data())
def test_adding_an_allow_never_denies_what_was_allowed(
    s: dict[str, Any], where: str, data: st.DataObject
) -> None:
    assume(applicable(s, where))
    extra = data.draw(statements(effect="Allow", principal=where == "resource_policy"))
    before = decide_access(to_question(s)).decision
    after = decide_access(to_question(with_added(s, where, extra))).decision
    if before is Decision.ALLOWED:
        assert after not in DENIALS


def reversed_scenario(s: dict[str, Any]) -> dict[str, Any]:
    changed = dict(s)
    if s["identity"] is not None:
        changed["identity"] = [list(reversed(body)) for body in reversed(s["identity"])]
    for key in ("resource_policy", "boundary"):
        if s[key] is not None:
            changed[key] = list(reversed(s[key]))
    if s["scps"] is not None:
        changed["scps"] = [list(reversed(level)) for level in s["scps"]]
    changed["grants"] = list(reversed(s["grants"]))
    return changed


@SETTINGS
@given(scenarios())
def test_statement_order_does_not_matter(s: dict[str, Any]) -> None:
    before = decide_access(to_question(s))
    after = decide_access(to_question(reversed_scenario(s)))
    assert after.decision is before.decision
    assert after.unknown_keys == before.unknown_keys


@SETTINGS
@given(scenarios(), st.booleans())
def test_action_case_does_not_matter(s: dict[str, Any], upper: bool) -> None:
    q = to_question(s)
    shouted = replace(
        q,
        request=replace(
            q.request, action=q.request.action.upper() if upper else q.request.action.swapcase()
        ),
    )
    assert decide_access(shouted).decision is decide_access(q).decision


@SETTINGS
@given(scenarios())
def test_strict_only_ever_withdraws_allowed(s: dict[str, Any]) -> None:
    q = to_question(s)
    relaxed, strict = decide_access(q), decide_access(q, strict=True)
    if relaxed.decision is not Decision.ALLOWED or q.identity_policies is not None:
        assert strict.decision is relaxed.decision
    else:
        assert strict.decision is Decision.UNKNOWN


@SETTINGS
@given(scenarios())
def test_unknown_decisions_come_with_a_reason(s: dict[str, Any]) -> None:
    result = decide_access(to_question(s))
    assert result.because and "\n" not in result.because
    if result.decision is Decision.ALLOWED:
        assert result.evidence, "an allow names the statements that gave it"
    if result.decision is Decision.EXPLICIT_DENY:
        assert result.evidence
