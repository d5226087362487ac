"""The many-accounts part of ``bench_audit.py``: an organization on the moto server, its
accounts file, the raw API-call floor of its audit, and ``xreg`` runs measured one by one.

Registry accounts ``1000000000NN`` each hold groups of 5 versions; every version references
an image of one of 5 repositories, its own artifact and the key of the one training account
(222222222222), whose policies let every registry read them: every version is deployable.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import _common
import yaml

VERSIONS = 5
REPOSITORIES = tuple(f"model-{number}" for number in range(5))
BUCKET = "fleet-artifacts"
ROLE = "xreg-checker"


def registries(count: int) -> list[str]:
    return [f"1000000000{number:02d}" for number in range(1, count + 1)]


def populate_training(endpoint: str, accounts: Sequence[str]) -> str:
    """The training account's repositories, bucket and key, readable by ``accounts``."""
    from tests.live.live_scenarios import PULL_ACTIONS, REGION, TRAINING, Admin, allow

    training = Admin(endpoint, TRAINING)
    roots = [f"arn:aws:iam::{account}:root" for account in accounts]
    ecr = training.client("ecr")
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"digest": "sha256:" + "2" * 64, "size": 1},
            "layers": [],
        }
    )
    for repository in REPOSITORIES:
        ecr.create_repository(repositoryName=repository)
        ecr.put_image(repositoryName=repository, imageTag="v1", imageManifest=manifest)
        ecr.set_repository_policy(
            registryId=TRAINING, repositoryName=repository, policyText=allow(roots, PULL_ACTIONS)
        )
    key_arn: str = training.client("kms").create_key(
        Policy=allow(roots, ["kms:Decrypt", "kms:GenerateDataKey*"], "*")
    )["KeyMetadata"]["Arn"]
    s3 = training.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=allow(roots, ["s3:GetObject", "s3:GetObjectAcl"], f"arn:aws:s3:::{BUCKET}/*"),
    )
    return key_arn


def populate_groups(
    endpoint: str, accounts: Sequence[str], start: int, stop: int, key: str
) -> None:
    """Groups ``start``..``stop``-1 in each of ``accounts``, VERSIONS versions each."""
    from tests.live.live_scenarios import REGION, TRAINING, Admin, add_version, put_artifact

    training = Admin(endpoint, TRAINING)
    for account in accounts:
        registry = Admin(endpoint, account)
        for number in range(start, stop):
            group = f"group-{number:05d}"
            add_group_in(registry, account, group)
            for version in range(VERSIONS):
                url = put_artifact(training, BUCKET, f"{account}/{group}/v{version}", key)
                repository = REPOSITORIES[(number + version) % len(REPOSITORIES)]
                image = f"{TRAINING}.dkr.ecr.{REGION}.amazonaws.com/{repository}:v1"
                add_version(registry, group, image, url)


def add_group_in(registry: Any, account: str, group: str) -> None:
    from tests.live.live_scenarios import REGION, TRAINING, allow

    sagemaker = registry.client("sagemaker")
    sagemaker.create_model_package_group(ModelPackageGroupName=group)
    sagemaker.put_model_package_group_policy(
        ModelPackageGroupName=group,
        ResourcePolicy=allow(
            f"arn:aws:iam::{TRAINING}:root",
            ["sagemaker:CreateModelPackage"],
            f"arn:aws:sagemaker:{REGION}:{account}:model-package/{group}/*",
        ),
    )


def write_accounts(path: Path, accounts: Sequence[str]) -> Path:
    """The accounts file, as c7n-org users write it: the registries and the training account."""
    from tests.live.live_scenarios import REGION, TRAINING

    entries = [
        {"account_id": account, "name": f"unit-{account[-2:]}", "role": ROLE, "regions": [REGION]}
        for account in [*accounts, TRAINING]
    ]
    path.write_text(yaml.safe_dump({"accounts": entries}), encoding="utf-8")
    return path


def read_registry(sagemaker: Any, images: set[str], objects: list[str]) -> tuple[int, int]:
    """What the audit reads of one registry account, with plain boto3: every group, its
    policy and its versions, collecting the images and artifacts they name. Returns the
    number of calls made and of groups found."""
    calls = 0
    groups = []
    for page in sagemaker.get_paginator("list_model_package_groups").paginate():
        calls += 1
        groups += page["ModelPackageGroupSummaryList"]
    for group in groups:
        name = group["ModelPackageGroupName"]
        sagemaker.get_model_package_group_policy(ModelPackageGroupName=name)
        calls += 1
        for page in sagemaker.get_paginator("list_model_packages").paginate(
            ModelPackageGroupName=name, ModelPackageType="Versioned"
        ):
            calls += 1
            for entry in page["ModelPackageSummaryList"]:
                described = sagemaker.describe_model_package(
                    ModelPackageName=entry["ModelPackageArn"]
                )
                calls += 1
                container = described["InferenceSpecification"]["Containers"][0]
                images.add(container["Image"])
                objects.append(container["ModelDataUrl"])
    return calls, len(groups)


def floor(endpoint: str, accounts: Sequence[str]) -> int:
    """The audit's reads of every account, sequentially, with plain boto3."""
    from tests.live.live_scenarios import TRAINING
    from tests.moto_server import session_as

    calls = 0
    images: set[str] = set()
    objects: list[str] = []
    sessions = {account: session_as(endpoint, account, ROLE) for account in [*accounts, TRAINING]}
    for session in sessions.values():
        sagemaker = session.client("sagemaker", endpoint_url=endpoint)
        group_calls, groups = read_registry(sagemaker, images, objects)
        calls += group_calls
        if groups:
            # Who owns the artifacts' bucket: the accounts' bucket lists.
            for each in (session, sessions[TRAINING]):
                each.client("s3", endpoint_url=endpoint).list_buckets()
                calls += 1
        # Whether the account is in an organization (its SCPs and RCPs would apply).
        organizations = session.client("organizations", endpoint_url=endpoint)
        with contextlib.suppress(organizations.exceptions.ClientError):
            organizations.describe_organization()
        calls += 1
    training = sessions[TRAINING]
    ecr = training.client("ecr", endpoint_url=endpoint)
    s3 = training.client("s3", endpoint_url=endpoint)
    kms = training.client("kms", endpoint_url=endpoint)
    for image in sorted(images):
        repository, tag = image.split("/", 1)[1].split(":")
        ecr.describe_repositories(repositoryNames=[repository])
        ecr.get_repository_policy(repositoryName=repository)
        ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
        calls += 3
    s3.get_bucket_policy(Bucket=BUCKET)
    calls += 1
    for call in (s3.get_bucket_encryption, s3.get_bucket_ownership_controls, s3.get_bucket_acl):
        with contextlib.suppress(s3.exceptions.ClientError):
            call(Bucket=BUCKET)
        calls += 1
    keys = set()
    for uri in objects:
        key = uri.split("/", 3)[3]
        keys.add(s3.head_object(Bucket=BUCKET, Key=key)["SSEKMSKeyId"])
        s3.get_object_acl(Bucket=BUCKET, Key=key)
        calls += 2
    for key in keys:
        kms.describe_key(KeyId=key)
        kms.get_key_policy(KeyId=key, PolicyName="default")
        kms.list_grants(KeyId=key)
        kms.list_aliases(KeyId=key)
        calls += 4
    return calls


def run_xreg(output: str, args: list[str]) -> None:
    """``xreg ARGS`` in this process; its wall time and peak RSS into ``output``."""
    from checker.cli import main

    started = time.perf_counter()
    code = main(args)
    wall = time.perf_counter() - started
    status = Path("/proc/self/status").read_text().splitlines()
    rss = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    Path(output).write_text(json.dumps({"code": code, "wall": wall, "rss_mb": rss}))


def start_xreg(bench: str, env: dict[str, str], output: Path, args: list[str]) -> Any:
    return subprocess.Popen(
        [sys.executable, bench, "--xreg-output", str(output), "--", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=_common.ROOT,
    )


def audits(
    bench: str, env: dict[str, str], work: Path, base: list[str], shards: int, name: str
) -> tuple[float, list[dict[str, Any]]]:
    """``shards`` concurrent ``xreg audit`` processes (1: unsharded); the wall time of them
    all and each one's measurement."""
    processes = []
    started = time.perf_counter()
    for index in range(1, shards + 1):
        output = work / f"{name}-{index}.json"
        extra = ["--shard", f"{index}/{shards}"] if shards > 1 else []
        args = [*base, *extra, "-f", "json", "-o", str(work / f"{name}-{index}-report.json")]
        processes.append((output, start_xreg(bench, env, output, args)))
    for _, process in processes:
        process.wait()
    wall = time.perf_counter() - started
    return wall, [json.loads(output.read_text()) for output, _ in processes]


def merged_equals(work: Path, name: str, shards: int, unsharded: Path) -> bool:
    from checker.cli import main

    merged = work / f"{name}-merged.json"
    reports = [str(work / f"{name}-{index}-report.json") for index in range(1, shards + 1)]
    main(["merge", *reports, "--fail-on", "never", "-f", "json", "-o", str(merged)])
    return merged.read_bytes() == unsharded.read_bytes()


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("JOB_COMPLETION_INDEX", None)
    env.pop("AWS_BATCH_JOB_ARRAY_INDEX", None)
    return env
