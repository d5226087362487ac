"""ECR: that the repository and the image exist, and the repository policy."""

from __future__ import annotations

from checker.aws.policy_text import policy_document
from checker.aws.reads import ABSENT, Failure, attempt, existing
from checker.aws.session import AwsAccount
from checker.aws.state import Collection, PolicyDocument, RepositoryState, file_stem
from checker.refs import EcrImage


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
    image_id = {"imageDigest": image.digest} if image.digest else {"imageTag": image.tag}
    found = attempt(
        "ecr:DescribeImages",
        lambda: ecr.describe_images(**names, imageIds=[image_id]),
        absent_codes=frozenset({"ImageNotFoundException"}),
    )
    missing = f"image {image.uri} does not exist in its repository"
    existing(found, into, image.uri, what="image", missing=missing)
