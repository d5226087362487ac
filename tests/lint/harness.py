"""Run a rule example (or any plan fragment) through the real loader and ``lint_plan``.

The example plan is a cross-account registration that every built-in rule accepts: training
account 222222222222 (image, bucket, key, registrar), registry account 111111111111 (group,
consumers). A policy example replaces the plan's policy of its type; ``plan`` is merged into
the plan (mappings merge, null removes a key, anything else replaces); ``registration``
replaces the request.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from checker.lint import LintConfig, lint_plan
from checker.plan.loader import load_plan
from checker.results.model import Finding
from tests.conftest import ROOT
from tests.plan.plan_files import write_plan

TRAINING = "222222222222"
REGISTRY = "111111111111"
REGION = "us-east-2"
KEY_ARN = f"arn:aws:kms:{REGION}:{TRAINING}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
REPOSITORY = "decision-trees-sample"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{TRAINING}:repository/{REPOSITORY}"
GROUP_ARN = f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package-group/iris"
REGISTRAR = f"arn:aws:iam::{TRAINING}:role/TrainingPipelineRole"
CONSUMER = f"arn:aws:iam::{REGISTRY}:role/SageMakerDeployRole"
# The AWS documentation's sample plan and policies, as the page gives them.
SEED = Path(__file__).resolve().parent / "data" / "seed"


def _allow(
    sid: str, principal: str | None, actions: list[str], resource: Any = None
) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow"}
    if principal is not None:
        statement["Principal"] = {"AWS": principal}
    statement["Action"] = actions
    if resource is not None:
        statement["Resource"] = resource
    return statement


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


GOOD_POLICIES: dict[str, dict[str, Any]] = {
    "repository": _policy(
        _allow(
            "RegistryPulls",
            f"arn:aws:iam::{REGISTRY}:root",
            ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        )
    ),
    "bucket": _policy(
        _allow(
            "RegistryReads",
            f"arn:aws:iam::{REGISTRY}:root",
            ["s3:GetObject"],
            "arn:aws:s3:::my-bucket/*",
        )
    ),
    "key": _policy(
        _allow("EnableIamPolicies", f"arn:aws:iam::{TRAINING}:root", ["kms:*"], "*"),
        _allow("RegistryDecrypts", f"arn:aws:iam::{REGISTRY}:root", ["kms:Decrypt"], "*"),
    ),
    "model_package_group": _policy(
        _allow(
            "TrainingRegisters",
            f"arn:aws:iam::{TRAINING}:root",
            ["sagemaker:CreateModelPackage"],
            f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package/iris/*",
        )
    ),
    "identity": _policy(
        _allow(
            "Register",
            None,
            ["sagemaker:CreateModelPackage"],
            f"arn:aws:sagemaker:{REGION}:{REGISTRY}:model-package/iris/*",
        )
    ),
}


def base_registration() -> dict[str, Any]:
    return {
        "ModelPackageGroupName": GROUP_ARN,
        "ModelPackageDescription": "Model to detect 3 different types of irises",
        "ModelApprovalStatus": "PendingManualApproval",
        "InferenceSpecification": {
            "Containers": [
                {
                    "Image": f"{TRAINING}.dkr.ecr.{REGION}.amazonaws.com/{REPOSITORY}:latest",
                    "ModelDataUrl": "s3://my-bucket/model.tar.gz",
                }
            ],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    }


def base_plan() -> dict[str, Any]:
    return {
        "version": 1,
        "region": REGION,
        "accounts": {"training": TRAINING, "registry": REGISTRY},
        "principals": {"registrar": REGISTRAR, "consumers": [CONSUMER]},
        "registration": base_registration(),
        "training_job": {"output_kms_key": KEY_ARN},
        "resources": {
            "ecr_repositories": [{"arn": REPOSITORY_ARN, "policy": GOOD_POLICIES["repository"]}],
            "s3_buckets": [
                {
                    "name": "my-bucket",
                    "account": TRAINING,
                    "policy": GOOD_POLICIES["bucket"],
                    "encryption": {"sse": "aws:kms", "kms_key": KEY_ARN},
                }
            ],
            "kms_keys": [{"arn": KEY_ARN, "manager": "CUSTOMER", "policy": GOOD_POLICIES["key"]}],
            "model_package_groups": [
                {"arn": GROUP_ARN, "policy": GOOD_POLICIES["model_package_group"]}
            ],
        },
        "identities": [{"principal": REGISTRAR, "policies": [GOOD_POLICIES["identity"]]}],
    }


def merge(base: Any, overlay: Any) -> Any:
    if isinstance(base, Mapping) and isinstance(overlay, Mapping):
        merged = dict(base)
        for key, value in overlay.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(overlay)


def place_policy(plan: dict[str, Any], policy_type: str, document: Any) -> None:
    resources = plan["resources"]
    if policy_type == "repository":
        resources["ecr_repositories"][0]["policy"] = document
    elif policy_type == "bucket":
        resources["s3_buckets"][0]["policy"] = document
    elif policy_type == "key":
        resources["kms_keys"][0]["policy"] = document
    elif policy_type == "model_package_group":
        resources["model_package_groups"][0]["policy"] = document
    elif policy_type == "identity":
        plan["identities"][0]["policies"] = [document]
    elif policy_type == "boundary":
        plan["identities"][0]["permissions_boundary"] = document
    elif policy_type == "scp":
        plan["service_control_policies"] = {TRAINING: [document]}
    elif policy_type == "rcp":
        plan["resource_control_policies"] = {TRAINING: [document]}
    else:
        raise ValueError(f"no place for a {policy_type} policy")


# Where each policy type sits in the example plan (the source of an inline policy names it).
POLICY_FIELDS = {
    "repository": "resources.ecr_repositories[0].policy",
    "bucket": "resources.s3_buckets[0].policy",
    "key": "resources.kms_keys[0].policy",
    "model_package_group": "resources.model_package_groups[0].policy",
    "identity": "identities[0].policies[0]",
    "boundary": "identities[0].permissions_boundary",
    "scp": f"service_control_policies.{TRAINING}[0]",
    "rcp": f"resource_control_policies.{TRAINING}[0]",
}


def example_plan(example: Mapping[str, Any]) -> dict[str, Any]:
    plan = base_plan()
    if "plan" in example:
        plan = merge(plan, example["plan"])
    if "registration" in example:
        plan["registration"] = copy.deepcopy(example["registration"])
    if "policy" in example:
        document = copy.deepcopy(example["policy"])
        if "repeat" in example:
            document["Statement"] = repeated(document["Statement"], example["repeat"])
        place_policy(plan, example["policy_type"], document)
    return plan


def repeated(statements: Any, times: int) -> list[dict[str, Any]]:
    items = statements if isinstance(statements, list) else [statements]
    copies: list[dict[str, Any]] = []
    for round_ in range(times):
        for item in items:
            statement = copy.deepcopy(item)
            if "Sid" in statement:
                statement["Sid"] = f"{statement['Sid']}{round_ + 1}"
            copies.append(statement)
    return copies


def lint_example(
    folder: Path, example: Mapping[str, Any], config: LintConfig | None = None
) -> list[Finding]:
    path = write_plan(folder, example_plan(example))
    return lint_plan(load_plan(path), {}, config or LintConfig())


SCRIPTS = ROOT / "scripts"


def load_script(name: str) -> ModuleType:
    """A module of ``scripts/`` (not a package), imported by file."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
