"""Audit a registry account: every model package group, who may register into it, its
versions, and whether the registry's consumers can still deploy each version today.

Reads run on a bounded thread pool; the decisions are the offline checker's own
(``check_plan`` on an in-memory plan per version), so an audit and a snapshot never
disagree. Resources owned by an account with no profile given stay unknown.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from checker import __version__
from checker.aws.audit.progress import AccountStart
from checker.aws.audit.resources import ResourceReads, owners_of
from checker.aws.audit.sharding import Shard
from checker.aws.collect import (
    artifacts_of,
    images_of,
)
from checker.aws.iam import ManagedPolicies, collect_identity
from checker.aws.memory_plan import build_plan, collection_facts
from checker.aws.organizations import collect_organization
from checker.aws.reads import ABSENT, Failure, attempt
from checker.aws.s3 import BucketOwners
from checker.aws.sagemaker import describe_version, group_policy, list_groups, list_versions
from checker.aws.session import AwsAccount
from checker.aws.state import Collection, GroupState, PolicyDocument
from checker.check import check_plan
from checker.engine.decide import CheckOptions
from checker.engine.verdict import FAILING_DECISIONS, requirement_fails, summarize, verdict
from checker.plan.snapshot_facts import SnapshotFacts
from checker.policy import AccessQuestion, Request, decide_access, parse_policy
from checker.policy.model import PolicyType
from checker.records import asdict, field, record, replace
from checker.refs import EcrImage, S3Location, arn_or_none
from checker.results.model import Finding, Report, RequirementResult, Summary

# The create_model_package fields a version carries that name what a deployment reads.
REGISTRATION_FIELDS = (
    "InferenceSpecification",
    "AdditionalInferenceSpecifications",
    "ModelMetrics",
    "DriftCheckBaselines",
    "SamplePayloadUrl",
    "ModelApprovalStatus",
)
REGISTER_ACTION = "sagemaker:CreateModelPackage"


@record
class AuditSettings:
    group_pattern: str | None = None
    shard: Shard | None = None
    consumers: tuple[str, ...] = ()
    jobs: int = 8
    strict: bool = False
    fail_on: str = "error"
    progress: Callable[[str, int], Callable[[], None]] | None = None  # (label, total) → tick
    account_log: AccountStart | None = None  # (account, region) → done(groups, unreadable)
    batch: int = 64  # groups read and decided at a time (what a sweep holds of them)


@record(frozen=False)
class VersionRead:
    arn: str
    number: int | None
    status: str
    created: str
    registration: dict[str, Any]
    # What the registration references, parsed once: the reads and the version's plan use it.
    images: list[EcrImage] = field(default_factory=list)
    artifacts: list[tuple[S3Location, bool]] = field(default_factory=list)
    # Why DescribeModelPackage could not read it: then nothing about it is known.
    unreadable: str | None = None


@record(frozen=False)
class GroupRead:
    arn: str
    name: str
    status: str
    created: str
    policy: PolicyDocument | None = None
    policy_error: str | None = None
    versions: list[VersionRead] = field(default_factory=list)
    versions_error: str | None = None


def select_groups(
    summaries: Iterable[Mapping[str, Any]], settings: AuditSettings
) -> list[Mapping[str, Any]]:
    chosen = []
    for summary in summaries:
        name, arn = summary["ModelPackageGroupName"], summary["ModelPackageGroupArn"]
        pattern = settings.group_pattern
        if pattern and not (
            fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(arn, pattern)
        ):
            continue
        if settings.shard and not settings.shard.holds_arn(arn):
            continue
        chosen.append(summary)
    return sorted(chosen, key=lambda summary: summary["ModelPackageGroupArn"])


def _time(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value or "")


def read_group(registry: AwsAccount, region: str, summary: Mapping[str, Any]) -> GroupRead:
    name = summary["ModelPackageGroupName"]
    group = GroupRead(
        arn=summary["ModelPackageGroupArn"],
        name=name,
        status=summary.get("ModelPackageGroupStatus", ""),
        created=_time(summary.get("CreationTime")),
    )
    policy = group_policy(registry, name, region)
    if isinstance(policy, Failure):
        group.policy_error = policy.reason
    elif policy is not ABSENT:
        group.policy = policy
    listed = attempt("sagemaker:ListModelPackages", lambda: list_versions(registry, name, region))
    if isinstance(listed, Failure):
        group.versions_error = listed.reason
        return group
    for entry in listed if isinstance(listed, list) else []:
        arn = entry["ModelPackageArn"]
        described = attempt(
            "sagemaker:DescribeModelPackage", partial(describe_version, registry, arn, region)
        )
        if isinstance(described, Failure):
            group.versions_error = group.versions_error or described.reason
            group.versions.append(
                VersionRead(
                    arn=arn,
                    number=entry.get("ModelPackageVersion"),
                    status=entry.get("ModelApprovalStatus", ""),
                    created=_time(entry.get("CreationTime")),
                    registration={},
                    unreadable=described.reason,
                )
            )
            continue
        if described is ABSENT:
            continue
        registration = {"ModelPackageGroupName": group.arn}
        registration.update(
            {key: described[key] for key in REGISTRATION_FIELDS if key in described}
        )
        group.versions.append(
            VersionRead(
                arn=arn,
                number=described.get("ModelPackageVersion"),
                status=described.get("ModelApprovalStatus", entry.get("ModelApprovalStatus", "")),
                created=_time(described.get("CreationTime")),
                registration=registration,
                images=images_of(registration),
                artifacts=artifacts_of(registration),
            )
        )
    group.versions.sort(key=lambda version: (version.number or 0, version.arn))
    return group


def _pool_map(
    function: Callable[[Any], Any],
    items: list[Any],
    settings: AuditSettings,
    tick: Callable[[], None] | None,
) -> list[Any]:
    results: list[Any] = []
    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:
        for result in pool.map(function, items):
            results.append(result)
            if tick:
                tick()
    return results


def may_register(
    group: GroupRead, registry_account: str, partition: str, region: str
) -> list[dict[str, str]]:
    """Who the group policy lets call CreateModelPackage on every version (its resource
    side: the principal's own identity policies are checked by ``xreg check``)."""
    if group.policy is None:
        return []
    policy = parse_policy(
        group.policy.document,
        source=group.policy.path,
        policy_type=PolicyType.MODEL_PACKAGE_GROUP,
        attached_to=group.arn,
        partition=partition,
    )
    named: dict[str, None] = {}
    for statement in policy.statements:
        if statement.effect == "Allow" and statement.principal is not None:
            if statement.principal.wildcard:
                named["*"] = None
            for arn in statement.principal.aws:
                named[arn] = None
    versions = f"arn:{partition}:sagemaker:{region}:{registry_account}:model-package/{group.name}/*"
    answers = []
    for principal in sorted(named):
        parsed = arn_or_none(principal)
        account = parsed.account if parsed is not None else ""
        asked = principal if principal != "*" else f"arn:{partition}:iam::000000000000:root"
        decision = decide_access(
            AccessQuestion(
                request=Request(asked, REGISTER_ACTION, versions),
                resource_account=registry_account,
                principal_account=account or "000000000000",
                resource_policy=policy,
            )
        )
        answers.append(
            {
                "principal": principal,
                "decision": decision.resource_policy.decision.value,
                "because": decision.resource_policy.reason,
            }
        )
    return answers


def lint_group(
    group: GroupRead, plan_kwargs: Mapping[str, Any], collection: Collection
) -> list[Finding]:
    """The lint rules on the group policy (findings located in it only)."""
    if group.policy is None:
        return []
    from checker.lint import lint_plan

    plan = build_plan(**plan_kwargs, collection=collection, groups=[group.arn])
    return [f for f in lint_plan(plan, {}) if f.location.source == group.policy.path]


def group_unreadable(group: GroupRead) -> list[tuple[str, str, str]]:
    """What could not be read of the group itself: its policy, its versions, each version."""
    entries = []
    if group.policy_error is not None:
        entries.append((group.arn, "policy", group.policy_error))
    # A failed DescribeModelPackage names its version below; a failed listing, the group.
    each_named = any(version.unreadable is not None for version in group.versions)
    if group.versions_error is not None and not each_named:
        entries.append((group.arn, "versions", group.versions_error))
    entries += [
        (version.arn, "version", version.unreadable)
        for version in group.versions
        if version.unreadable is not None
    ]
    return entries


def record_group(group: GroupRead, collection: Collection) -> None:
    """The group into ``collection``: an unreadable policy stays unknown (never "no
    policy"), as a snapshot keeps it."""
    for resource, what, reason in group_unreadable(group):
        collection.cannot_read(resource, what, reason)
    if group.policy_error is None:
        collection.groups[group.arn] = GroupState(group.arn, group.policy)


def record_groups(groups: Iterable[GroupRead], collection: Collection) -> None:
    for group in groups:
        record_group(group, collection)


def unread_version(version: VersionRead) -> dict[str, Any]:
    """The report entry of a version DescribeModelPackage could not read: unknown."""
    return {
        "arn": version.arn,
        "version": version.number,
        "status": version.status,
        "created": version.created,
        "images": [],
        "artifacts": [],
        "keys": [],
        "deployable": "unknown",
        "blocking": [],
        "notes": [f"version: {version.unreadable}"],
    }


def _deployable(rows: list[RequirementResult]) -> str:
    """``no`` when a required access is denied, ``unknown`` when one turns on what could
    not be read, else ``yes`` (an identity side not given counts as ``xreg check`` counts it:
    unverified, not failing)."""
    failing = [row for row in rows if requirement_fails(row)]
    if any(row.decision.is_denied for row in failing):
        return "no"
    return "unknown" if failing else "yes"


def _brief(row: RequirementResult) -> str:
    decision = row.decision.value.replace("_", " ")
    return f"{row.principal} {row.action} {row.resource}: {decision}: {row.because}"


def audit(
    registry: AwsAccount,
    owners: Iterable[AwsAccount],
    settings: AuditSettings,
) -> Report:
    """The audit of one registry account in its region, with the owners' accounts."""
    accounts: dict[str, AwsAccount] = {registry.account_id: registry}
    for owner in owners:
        accounts.setdefault(owner.account_id, owner)
    report = sweep_target(registry, registry.region, accounts, settings)
    if settings.shard:
        shard = {"index": settings.shard.index, "count": settings.shard.count}
        report = replace(report, extra={**report.extra, "shard": shard})
    return report


def sweep_target(
    registry: AwsAccount,
    region: str,
    accounts: Mapping[str, AwsAccount],
    settings: AuditSettings,
    *,
    bucket_owners: BucketOwners | None = None,
    involved_only: bool = False,
) -> Report:
    """Every chosen group of ``registry`` in ``region``, the resources its versions reference
    read with the owners' ``accounts``. ``involved_only``: read the organization policies of
    the registry and of the accounts owning what was read only (not of every account given),
    and nothing at all when no group is chosen (an organization's accounts are many)."""
    done = settings.account_log(registry.account_id, region) if settings.account_log else None
    report = _sweep(registry, region, accounts, settings, bucket_owners, involved_only)
    if done:
        done(report.extra["groups"], len(report.extra["unreadable"]))
    return report


def _sweep(
    registry: AwsAccount,
    region: str,
    accounts: Mapping[str, AwsAccount],
    settings: AuditSettings,
    bucket_owners: BucketOwners | None,
    involved_only: bool,
) -> Report:
    partition = registry.partition
    registry_id = registry.account_id
    collection = Collection()
    listed = attempt("sagemaker:ListModelPackageGroups", lambda: list_groups(registry, region))
    if isinstance(listed, Failure):
        # Not one group is known: the account's audit is unknown, and says why.
        every_group = f"arn:{partition}:sagemaker:{region}:{registry_id}:model-package-group/*"
        collection.cannot_read(every_group, "groups", listed.reason)
    summaries = listed if isinstance(listed, list) else []
    chosen = select_groups(summaries, settings)
    if involved_only and not chosen:
        empty = Summary(0, 0, 0, 0, 0, 0, 0)
        return _report(registry_id, region, [], (), [], empty, collection, settings)
    reads = ResourceReads(
        accounts,
        bucket_owners or BucketOwners(accounts),
        collection,
        jobs=settings.jobs,
        partition=partition,
        region=region,
    )
    managed = ManagedPolicies()
    for consumer in settings.consumers:
        collect_identity(accounts, consumer, managed, collection)
    organizations_read: set[str] = set()
    label = f"groups of account {registry_id}"
    tick = settings.progress(label, len(chosen)) if settings.progress else None

    rows_by_key: dict[tuple[str, str, str], RequirementResult] = {}
    # Counted as they come rather than kept: thousands of versions' rows would dominate memory.
    counts = Counter[str]()
    findings: list[Finding] = []
    group_reports: list[dict[str, Any]] = []
    training_default = sorted(set(accounts) - {registry_id})
    # A batch of groups at a time: read, decided, reported as compact entries and released,
    # so that the reads held stay bounded however many groups the account has.
    # No group: one empty batch still reads what every audit reads (the accounts' canonical
    # ids, their organization policies).
    size = max(1, settings.batch)
    for first in range(0, max(1, len(chosen)), size):
        groups: list[GroupRead] = _pool_map(
            lambda summary: read_group(registry, region, summary),
            chosen[first : first + size],
            settings,
            tick,
        )
        # Every resource any version references, read once, whoever references it.
        versions_read = [version for group in groups for version in group.versions]
        reads.read(
            (image for version in versions_read for image in version.images),
            (artifact for version in versions_read for artifact in version.artifacts),
        )
        del versions_read
        if involved_only:
            owners_now = owners_of(collection, accounts) | {registry_id}
        else:
            owners_now = set(accounts)
        for account_id in sorted(owners_now - organizations_read):
            collect_organization(accounts[account_id], collection, kinds=("scp", "rcp"))
        organizations_read |= owners_now
        record_groups(groups, collection)
        # What the collection could not read is the same for every plan of the batch.
        shared_facts = collection_facts(collection)
        _decide_groups(
            groups,
            collection,
            shared_facts,
            settings,
            registry_id=registry_id,
            partition=partition,
            region=region,
            training_account=training_default[0] if training_default else registry_id,
            rows_by_key=rows_by_key,
            counts=counts,
            findings=findings,
            group_reports=group_reports,
        )
        # The entries name the policies' files: the documents are no longer needed.
        for arn in [group.arn for group in groups]:
            collection.groups.pop(arn, None)
        del groups  # the batch's reads, released before the next batch is read
    requirements = tuple(
        sorted(rows_by_key.values(), key=lambda r: (r.resource, r.action, r.principal))
    )
    finding_counts = asdict(summarize([], findings))
    # The versions' rows counted, plus the findings: each summary counts only its own.
    summary = Summary(**{name: counts[name] + finding_counts[name] for name in finding_counts})
    return _report(
        registry_id, region, group_reports, requirements, findings, summary, collection, settings
    )


def _decide_groups(
    groups: list[GroupRead],
    collection: Collection,
    shared_facts: SnapshotFacts,
    settings: AuditSettings,
    *,
    registry_id: str,
    partition: str,
    region: str,
    training_account: str,
    rows_by_key: dict[tuple[str, str, str], RequirementResult],
    counts: Counter[str],
    findings: list[Finding],
    group_reports: list[dict[str, Any]],
) -> None:
    """Each group's versions decided on ``collection``: their entries to ``group_reports``,
    the failing rows to ``rows_by_key``, the rows counted in ``counts``."""
    for group in groups:
        plan_kwargs: dict[str, Any] = {
            "source": group.arn,
            "partition": partition,
            "region": region,
            "training_account": training_account,
            "registry_account": registry_id,
            "registration": {"ModelPackageGroupName": group.arn},
            "shared_facts": shared_facts,
        }
        group_findings = lint_group(group, plan_kwargs, collection)
        findings.extend(group_findings)
        versions = []
        for version in group.versions:
            if version.unreadable is not None:
                versions.append(unread_version(version))
                continue
            version_images, version_artifacts = version.images, version.artifacts
            keys = {
                state.kms_key
                for loc, _ in version_artifacts
                if (state := collection.objects.get(loc.uri)) and state.kms_key
            }
            buckets = {loc.bucket for loc, _ in version_artifacts}
            keys |= {
                collection.buckets[b].encryption.get("kms_key", "")  # type: ignore[union-attr]
                for b in buckets
                if b in collection.buckets and collection.buckets[b].encryption
            }
            output_key = next(iter(keys)) if len(keys) == 1 else None
            plan = build_plan(
                **{**plan_kwargs, "registration": version.registration, "source": version.arn},
                collection=collection,
                repositories=[image.repository_arn for image in version_images],
                buckets=buckets,
                keys=keys,
                consumers=settings.consumers,
                training_output_key=output_key,
            )
            report = check_plan(plan, CheckOptions(strict=settings.strict, lint=False))
            rows = [row for row in report.requirements if row.phase == "deploy"]
            deployable = _deployable(rows)
            blocking = [row for row in rows if row.decision in FAILING_DECISIONS]
            if version.status != "Rejected":
                counts.update(asdict(summarize(rows, [])))
                for row in blocking:
                    key = (row.principal, row.action, row.resource)
                    kept = rows_by_key.get(key)
                    refs = (kept.referenced_by if kept else ()) + (version.arn,)
                    rows_by_key[key] = replace(kept or row, referenced_by=refs)
            missing = [
                reason for image in version_images for reason in collection.reasons_for(image.uri)
            ] + [
                reason for loc, _ in version_artifacts for reason in collection.reasons_for(loc.uri)
            ]
            versions.append(
                {
                    "arn": version.arn,
                    "version": version.number,
                    "status": version.status,
                    "created": version.created,
                    "images": sorted(image.uri for image in version_images),
                    "artifacts": sorted(loc.uri for loc, _ in version_artifacts),
                    "keys": sorted(k for k in keys if k),
                    "deployable": deployable,
                    "blocking": [_brief(row) for row in blocking if requirement_fails(row)],
                    "notes": missing,
                }
            )
        group_reports.append(
            {
                "arn": group.arn,
                "name": group.name,
                "status": group.status,
                "created": group.created,
                "policy": group.policy.path if group.policy else None,
                "policy_unreadable": group.policy_error,
                "versions_unreadable": group.versions_error,
                "may_register": may_register(group, registry_id, partition, region),
                "unreadable": [list(entry) for entry in group_unreadable(group)],
                "findings": [finding.fingerprint for finding in group_findings],
                "versions": versions,
            }
        )


def _report(
    registry_id: str,
    region: str,
    group_reports: list[dict[str, Any]],
    requirements: tuple[RequirementResult, ...],
    findings: list[Finding],
    summary: Summary,
    collection: Collection,
    settings: AuditSettings,
) -> Report:
    unreadable = collection.sorted_unreadable()
    extra: dict[str, Any] = {
        "account": registry_id,
        "region": region,
        "groups": group_reports,
        "unreadable": unreadable,
    }
    decided = verdict(list(requirements), findings, settings.fail_on)
    return Report(
        plan=f"registry account {registry_id} ({region})",
        # What could not be read is unknown: an audit that could not read it all never passes.
        verdict="fail" if unreadable else decided,
        requirements=requirements,
        findings=tuple(findings),
        summary=summary,
        command="audit",
        tool_version=__version__,
        extra=extra,
    )
