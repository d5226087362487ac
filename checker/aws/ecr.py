"""ECR: that the repository and the image exist, and the repository policy."""

from __future__ import annotations

from checker.aws.policy_text import decode_policy
from checker.aws.reads import ABSENT, Failure, attempt
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
        if described is ABSENT:
            into.not_found(arn, f"ECR repository {image.repository} does not exist")
            return
        if isinstance(described, Failure):
            into.cannot_read(arn, "repository", described.reason)
            return
        policy = attempt(
            "ecr:GetRepositoryPolicy",
            lambda: ecr.get_repository_policy(**names)["policyText"],
            absent_codes=frozenset({"RepositoryPolicyNotFoundException"}),
        )
        if isinstance(policy, Failure):
            into.cannot_read(arn, "policy", policy.reason)
            return
        document = None
        if policy is not ABSENT:
            decoded = decode_policy(policy)
            if isinstance(decoded, str):
                into.cannot_read(arn, "policy", decoded)
                return
            document = PolicyDocument(
                file_stem("ecr", image.account, image.region, image.repository), decoded
            )
        with into.lock:
            into.repositories[arn] = RepositoryState(arn, document)
    image_id = {"imageDigest": image.digest} if image.digest else {"imageTag": image.tag}
    found = attempt(
        "ecr:DescribeImages",
        lambda: ecr.describe_images(**names, imageIds=[image_id]),
        absent_codes=frozenset({"ImageNotFoundException"}),
    )
    if found is ABSENT:
        into.not_found(image.uri, f"image {image.uri} does not exist in its repository")
    elif isinstance(found, Failure):
        into.cannot_read(image.uri, "image", found.reason)
