"""A small organization on the moto server for the many-accounts audit tests: the audit
scenario's registry (111111111111, four groups) and training (222222222222) accounts, a
second registry (333333333333) whose groups reference the same training account, and an
account with no groups (444444444444)."""

from __future__ import annotations

from pathlib import Path

import yaml
from live_scenarios import (
    GOOD_REPOSITORY,
    IMAGE,
    REGION,
    REGISTRY,
    TRAINING,
    Admin,
    add_version,
    allow,
    populate_audit,
)

SECOND_REGISTRY = "333333333333"
EMPTY = "444444444444"
ADDED = "555555555555"
ACCOUNTS = (REGISTRY, TRAINING, SECOND_REGISTRY, EMPTY)
ROLE = "xreg-checker"


def add_registry(endpoint_url: str, account: str, groups: tuple[str, ...]) -> list[str]:
    """Groups in ``account`` whose versions use the training account's images (which let
    only the first registry pull them); the groups' ARNs."""
    admin = Admin(endpoint_url, account)
    sagemaker = admin.client("sagemaker")
    good_image = f"{TRAINING}.dkr.ecr.{REGION}.amazonaws.com/{GOOD_REPOSITORY}:v1"
    arns = []
    for name in groups:
        arns.append(
            sagemaker.create_model_package_group(ModelPackageGroupName=name)["ModelPackageGroupArn"]
        )
        sagemaker.put_model_package_group_policy(
            ModelPackageGroupName=name,
            ResourcePolicy=allow(
                f"arn:aws:iam::{TRAINING}:root",
                ["sagemaker:CreateModelPackage"],
                f"arn:aws:sagemaker:{REGION}:{account}:model-package/{name}/*",
            ),
        )
        add_version(admin, name, good_image, "s3://good-bucket/churn/v1/model.tar.gz")
        add_version(admin, name, IMAGE, "s3://my-bucket/model.tar.gz")
    return arns


def populate_fleet(endpoint_url: str) -> None:
    populate_audit(endpoint_url)
    add_registry(endpoint_url, SECOND_REGISTRY, ("fraud", "ranking", "search"))


def write_accounts(path: Path, accounts: tuple[str, ...] = ACCOUNTS) -> Path:
    """An accounts file as c7n-org users write it (role names, tags, a name each)."""
    entries = [
        {"account_id": account, "name": f"unit-{number}", "role": ROLE, "tags": ["env:test"]}
        for number, account in enumerate(accounts)
    ]
    path.write_text(yaml.safe_dump({"accounts": entries}), encoding="utf-8")
    return path
