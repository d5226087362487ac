"""Benchmark: ``xreg audit`` on a moto server, next to the raw API-call floor.

The floor is the same API calls made sequentially with plain boto3 clients, without xreg,
against the same server in the same run. Each measurement runs in a fresh process so its
peak RSS is its own.

One registry account (``--sizes``): N groups x 5 versions; targets: audit <= 1.2 x floor,
peak RSS <= 200 MB, cost per group flat from 100 to 1,000 groups.

Many accounts (``--fleet``): ``--accounts`` registry accounts (20) x groups per account
(``--fleet-sizes``, doubling up to 50) x 5 versions, all referencing one training account,
audited with ``xreg audit --accounts FILE`` (an accounts file in c7n-org's shape): 1 shard
against 4 shards run as 4 concurrent processes (wall-time ratio, and the merged shards
byte-identical to the unsharded report), each shard's peak RSS as the groups double (flat),
and the unsharded audit's time over the floor's (target <= 1.1).

    .venv/bin/python benchmarks/bench_audit.py            # 100 and 1,000 groups
    .venv/bin/python benchmarks/bench_audit.py --sizes 50  # a quick run
    .venv/bin/python benchmarks/bench_audit.py --fleet     # 20 accounts x 12/25/50 groups
    .venv/bin/python benchmarks/bench_audit.py --fleet --accounts 4 --fleet-sizes 5 10
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

# _common first: it puts the repository root on sys.path, for tests.*
import _common  # noqa: F401

VERSIONS = 5
REPOSITORIES = tuple(f"model-{number}" for number in range(5))
BUCKET = "bench-artifacts"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-2",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    env.pop("AWS_PROFILE", None)
    return env


def populate(endpoint: str, start: int, stop: int, key_arn: str | None) -> str:
    """Groups ``start``..``stop``-1, each with VERSIONS versions (the training account's
    repositories, bucket and key first, when ``key_arn`` is None); returns the key ARN."""
    from tests.live.live_scenarios import (
        REGION,
        REGISTRY,
        TRAINING,
        Admin,
        add_group,
        add_version,
        populate_good_training,
        put_artifact,
    )

    training, registry = Admin(endpoint, TRAINING), Admin(endpoint, REGISTRY)
    if key_arn is None:
        key_arn = populate_good_training(training, REPOSITORIES, BUCKET)
    for group_number in range(start, stop):
        group = f"group-{group_number:05d}"
        add_group(registry, group, register_principal=f"arn:aws:iam::{TRAINING}:root")
        for version in range(VERSIONS):
            url = put_artifact(training, BUCKET, f"{group}/v{version}/model.tar.gz", key_arn)
            repository = REPOSITORIES[(group_number + version) % len(REPOSITORIES)]
            image = f"{TRAINING}.dkr.ecr.{REGION}.amazonaws.com/{repository}:v1"
            add_version(registry, group, image, url)
    return key_arn


def floor(endpoint: str) -> int:
    """The audit's reads, sequentially, with plain boto3 (no guard, no decisions)."""
    from _fleet import read_registry

    from tests.live.live_scenarios import REGISTRY, TRAINING
    from tests.moto_server import session_as

    registry = session_as(endpoint, REGISTRY)
    training = session_as(endpoint, TRAINING)
    sagemaker = registry.client("sagemaker", endpoint_url=endpoint)
    calls = 0
    images: set[str] = set()
    objects: list[str] = []
    group_calls, _ = read_registry(sagemaker, images, objects)
    calls += group_calls
    ecr = training.client("ecr", endpoint_url=endpoint)
    for image in sorted(images):
        repository, tag = image.split("/", 1)[1].split(":")
        ecr.describe_repositories(repositoryNames=[repository])
        ecr.get_repository_policy(repositoryName=repository)
        ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
        calls += 3
    s3 = training.client("s3", endpoint_url=endpoint)
    registry.client("s3", endpoint_url=endpoint).list_buckets()
    s3.list_buckets()
    s3.get_bucket_policy(Bucket=BUCKET)
    calls += 3
    for call in (s3.get_bucket_encryption, s3.get_bucket_ownership_controls):
        with contextlib.suppress(s3.exceptions.ClientError):
            call(Bucket=BUCKET)
        calls += 1
    keys = set()
    for uri in objects:
        keys.add(s3.head_object(Bucket=BUCKET, Key=uri.split("/", 3)[3])["SSEKMSKeyId"])
        calls += 1
    kms = training.client("kms", endpoint_url=endpoint)
    for key in keys:
        kms.describe_key(KeyId=key)
        kms.get_key_policy(KeyId=key, PolicyName="default")
        kms.list_grants(KeyId=key)
        kms.list_aliases(KeyId=key)
        calls += 4
    return calls


def audit_once(endpoint: str) -> int:
    from checker.aws.audit.sweep import AuditSettings, audit
    from checker.aws.session import AccountAccess, AwsAccount
    from tests.live.live_scenarios import REGISTRY, TRAINING

    def account(number: str) -> AwsAccount:
        return AwsAccount(
            AccountAccess(
                number,
                role_arn=f"arn:aws:iam::{number}:role/xreg-checker",
                endpoint_url=endpoint,
                max_pool_connections=16,
            )
        )

    report = audit(account(REGISTRY), [account(TRAINING)], AuditSettings(jobs=8))
    deployable = sum(
        version["deployable"] == "yes"
        for group in report.extra["groups"]
        for version in group["versions"]
    )
    return deployable


def peak_rss_mb() -> float:
    """This process's peak resident set size. ``VmHWM`` rather than ``ru_maxrss``: the
    latter survives ``execve`` and would report the parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(kind: str, endpoint: str) -> None:
    started = time.perf_counter()
    result = floor(endpoint) if kind == "floor" else audit_once(endpoint)
    wall = time.perf_counter() - started
    rss_mb = peak_rss_mb()
    print(json.dumps({"kind": kind, "wall": wall, "rss_mb": rss_mb, "result": result}))


def measure(kind: str, endpoint: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--endpoint", endpoint],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    ).stdout
    answer: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return answer


def fleet(accounts: int, sizes: list[int]) -> None:
    """The many-accounts measurements (see the module's docstring)."""
    import tempfile

    import _fleet

    from tests.moto_server import MotoServer

    os.environ.update(_env())
    env = _fleet.environment()
    names = _fleet.registries(accounts)
    rows = []
    with MotoServer() as server, tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        endpoint = server.endpoint_url
        file = _fleet.write_accounts(work / "accounts.yml", names)
        base = ["audit", "--accounts", str(file), "--endpoint-url", endpoint, "--fail-on", "never"]
        key = _fleet.populate_training(endpoint, names)
        done = 0
        for size in sorted(sizes):
            started = time.perf_counter()
            _fleet.populate_groups(endpoint, names, done, size, key)
            done = size
            setup = time.perf_counter() - started
            server.clear_log()
            wall_4, shards = _fleet.audits(__file__, env, work, base, 4, f"s{size}x4")
            shard_calls = len(server.operations())
            row: dict[str, Any] = {"size": size, "setup": setup, "wall_4": wall_4}
            row["shard_rss"] = [shard["rss_mb"] for shard in shards]
            row["shard_calls"] = shard_calls
            if size == max(sizes):
                server.clear_log()
                wall_1, (whole,) = _fleet.audits(__file__, env, work, base, 1, f"s{size}x1")
                audit_ops = Counter(operation for _, operation, _ in server.operations())
                row["audit_calls"] = sum(audit_ops.values())
                row["wall_1"], row["rss_1"] = wall_1, whole["rss_mb"]
                row["whole_wall"] = whole["wall"]
                unsharded = work / f"s{size}x1-1-report.json"
                row["merge_equal"] = _fleet.merged_equals(work, f"s{size}x4", 4, unsharded)
                report = json.loads(unsharded.read_text(encoding="utf-8"))
                versions = [v for g in report["groups"] for v in g["versions"]]
                deployable = sum(v["deployable"] == "yes" for v in versions)
                assert deployable == accounts * size * VERSIONS, (deployable, report["verdict"])
                server.clear_log()
                floor_run = measure_fleet_floor(endpoint, names)
                row["floor"], row["floor_calls"] = floor_run["wall"], floor_run["result"]
                floor_ops = Counter(operation for _, operation, _ in server.operations())
                row["floor_server_calls"] = sum(floor_ops.values())
                row["extra_ops"] = dict(audit_ops - floor_ops)
                row["missing_ops"] = dict(floor_ops - audit_ops)
            rows.append(row)
    print(f"{accounts} accounts x groups per account x {VERSIONS} versions, one moto server")
    print(f"{'groups':>7} {'setup s':>8} {'4 shards s':>11} {'shard peak RSS MB':>30}")
    for row in rows:
        rss = " ".join(f"{value:.1f}" for value in row["shard_rss"])
        print(f"{row['size'] * accounts:>7} {row['setup']:>8.1f} {row['wall_4']:>11.1f} {rss:>30}")
    last = rows[-1]
    print(
        f"1 shard {last['wall_1']:.1f} s (peak RSS {last['rss_1']:.1f} MB), 4 shards "
        f"{last['wall_4']:.1f} s: ratio {last['wall_1'] / last['wall_4']:.2f}; merged shards "
        f"byte-identical to the unsharded report: {last['merge_equal']}"
    )
    print(
        f"floor {last['floor']:.1f} s ({last['floor_server_calls']} requests), audit "
        f"{last['whole_wall']:.1f} s ({last['audit_calls']} requests; 4 shards together "
        f"{last['shard_calls']}): audit / floor {last['whole_wall'] / last['floor']:.2f}"
    )
    print(f"requests the audit makes beyond the floor: {last['extra_ops']}")
    print(f"requests of the floor the audit does not make: {last['missing_ops']}")


def measure_fleet_floor(endpoint: str, names: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [
            *(sys.executable, __file__, "--worker", "fleet-floor", "--endpoint", endpoint),
            *("--fleet-accounts", ",".join(names)),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    ).stdout
    answer: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--fleet", action="store_true", help="many accounts, 1 and 4 shards")
    parser.add_argument("--accounts", type=int, default=20, help="registry accounts (--fleet)")
    parser.add_argument(
        "--fleet-sizes", type=int, nargs="+", default=[12, 25, 50], help="groups per account"
    )
    parser.add_argument("--worker", choices=("floor", "audit", "fleet-floor"))
    parser.add_argument("--endpoint")
    parser.add_argument("--fleet-accounts")
    parser.add_argument("--xreg-output")
    parser.add_argument("xreg", nargs="*")
    args = parser.parse_args()
    if args.xreg_output:
        import _fleet

        _fleet.run_xreg(args.xreg_output, args.xreg)
        return
    if args.worker == "fleet-floor":
        import _fleet

        started = time.perf_counter()
        calls = _fleet.floor(args.endpoint, args.fleet_accounts.split(","))
        wall = time.perf_counter() - started
        print(json.dumps({"wall": wall, "rss_mb": peak_rss_mb(), "result": calls}))
        return
    if args.worker:
        worker(args.worker, args.endpoint)
        return
    if args.fleet:
        fleet(args.accounts, args.fleet_sizes)
        return
    from tests.moto_server import MotoServer

    os.environ.update(_env())
    rows = []
    with MotoServer() as server:
        key_arn = None
        done = 0
        for size in sorted(args.sizes):
            started = time.perf_counter()
            key_arn = populate(server.endpoint_url, done, size, key_arn)
            done = size
            setup = time.perf_counter() - started
            floor_run = measure("floor", server.endpoint_url)
            audit_run = measure("audit", server.endpoint_url)
            assert audit_run["result"] == size * VERSIONS, audit_run  # every version deployable
            rows.append((size, setup, floor_run, audit_run))
    print(
        f"{'groups':>7} {'setup s':>8} {'floor s':>8} {'audit s':>8} {'ratio':>6} "
        f"{'ms/group':>9} {'floor MB':>9} {'audit MB':>9} {'calls':>6}"
    )
    for size, setup, floor_run, audit_run in rows:
        print(
            f"{size:>7} {setup:>8.1f} {floor_run['wall']:>8.2f} {audit_run['wall']:>8.2f} "
            f"{audit_run['wall'] / floor_run['wall']:>6.2f} "
            f"{1000 * audit_run['wall'] / size:>9.2f} {floor_run['rss_mb']:>9.1f} "
            f"{audit_run['rss_mb']:>9.1f} {floor_run['result']:>6}"
        )


if __name__ == "__main__":
    main()
