"""Regenerate ``checker/data/aws_image_accounts.json`` from the SageMaker Python SDK.

The SDK ships, as data, the ECR registry account of every AWS-owned SageMaker image (framework
and deep learning containers, built-in algorithms, model monitor, Clarify, ...) for every region:
``image_uri_config/*.json``, each with ``registries: {region: account}`` blocks. That list is the
authority on which registries belong to AWS; xreg keeps only the (region → accounts) pairs.

Usage::

    python scripts/build_aws_image_accounts.py                      # pip download the pinned SDK
    python scripts/build_aws_image_accounts.py --wheel sagemaker_core-2.27.0-py3-none-any.whl

SDK 3.x moved the data from ``sagemaker/image_uri_config/`` (the ``sagemaker`` 2.x package) to
``sagemaker/core/image_uri_config/`` (the ``sagemaker-core`` package); both layouts are read.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEFAULT_PACKAGE = "sagemaker-core==2.27.0"
OUTPUT = Path(__file__).resolve().parent.parent / "checker" / "data" / "aws_image_accounts.json"
CONFIG_DIRS = ("sagemaker/core/image_uri_config/", "sagemaker/image_uri_config/")
ACCOUNT = re.compile(r"[0-9]{12}")
WHEEL_NAME = re.compile(r"(?P<name>[A-Za-z0-9_.]+?)-(?P<version>[^-]+)-")


def download(requirement: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--dest", str(into), requirement],
        check=True,
    )  # fmt: skip
    wheels = sorted(into.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel in {into}, found {[w.name for w in wheels]}")
    return wheels[0]


def registries(node: Any) -> Iterator[tuple[str, str]]:
    """Every (region, account) pair of every ``registries`` block, however deeply nested."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "registries" and isinstance(value, dict):
                for region, account in value.items():
                    if isinstance(account, str) and ACCOUNT.fullmatch(account):
                        yield region, account
            else:
                yield from registries(value)
    elif isinstance(node, list):
        for item in node:
            yield from registries(item)


def extract(wheel: Path) -> dict[str, Any]:
    accounts: dict[str, set[str]] = {}
    files = 0
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".json") or not name.startswith(CONFIG_DIRS):
                continue
            files += 1
            for region, account in registries(json.loads(archive.read(name))):
                accounts.setdefault(region, set()).add(account)
    if not accounts:
        raise SystemExit(f"{wheel.name}: no image_uri_config registries found")
    match = WHEEL_NAME.match(wheel.name)
    package = match["name"].replace("_", "-") if match else wheel.stem
    version = match["version"] if match else "unknown"
    return {
        "source": {
            "package": package,
            "version": version,
            "files": files,
            "note": "registries blocks of image_uri_config/*.json: region -> AWS account",
        },
        "regions": {region: sorted(accounts[region]) for region in sorted(accounts)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="use this SDK wheel instead of downloading")
    parser.add_argument("--package", default=DEFAULT_PACKAGE, help="pip requirement to download")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        wheel = args.wheel or download(args.package, Path(folder))
        data = extract(wheel)
    args.output.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    regions = data["regions"]
    print(f"{args.output}: {len(regions)} regions, {sum(map(len, regions.values()))} accounts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
