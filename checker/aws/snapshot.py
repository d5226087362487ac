"""Snapshot: collect both accounts for one registration and write it as a plan.

``snapshot_to_dir`` is what ``xreg snapshot`` and ``xreg check --live`` run; the written
``DIR/plan.yaml`` replays the live verdict offline with ``xreg check DIR/plan.yaml``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from checker.aws.collect import Subject, collect, images_of
from checker.aws.plan_writer import plan_document, write_plan
from checker.aws.session import AccountAccess, AwsAccount
from checker.errors import InputError
from checker.records import record
from checker.refs import Arn, parse_model_package_group_arn, parse_principal_arn


@record
class SnapshotOptions:
    """Exactly one of ``request`` (a create_model_package input, JSON or YAML) and ``plan``
    (a plan to refresh) is given."""

    output_dir: Path
    training: AccountAccess
    registry: AccountAccess
    request: Path | None = None
    plan: Path | None = None
    registrar: str | None = None
    consumers: tuple[str, ...] = ()
    region: str | None = None
    jobs: int = 4


def read_request(path: Path) -> dict[str, Any]:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(source, "$", f"cannot read the request: {error.strerror}") from error
    try:
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise InputError(source, "$", f"not valid JSON or YAML: {error}") from error
    if not isinstance(document, dict):
        raise InputError(source, "$", "the request must be an object (create_model_package input)")
    if not isinstance(document.get("ModelPackageGroupName"), str):
        raise InputError(source, "ModelPackageGroupName", "required: the group's ARN or name")
    return document


def _check_principal(source: str, arn: str) -> str:
    try:
        parse_principal_arn(arn)
    except ValueError as error:
        raise InputError(source, "$", str(error)) from error
    return arn


def _base_plan(options: SnapshotOptions) -> dict[str, Any]:
    """The request side: from the request file, or from the plan being refreshed."""
    if options.plan is not None:
        from checker.plan.loader import load_plan

        loaded = load_plan(options.plan)
        return dict(loaded.raw)
    if options.request is None:
        raise InputError("xreg snapshot", "$", "give --request REQUEST or --plan PLAN")
    return {"registration": read_request(options.request)}


def _group_arn(registration: Mapping[str, Any]) -> Arn | None:
    """The group ARN the request names; ``None`` for a bare name. A malformed ARN is refused."""
    name = str(registration.get("ModelPackageGroupName", ""))
    if not name.startswith("arn:"):
        return None
    try:
        return parse_model_package_group_arn(name)
    except ValueError as error:
        raise InputError("request", "ModelPackageGroupName", str(error)) from error


def _region(registration: Mapping[str, Any], options: SnapshotOptions, default: str) -> str:
    group = _group_arn(registration)
    return group.region if group is not None else options.region or default


def build_subject(
    base: Mapping[str, Any], options: SnapshotOptions, training: AwsAccount, registry: AwsAccount
) -> Subject:
    registration = base["registration"]
    principals = base.get("principals") or {}
    registrar = options.registrar or principals.get("registrar")
    consumers = options.consumers or tuple(principals.get("consumers") or ())
    for arn in [registrar, *consumers]:
        if arn:
            _check_principal("--registrar/--consumer", arn)
    buckets = (base.get("resources") or {}).get("s3_buckets") or []
    training_job = base.get("training_job") or {}
    return Subject(
        partition=registry.partition,
        region=_region(registration, options, base.get("region") or registry.region),
        training_account=training.account_id,
        registry_account=registry.account_id,
        registration=registration,
        registrar=registrar,
        consumers=tuple(consumers),
        training_output_key=training_job.get("output_kms_key"),
        bucket_accounts={
            entry["name"]: entry["account"]
            for entry in buckets
            if isinstance(entry, dict) and "name" in entry and "account" in entry
        },
    )


def _named_accounts(base: Mapping[str, Any]) -> tuple[str | None, set[str], str]:
    """The registry account the request (or plan) names; the accounts that can be the
    training account (the plan's, else the owners of the request's images) and where that
    comes from."""
    raw_accounts = base.get("accounts")
    accounts: Mapping[str, Any] = raw_accounts if isinstance(raw_accounts, Mapping) else {}
    registration = base["registration"]
    if accounts.get("registry"):
        registry = accounts["registry"]
    else:
        group = _group_arn(registration)
        registry = group.account if group is not None else None
    registry = str(registry) if registry else None
    if accounts.get("training"):
        return registry, {str(accounts["training"])}, "the plan's training account is"
    owners = {image.account for image in images_of(registration)} - {registry}
    return registry, {owner for owner in owners if owner}, "the request's images are in account"


def check_accounts(base: Mapping[str, Any], training: AwsAccount, registry: AwsAccount) -> None:
    """Refuse credentials that reach another account than the one the request names: the
    snapshot would otherwise read nothing there and claim that it holds no resources."""
    registry_named, training_named, where = _named_accounts(base)
    if registry_named and registry.account_id != registry_named:
        raise InputError(
            registry.access.label,
            "$",
            f"the credentials reach account {registry.account_id}, "
            f"but the model package group is in account {registry_named}",
        )
    if training_named and training.account_id not in training_named:
        raise InputError(
            training.access.label,
            "$",
            f"the credentials reach account {training.account_id}, "
            f"but {where} {' or '.join(sorted(training_named))}",
        )


@record
class SnapshotResult:
    """The written plan, and what the collection could not read or found missing."""

    plan: Path
    unreadable: tuple[tuple[str, str, str], ...]
    missing: tuple[tuple[str, str], ...]


def snapshot_to_dir(options: SnapshotOptions) -> Path:
    """Collect, read-only, and write ``plan.yaml`` and ``policies/`` into ``output_dir``;
    returns the plan's path."""
    return take_snapshot(options).plan


def take_snapshot(options: SnapshotOptions) -> SnapshotResult:
    """As ``snapshot_to_dir``, saying also what could not be read."""
    base = _base_plan(options)
    training = AwsAccount(options.training)
    registry = AwsAccount(options.registry)
    check_accounts(base, training, registry)
    subject = build_subject(base, options, training, registry)
    accounts = {subject.registry_account: registry, subject.training_account: training}
    collection = collect(subject, accounts, jobs=options.jobs)
    plan, files = plan_document(subject, collection, base=base)
    return SnapshotResult(
        plan=write_plan(options.output_dir, plan, files),
        unreadable=tuple(collection.sorted_unreadable()),
        missing=tuple(collection.sorted_missing()),
    )
