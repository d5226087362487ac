"""The ECR repositories of the request's images, their policies, and a pushed image each.

The image is a placeholder: a manifest with a config blob and one layer, pushed under the
tag or digest the request names, so that a pull finds exactly what it asks for.
"""

from __future__ import annotations

import contextlib
import hashlib
import json

from checker.aws.boto import ClientError
from checker.aws.ecr import image_id
from checker.dryrun.emulator import Emulator
from checker.dryrun.sandbox.common import attempt, create_or_reuse, policy_text
from checker.dryrun.sandbox.model import Sandbox, SandboxImage
from checker.matrix.references import ImageRef
from checker.plan.model import Plan
from checker.refs import parse_ecr_image

MANIFEST_MEDIA_TYPE = "application/vnd.docker.distribution.manifest.v2+json"


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def placeholder_manifest(uri: str) -> tuple[str, tuple[str, ...]]:
    """A manifest unique to ``uri`` (two tags of one repository are two images)."""
    config, layer = _digest(f"{uri}#config"), _digest(f"{uri}#layer")
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 1024,
            "digest": config,
        },
        "layers": [
            {
                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size": 4096,
                "digest": layer,
            }
        ],
    }
    return json.dumps(manifest, indent=3), (config, layer)


def build_images(
    plan: Plan, emulator: Emulator, sandbox: Sandbox, images: tuple[ImageRef, ...]
) -> None:
    policies = {repository.arn: repository.policy for repository in plan.ecr_repositories}
    seen: set[str] = set()
    for image in images:
        if image.uri in seen:
            continue
        seen.add(image.uri)
        ecr = emulator.account_client("ecr", image.account, image.region)
        created = create_or_reuse(ecr.create_repository, repositoryName=image.repository)
        policy = policies.get(image.repository_arn)
        if policy is not None:
            attempt(
                sandbox,
                f"the repository policy {policy.source}",
                ecr.set_repository_policy,
                repositoryName=image.repository,
                policyText=policy_text(policy.document),
            )
        elif created is None:
            # A server reused from an earlier run may hold a policy this plan does not have.
            with contextlib.suppress(ClientError):
                ecr.delete_repository_policy(repositoryName=image.repository)
        if image.repository_arn not in policies:
            sandbox.note(
                f"the plan does not describe {image.repository_arn}: the sandbox creates it "
                "without a policy, and xreg cannot decide access to it"
            )
        parsed = parse_ecr_image(image.uri)
        manifest, blobs = placeholder_manifest(image.uri)
        pulled_as = image_id(parsed)
        push = {"repositoryName": image.repository, "imageManifest": manifest, **pulled_as}
        if parsed.digest and parsed.tag:
            push["imageTag"] = parsed.tag  # pinned by digest, and tagged as the request names
        attempt(sandbox, f"pushing {image.uri}", create_or_reuse, ecr.put_image, **push)
        sandbox.images.append(
            SandboxImage(
                uri=image.uri,
                account=image.account,
                region=image.region,
                repository=image.repository,
                repository_arn=image.repository_arn,
                image_id=pulled_as,
                blobs=blobs,
            )
        )
