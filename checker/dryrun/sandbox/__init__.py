"""Build both accounts of a plan in moto: the sandbox a registration is replayed in."""

from __future__ import annotations

from checker.dryrun.emulator import Emulator
from checker.dryrun.sandbox.ecr import build_images
from checker.dryrun.sandbox.iam import build_principals
from checker.dryrun.sandbox.kms import build_keys
from checker.dryrun.sandbox.model import Sandbox, SandboxArtifact, SandboxImage
from checker.dryrun.sandbox.s3 import build_buckets, place_artifacts
from checker.dryrun.sandbox.sagemaker import build_group
from checker.matrix.references import References
from checker.plan.model import Plan

__all__ = ["Sandbox", "SandboxArtifact", "SandboxImage", "build_sandbox"]


def build_sandbox(plan: Plan, references: References, emulator: Emulator) -> Sandbox:
    """Everything the replay touches, in the account that owns it. Keys come first: buckets
    and objects are encrypted with them."""
    sandbox = Sandbox()
    build_principals(plan, emulator, sandbox)
    build_keys(plan, emulator, sandbox)
    build_images(plan, emulator, sandbox, references.images)
    build_buckets(plan, emulator, sandbox)
    place_artifacts(plan, emulator, sandbox, references.artifacts)
    build_group(plan, emulator, sandbox, references.group)
    return sandbox
