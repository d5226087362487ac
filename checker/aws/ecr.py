"""ECR: that the repository and the image exist, and the repository policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.aws.policy_text import policy_document
from checker.aws.reads import ABSENT, Failure, attempt, existing
from checker.aws.session import AwsAccount
from checker.aws.state import Collection, PolicyDocument, RepositoryState, file_stem
from checker.refs import EcrImage


def image_id(image: EcrImage) -> dict[str, str]:
    """How ECR calls name ``image``: by its digest when the reference pins one, else by tag."""
    if image.digest:
        return {"imageDigest": image.digest}
    assert image.tag is not None  # parse_ecr_image tags a bare reference "latest"
    return {"imageTag": image.tag}


def no_image_reason(answer: Mapping[str, Any]) -> str:
    """Why ``BatchGetImage`` answered without the image: its first failure."""
    failure = (answer.get("failures") or [{}])[0]
    code = failure.get("failureCode", "ImageNotFound")
    return f"{code}: {failure.get('failureReason', 'the image is not in the repository')}"


def collect_repository(account: AwsAccount, image: EcrImage, into: Collection) -> None:
    """Read the repository of ``image`` (once per repository) and whether the image exists."""
    arn = image.repository_arn
    ecr = account.client("ecr", image.region)
    names = {"registryId": image.account, "repositoryName": image.repository}
    with into.lock:
        known = arn in into.repositories
    if not known:
        described = attempt(
            "ecr:DescribeRepositories",
            lambda: ecr.describe_repositories(
                registryId=image.account, repositoryNames=[image.repository]
            ),
            absent_codes=frozenset({"RepositoryNotFoundException"}),
        )
        missing = f"ECR repository {image.repository} does not exist"
        if existing(described, into, arn, what="repository", missing=missing) is None:
            return
        policy = attempt(
            "ecr:GetRepositoryPolicy",
            lambda: ecr.get_repository_policy(**names)["policyText"],
            absent_codes=frozenset({"RepositoryPolicyNotFoundException"}),
        )
        if isinstance(policy, Failure):
            into.cannot_read(arn, "policy", policy.reason)
            return
        document: PolicyDocument | None = None
        if policy is not ABSENT:
            stem = file_stem("ecr", image.account, image.region, image.repository)
            read = policy_document("ecr:GetRepositoryPolicy", policy, stem)
            if isinstance(read, Failure):
                into.cannot_read(arn, "policy", read.message)
                return
            document = read
        with into.lock:
            into.repositories[arn] = RepositoryState(arn, document)
    found = attempt(
        "ecr:DescribeImages",
        lambda: ecr.describe_images(**names, imageIds=[image_id(image)]),
        absent_codes=frozenset({"ImageNotFoundException"}),
    )
    missing = f"image {image.uri} does not exist in its repository"
    existing(found, into, image.uri, what="image", missing=missing)
