"""The IAM policy model, matching and evaluation: pure, no AWS calls, no I/O."""

from checker.policy.context import request_context
from checker.policy.decide import decide_access
from checker.policy.decision import AccessDecision, Decision, Evidence, SideResult, Tri
from checker.policy.evaluate import PolicyEvaluation, StatementOutcome, evaluate_policy
from checker.policy.matching import (
    action_matches,
    arn_matches,
    arn_pattern_covers,
    arn_patterns_intersect,
)
from checker.policy.model import Condition, Effect, Policy, PolicyType, Principal, Statement
from checker.policy.parse import parse_policy
from checker.policy.principals import PrincipalScope
from checker.policy.request import AccessQuestion, Grant, Request, RequestContext

__all__ = [
    "AccessDecision",
    "AccessQuestion",
    "Condition",
    "Decision",
    "Effect",
    "Evidence",
    "Grant",
    "Policy",
    "PolicyEvaluation",
    "PolicyType",
    "Principal",
    "PrincipalScope",
    "Request",
    "RequestContext",
    "SideResult",
    "Statement",
    "StatementOutcome",
    "Tri",
    "action_matches",
    "arn_matches",
    "arn_pattern_covers",
    "arn_patterns_intersect",
    "decide_access",
    "evaluate_policy",
    "parse_policy",
    "request_context",
]
