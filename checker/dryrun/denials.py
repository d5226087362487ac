"""A denied call fails as AWS fails it: the same error code, status and message shape.

AWS's access-denied messages name the kind of policy that stopped the call:
``User: ARN is not authorized to perform: ACTION on resource: ARN because no resource-based
policy allows the ACTION action`` or ``… with an explicit deny in a service control policy``
(IAM User Guide, "Access denied error messages"). The detail xreg knows (which statement,
which condition) goes in the trace, not in the message, as AWS keeps it out too.
"""

from __future__ import annotations

from typing import Any

from checker.policy.decision import AccessDecision, Decision
from checker.policy.request import AccessQuestion

# S3 speaks its own dialect: ``AccessDenied`` with 403; the JSON services (ECR, KMS,
# SageMaker) answer ``AccessDeniedException`` with 400.
_S3_SERVICES = frozenset({"s3"})


def _org_kind(reason: str) -> str:
    return (
        "resource control policy"
        if "RCP" in reason.split(" of the organization")[0]
        else ("service control policy")
    )


def _policy_sources(question: AccessQuestion | None) -> dict[str, str]:
    """The kind of each policy source that can decide ``question``."""
    if question is None:
        return {}
    kinds: dict[str, str] = {}
    for policy in question.identity_policies or ():
        kinds[policy.source] = "identity-based policy"
    if question.permissions_boundary is not None:
        kinds[question.permissions_boundary.source] = "permissions boundary"
    for levels, kind in (
        (question.scps, "service control policy"),
        (question.rcps, "resource control policy"),
    ):
        for level in levels or ():
            for policy in level:
                kinds[policy.source] = kind
    if question.resource_policy is not None:
        kinds[question.resource_policy.source] = "resource-based policy"
    return kinds


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def denial_clause(decision: AccessDecision, question: AccessQuestion | None, action: str) -> str:
    """``because no … allows the ACTION action`` or ``with an explicit deny in …``."""
    if decision.decision is Decision.EXPLICIT_DENY:
        kinds = _policy_sources(question)
        noun = next(
            (kinds[item.source] for item in decision.evidence if item.source in kinds),
            "resource-based policy"
            if decision.resource_policy.decision is Decision.EXPLICIT_DENY
            else "identity-based policy",
        )
        if decision.organization.decision is Decision.EXPLICIT_DENY and noun not in (
            "service control policy",
            "resource control policy",
        ):
            noun = _org_kind(decision.organization.reason)
        return f"with an explicit deny in {_article(noun)}"
    if decision.organization.decision is Decision.IMPLICIT_DENY:
        noun = _org_kind(decision.organization.reason)
    elif decision.because == decision.identity_policy.reason:
        boundary = decision.identity_policy.reason.startswith("the permissions boundary")
        noun = "permissions boundary" if boundary else "identity-based policy"
    elif decision.resource_policy.decision is Decision.IMPLICIT_DENY:
        noun = "resource-based policy"
    else:
        noun = "identity-based policy"
    return f"because no {noun} allows the {action} action"


def access_denied_message(principal: str, action: str, resource: str, clause: str) -> str:
    return (
        f"User: {principal} is not authorized to perform: {action} on resource: {resource} {clause}"
    )


def error_code(service: str) -> str:
    return "AccessDenied" if service in _S3_SERVICES else "AccessDeniedException"


def error_status(service: str) -> int:
    return 403 if service in _S3_SERVICES else 400


def error_response(code: str, message: str, status: int) -> dict[str, Any]:
    """A parsed botocore error response: what a client raises ``ClientError`` from."""
    return {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0},
    }


def access_denied_response(
    service: str, principal: str, action: str, resource: str, clause: str
) -> dict[str, Any]:
    message = access_denied_message(principal, action, resource, clause)
    return error_response(error_code(service), message, error_status(service))
