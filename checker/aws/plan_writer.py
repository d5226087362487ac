"""Turn a collection into a plan (format version 1) and its policy files.

The output is deterministic (fixed order of top-level fields, sorted keys below them,
sorted lists, file names derived from resource names) so that two snapshots of the same
state are byte-identical and a change shows as a small diff.

What could not be read is kept under ``x-snapshot`` (extension fields are allowed at the
top level of a plan): ``unreadable`` (resource, field, reason), ``missing`` (resources the
request names that do not exist) and ``objects`` (each artifact's own encryption).
A resource that could not be read is left out of ``resources``: the checker then treats it
as unknown, never as "no policy".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from checker import __version__
from checker.aws.collect import Subject, artifacts_of
from checker.aws.state import POLICY_DIR, Collection, OrganizationLevels, PolicyDocument

SNAPSHOT_KEY = "x-snapshot"
TOP_LEVEL_ORDER = (
    "version",
    "partition",
    "region",
    "accounts",
    "organization_id",
    "organization",
    "principals",
    "context",
    "registration",
    "training_job",
    "resources",
    "identities",
    "service_control_policies",
    "resource_control_policies",
)


class PlanFiles:
    """The policy files a plan refers to, by relative path."""

    def __init__(self) -> None:
        self.files: dict[str, Mapping[str, Any]] = {}

    def ref(self, policy: PolicyDocument) -> str:
        self.files[policy.path] = policy.document
        return policy.path


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [_sorted(item) for item in value]
    return value


def _levels_entry(levels: OrganizationLevels, files: PlanFiles) -> list[Any]:
    """One account's organization policies: a list of levels (root first) when its path has
    several, a plain list when it has one, an empty list when nothing restricts it."""
    if len(levels) == 1:
        return [files.ref(policy) for policy in levels[0]]
    return [[files.ref(policy) for policy in level] for level in levels]


def _resources(collection: Collection, files: PlanFiles) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    repositories = [
        {"arn": state.arn, **({"policy": files.ref(state.policy)} if state.policy else {})}
        for _, state in sorted(collection.repositories.items())
    ]
    buckets = []
    for _, bucket in sorted(collection.buckets.items()):
        entry: dict[str, Any] = {"name": bucket.name, "account": bucket.account}
        if bucket.policy:
            entry["policy"] = files.ref(bucket.policy)
        if bucket.encryption:
            entry["encryption"] = dict(bucket.encryption)
        if bucket.object_ownership:
            entry["object_ownership"] = bucket.object_ownership
        buckets.append(entry)
    keys = []
    for _, key in sorted(collection.keys.items()):
        key_entry: dict[str, Any] = {"arn": key.arn, "manager": key.manager}
        if key.policy:
            key_entry["policy"] = files.ref(key.policy)
        if key.aliases:
            key_entry["aliases"] = list(key.aliases)
        if key.grants:
            key_entry["grants"] = [
                {
                    "grantee_principal": grant.grantee_principal,
                    "operations": list(grant.operations),
                    **({"grant_id": grant.grant_id} if grant.grant_id else {}),
                    **({"constraints": grant.constraints} if grant.constraints else {}),
                }
                for grant in key.grants
            ]
        keys.append(key_entry)
    groups = [
        {"arn": state.arn, **({"policy": files.ref(state.policy)} if state.policy else {})}
        for _, state in sorted(collection.groups.items())
    ]
    for name, items in (
        ("ecr_repositories", repositories),
        ("s3_buckets", buckets),
        ("kms_keys", keys),
        ("model_package_groups", groups),
    ):
        if items:
            resources[name] = items
    return resources


def _training_job(subject: Subject, collection: Collection) -> dict[str, Any] | None:
    """The training job's output key: as given, else the one key that encrypts every
    artifact object HeadObject could read (that key is what a consumer must decrypt with)."""
    if subject.training_output_key:
        return {"output_kms_key": subject.training_output_key}
    keys = set()
    for location, is_prefix in artifacts_of(subject.registration):
        state = collection.objects.get(location.uri)
        if is_prefix or state is None:
            return None
        if state.kms_key is None:
            return None
        keys.add(state.kms_key)
    if len(keys) != 1:
        return None
    return {"output_kms_key": keys.pop()}


def _snapshot_notes(collection: Collection) -> dict[str, Any]:
    notes: dict[str, Any] = {"tool": f"xreg {__version__}"}
    unreadable = collection.sorted_unreadable()
    if unreadable:
        notes["unreadable"] = [
            {"resource": resource, "field": what, "reason": reason}
            for resource, what, reason in unreadable
        ]
    missing = collection.sorted_missing()
    if missing:
        notes["missing"] = [
            {"resource": resource, "reason": reason} for resource, reason in missing
        ]
    if collection.objects:
        notes["objects"] = [
            {
                "uri": state.uri,
                **({"sse": state.sse} if state.sse else {}),
                **({"kms_key": state.kms_key} if state.kms_key else {}),
            }
            for _, state in sorted(collection.objects.items())
        ]
    return notes


def plan_document(
    subject: Subject,
    collection: Collection,
    *,
    base: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Mapping[str, Any]]]:
    """(plan, {relative path: policy document}). ``base``: the plan being refreshed, whose
    request-side fields (principals, context, training job, extension fields) are kept."""
    base = base or {}
    files = PlanFiles()
    plan: dict[str, Any] = {
        "version": 1,
        "partition": subject.partition,
        "region": subject.region,
        "accounts": {
            "training": subject.training_account,
            "registry": subject.registry_account,
        },
    }
    org_ids = {
        collection.organization_ids.get(subject.training_account),
        collection.organization_ids.get(subject.registry_account),
    }
    if base.get("organization"):
        # The written form also names the management account and the accounts outside.
        plan["organization"] = base["organization"]
    elif len(org_ids) == 1 and None not in org_ids:
        plan["organization_id"] = org_ids.pop()
    elif base.get("organization_id"):
        plan["organization_id"] = base["organization_id"]
    principals: dict[str, Any] = {}
    if subject.registrar:
        principals["registrar"] = subject.registrar
    if subject.consumers:
        principals["consumers"] = list(subject.consumers)
    if principals:
        plan["principals"] = principals
    if base.get("context"):
        plan["context"] = base["context"]
    plan["registration"] = subject.registration
    training_job = base.get("training_job") or _training_job(subject, collection)
    if training_job:
        plan["training_job"] = training_job
    plan["resources"] = _resources(collection, files)
    identities = []
    for _, identity in sorted(collection.identities.items()):
        entry: dict[str, Any] = {
            "principal": identity.principal,
            "policies": [files.ref(policy) for policy in identity.policies],
        }
        if identity.permissions_boundary:
            entry["permissions_boundary"] = files.ref(identity.permissions_boundary)
        identities.append(entry)
    if identities:
        plan["identities"] = identities
    for name, by_account in (
        ("service_control_policies", collection.scps),
        ("resource_control_policies", collection.rcps),
    ):
        if by_account:
            plan[name] = {
                account: _levels_entry(levels, files)
                for account, levels in sorted(by_account.items())
            }
    ordered = {key: _sorted(plan[key]) for key in TOP_LEVEL_ORDER if key in plan}
    for key in sorted(base):
        if key.startswith("x-") and key != SNAPSHOT_KEY:
            ordered[key] = base[key]
    ordered[SNAPSHOT_KEY] = _snapshot_notes(collection)
    return ordered, files.files


def write_plan(
    directory: Path, plan: Mapping[str, Any], files: Mapping[str, Mapping[str, Any]]
) -> Path:
    """Write ``plan.yaml`` and its policy files; remove policy files an earlier snapshot
    wrote into the same folder that this one no longer refers to."""
    directory.mkdir(parents=True, exist_ok=True)
    plan_path = directory / "plan.yaml"
    stale: set[Path] = set()
    if plan_path.is_file():
        try:
            previous = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            previous = None
        if isinstance(previous, dict) and SNAPSHOT_KEY in previous:
            stale = set((directory / POLICY_DIR).glob("*.json"))
    for relative, document in sorted(files.items()):
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        stale.discard(path)
    for path in stale:
        path.unlink()
    text = yaml.safe_dump(dict(plan), sort_keys=False, default_flow_style=False, width=100)
    plan_path.write_text(text, encoding="utf-8")
    return plan_path
