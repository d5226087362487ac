"""A denied call fails as AWS fails it: the message names the kind of policy that refused."""

from __future__ import annotations

from typing import Any

import pytest

from checker.dryrun.denials import access_denied_response, denial_clause
from checker.policy import decide_access, parse_policy
from checker.policy.model import Policy, PolicyType
from checker.policy.request import AccessQuestion, Request, RequestContext

CONSUMER = "arn:aws:iam::111111111111:role/SageMakerDeployRole"
REPOSITORY = "arn:aws:ecr:us-east-2:222222222222:repository/decision-trees-sample"
PULL = "ecr:BatchGetImage"


def _policy(kind: PolicyType, source: str, *statements: dict[str, Any]) -> Policy:
    attached = REPOSITORY if kind is PolicyType.REPOSITORY else None
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return parse_policy(document, source=source, policy_type=kind, attached_to=attached)


def _allow(**extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": PULL, **extra}


REPOSITORY_ALLOWS = _policy(
    PolicyType.REPOSITORY, "repo.json", _allow(Principal={"AWS": "arn:aws:iam::111111111111:root"})
)
IDENTITY_ALLOWS = _policy(PolicyType.IDENTITY, "role.json", _allow(Resource="*"))


def _question(**sides: Any) -> AccessQuestion:
    context = RequestContext(values={"aws:principalaccount": ("111111111111",)})
    defaults: dict[str, Any] = {
        "resource_policy": REPOSITORY_ALLOWS,
        "identity_policies": (IDENTITY_ALLOWS,),
    }
    return AccessQuestion(
        request=Request(CONSUMER, PULL, REPOSITORY, context),
        resource_account="222222222222",
        principal_account="111111111111",
        **{**defaults, **sides},
    )


CASES = {
    "no resource policy statement": (
        {"resource_policy": _policy(PolicyType.REPOSITORY, "repo.json", _allow(
            Action="ecr:DescribeImages", Principal={"AWS": "111111111111"}))},
        "because no resource-based policy allows the ecr:BatchGetImage action",
    ),
    "no identity statement": (
        {"identity_policies": (_policy(PolicyType.IDENTITY, "role.json", _allow(
            Action="s3:GetObject", Resource="*")),)},
        "because no identity-based policy allows the ecr:BatchGetImage action",
    ),
    "a deny in the repository policy": (
        {"resource_policy": _policy(PolicyType.REPOSITORY, "repo.json",
            _allow(Principal={"AWS": "111111111111"}),
            {"Effect": "Deny", "Principal": "*", "Action": "ecr:*"})},
        "with an explicit deny in a resource-based policy",
    ),
    "a deny in an SCP": (
        {"scps": ((_policy(PolicyType.SCP, "scp.json",
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ecr:*", "Resource": "*"}),),)},
        "with an explicit deny in a service control policy",
    ),
    "an SCP that allows nothing of ECR": (
        {"scps": ((_policy(PolicyType.SCP, "scp.json",
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),),)},
        "because no service control policy allows the ecr:BatchGetImage action",
    ),
    "a permissions boundary that allows nothing of ECR": (
        {"permissions_boundary": _policy(PolicyType.BOUNDARY, "boundary.json",
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})},
        "because no permissions boundary allows the ecr:BatchGetImage action",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_message_names_the_policy_kind_that_refused(case: str) -> None:
    sides, clause = CASES[case]
    question = _question(**sides)
    decision = decide_access(question)
    assert decision.decision.is_denied, decision.because
    assert denial_clause(decision, question, PULL) == clause


def test_ecr_answers_access_denied_exception_and_s3_access_denied() -> None:
    ecr = access_denied_response("ecr", CONSUMER, PULL, REPOSITORY, "because x")
    s3 = access_denied_response("s3", CONSUMER, "s3:GetObject", "arn:aws:s3:::b/k", "because x")
    assert (ecr["Error"]["Code"], ecr["ResponseMetadata"]["HTTPStatusCode"]) == (
        "AccessDeniedException",
        400,
    )
    assert (s3["Error"]["Code"], s3["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDenied", 403)
    assert ecr["Error"]["Message"] == (
        f"User: {CONSUMER} is not authorized to perform: {PULL} on resource: {REPOSITORY} because x"
    )


def test_allowed_when_both_sides_allow() -> None:
    """The baseline the cases above change one side of."""
    assert decide_access(_question()).decision.value == "allowed"
