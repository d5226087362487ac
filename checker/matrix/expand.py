"""Turn a plan into requirements: one row per (principal, action, resource) it needs."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from checker.matrix.references import ArtifactRef, References
from checker.matrix.spec import RequirementSpec
from checker.matrix.validity import InvalidField
from checker.plan.model import EcrRepository, KmsKey, ModelPackageGroup, Plan, S3Bucket
from checker.records import field, record
from checker.refs import IamPrincipal, group_versions_arn


@record
class KeyChoice:
    """Which KMS key encrypts an artifact, as far as the plan tells."""

    arn: str | None  # None: the plan does not say how the artifact is encrypted
    reason: str
    key: KmsKey | None = None
    aws_managed: bool = False
    # The key's account and region, from its ARN ("" when ``arn`` is None).
    account: str = ""
    region: str = ""


@record(frozen=False)
class Requirement:
    spec: RequirementSpec
    principal: str
    action: str
    resource: str
    resource_owner: str | None  # None: the plan does not say who owns the resource
    principal_account: str  # the account of ``principal``
    referenced_by: list[str] = field(default_factory=list)
    group: ModelPackageGroup | None = None
    repository: EcrRepository | None = None
    aws_owned_image: bool = False
    bucket: S3Bucket | None = None
    key: KeyChoice | None = None
    # Why the access cannot be decided: the request field it depends on is one AWS refuses.
    invalid: str | None = None
    artifact: ArtifactRef | None = None  # the S3 reference an object or key row is about

    @property
    def row_key(self) -> tuple[str, str, str]:
        return (self.principal, self.action.lower(), self.resource)


def find_bucket(plan: Plan, name: str) -> S3Bucket | None:
    return next((bucket for bucket in plan.s3_buckets if bucket.name == name), None)


def find_key(plan: Plan, arn_or_alias: str) -> KmsKey | None:
    """The plan's key that ``arn_or_alias`` names: its ARN, a key id or key ARN with its id,
    or one of its aliases, by name (``alias/models``) or as an alias ARN in the key's own
    account and region (a snapshot keeps the names ``ListAliases`` gives)."""
    named = plan.key_arn(arn_or_alias)
    alias_name = (
        named.resource if named is not None and named.resource.startswith("alias/") else None
    )
    for key in plan.kms_keys:
        if key.arn == arn_or_alias or arn_or_alias in key.aliases:
            return key
        # a bare key id, or a key ARN, names the key by its id
        key_id = key.arn.rsplit("/", 1)[-1]
        if arn_or_alias == key_id or (
            "key/" in arn_or_alias and arn_or_alias.rsplit("/", 1)[-1] == key_id
        ):
            return key
        if (
            alias_name is not None
            and named is not None
            and (named.account, named.region) == (key.account, key.region)
            and alias_name in key.aliases
        ):
            return key
    return None


def is_aws_managed_alias(arn: str) -> bool:
    """``alias/aws/…``, as a name or an alias ARN: the alias of an AWS managed key."""
    return ":alias/aws/" in arn or arn.startswith("alias/aws/")


def choose_artifact_key(plan: Plan, artifact: ArtifactRef, owner: str | None) -> KeyChoice | None:
    """The key a consumer must be able to use to read ``artifact``; ``None`` if no key is used.

    In order: the artifact's own encryption, as a snapshot read it (``HeadObject``) or as the
    plan's ``objects`` entry names it: that is what the object is encrypted with, whatever
    wrote it. Then, for a container's model data only, the training job's output key: SageMaker
    writes the model with an explicit SSE-KMS header when ``OutputDataConfig.KmsKeyId`` is set;
    every other object (evaluation metrics, baselines, payloads) was written by some other job,
    so that key says nothing about it. Then the bucket's default encryption, which S3 applies
    to an object written without encryption headers. A key the plan does not name is ``arn``
    ``None``: the access to it is unknown, with what to add to the plan.
    """
    bucket = find_bucket(plan, artifact.bucket)
    read = plan.snapshot.object(artifact.uri)
    if read is not None and read.sse is not None:
        if read.sse == "AES256":  # S3 managed keys: S3 decrypts, no KMS permission involved
            return None
        if read.kms_key:
            return _key_choice(plan, read.kms_key, f"the key {artifact.uri} is encrypted with")
    facts = bucket.object_facts(artifact.key, artifact.object_arn.endswith("*")) if bucket else None
    if facts is not None and facts.kms_key:
        return _key_choice(plan, facts.kms_key, f"the key {facts.plan_field} names")
    if artifact.model_data and plan.training_job_output_kms_key:
        arn = plan.training_job_output_kms_key
        return _key_choice(plan, arn, "the training job's output key (training_job.output_kms_key)")
    encryption = bucket.encryption if bucket else None
    if encryption is not None and encryption.sse.startswith("aws:kms"):
        if encryption.kms_key:
            return _key_choice(
                plan, encryption.kms_key, f"the default SSE-KMS key of {artifact.bucket}"
            )
        return _aws_managed_s3_key(
            plan, owner, f"{artifact.bucket} defaults to SSE-KMS with no key"
        )
    if artifact.model_data and plan.has_training_job:
        return _aws_managed_s3_key(
            plan, owner, "the training job sets no output key, so SageMaker uses aws/s3"
        )
    if encryption is not None:  # AES256: S3 decrypts, no KMS permission involved
        return None
    where = bucket.plan_field if bucket else "resources.s3_buckets[]"
    encryption_from = f"`aws s3api get-bucket-encryption --bucket {artifact.bucket}`"
    give = f"{artifact.bucket}'s default encryption ({where}.encryption, from {encryption_from})"
    if not artifact.object_arn.endswith("*"):
        head = f"`aws s3api head-object --bucket {artifact.bucket} --key {artifact.key}`"
        give += f" or the object's own key ({where}.objects[].kms_key: SSEKMSKeyId of {head})"
    if artifact.model_data:
        give += " or the training job's output key (training_job.output_kms_key)"
    else:
        give += "; the training job's output key covers only the model data it wrote"
    return KeyChoice(None, f"the key that encrypts {artifact.uri} is unknown: give {give}")


def _key_choice(plan: Plan, arn: str, reason: str) -> KeyChoice:
    key = find_key(plan, arn)
    managed = is_aws_managed_alias(arn) or (key is not None and key.manager == "AWS")
    if key is not None:
        return KeyChoice(key.arn, reason, key, managed, key.account, key.region)
    # Every key ARN a loaded plan names was parsed at load; a name that is not an ARN has
    # neither account nor region.
    parsed = plan.key_arn(arn)
    account, region = (parsed.account, parsed.region) if parsed else ("", "")
    return KeyChoice(arn, reason, None, managed, account, region)


def _aws_managed_s3_key(plan: Plan, owner: str | None, reason: str) -> KeyChoice:
    account = owner or plan.training_account
    arn = f"arn:{plan.partition}:kms:{plan.region}:{account}:alias/aws/s3"
    return KeyChoice(arn, reason, find_key(plan, arn), True, account, plan.region)


def expand(
    plan: Plan,
    references: References,
    specs: tuple[RequirementSpec, ...],
    *,
    is_aws_owned_image: Callable[[str, str], bool],
    invalid: Sequence[InvalidField] = (),
) -> list[Requirement]:
    """The requirements of ``plan``. An access that depends on a field in ``invalid`` is kept,
    marked with why it cannot be decided: one row per reference that could be followed, and
    a placeholder row (``(object named by registration.…)``) per field that could not."""
    rows: dict[tuple[str, str, str], Requirement] = {}

    def add(requirement: Requirement, referenced_by: str) -> None:
        existing = rows.setdefault(requirement.row_key, requirement)
        if referenced_by not in existing.referenced_by:
            existing.referenced_by.append(referenced_by)

    for spec in specs:
        principals = _principals(plan, spec)
        for principal in principals:
            for action in spec.actions:
                for requirement, referenced_by in _targets(
                    plan, references, spec, principal, action, is_aws_owned_image
                ):
                    add(requirement, referenced_by)
    if invalid:
        _mark_invalid(plan, references, specs, invalid, rows, add)
    return list(rows.values())


# What each requirement's resource is named by, and how a placeholder row names it.
_DEPENDS_ON = {
    "group_versions": ("group", "versions of the group named by"),
    "repository": ("image", "repository of"),
    "any": ("image", ""),
    "object": ("artifact", "object named by"),
    "bucket": ("artifact", "bucket of"),
    "artifact_key": ("artifact", "key of the object named by"),
}


def _mark_invalid(
    plan: Plan,
    references: References,
    specs: tuple[RequirementSpec, ...],
    invalid: Sequence[InvalidField],
    rows: dict[tuple[str, str, str], Requirement],
    add: Callable[[Requirement, str], None],
) -> None:
    reasons: dict[str, list[str]] = {}
    for item in invalid:
        reasons.setdefault(item.field, []).append(item.reason())
    for requirement in rows.values():
        fields = requirement.referenced_by
        if fields and all(field in reasons for field in fields):
            found = [reason for field in fields for reason in reasons[field]]
            requirement.invalid = "; ".join(dict.fromkeys(found))
    followed = {image.field for image in references.images}
    followed |= {artifact.field for artifact in references.artifacts}
    if references.group is not None:
        followed.add(references.group.field)
    unfollowed: dict[str, InvalidField] = {}
    for item in invalid:
        if item.depends is not None and item.field not in followed:
            unfollowed.setdefault(item.field, item)
    for spec in specs:
        depends, naming = _DEPENDS_ON.get(spec.resource, (None, ""))
        if depends is None:
            continue
        principals = _principals(plan, spec)
        for name, item in unfollowed.items():
            if item.depends != depends:
                continue
            # ecr:GetAuthorizationToken is on "*" and needed once, whatever the images.
            resource = "*" if spec.resource == "any" else f"({naming} {name})"
            for principal in principals:
                for action in spec.actions:
                    owner = principal.account if spec.resource == "any" else None
                    if spec.resource == "any" and references.images:
                        continue  # a valid image already needs it: decided as usual
                    row = Requirement(
                        spec, principal.arn, action, resource, owner, principal.account
                    )
                    row.invalid = "; ".join(reasons[name])
                    add(row, name)


def _principals(plan: Plan, spec: RequirementSpec) -> tuple[IamPrincipal, ...]:
    return (plan.registrar_principal,) if spec.who == "registrar" else plan.consumer_principals


def _targets(
    plan: Plan,
    references: References,
    spec: RequirementSpec,
    principal: IamPrincipal,
    action: str,
    is_aws_owned_image: Callable[[str, str], bool],
) -> list[tuple[Requirement, str]]:
    def row(resource: str, owner: str | None, **kwargs: object) -> Requirement:
        return Requirement(
            spec,
            principal.arn,
            action,
            resource,
            owner,
            principal.account,
            **kwargs,  # type: ignore[arg-type]
        )

    out: list[tuple[Requirement, str]] = []
    if spec.resource == "group_versions" and references.group is not None:
        group = references.group
        resource = group_versions_arn(group.arn)
        plan_group = next((g for g in plan.model_package_groups if g.arn == group.arn), None)
        out.append((row(resource, group.account, group=plan_group), group.field))
    elif spec.resource == "repository":
        for image in references.images:
            repository = next(
                (r for r in plan.ecr_repositories if r.arn == image.repository_arn), None
            )
            aws_owned = is_aws_owned_image(image.account, image.region)
            requirement = row(
                image.repository_arn,
                image.account,
                repository=repository,
                aws_owned_image=aws_owned,
            )
            out.append((requirement, image.field))
    elif spec.resource == "any":
        if references.images:
            out.append((row("*", principal.account), references.images[0].field))
    elif spec.resource in ("object", "bucket"):
        for artifact in references.artifacts:
            bucket = find_bucket(plan, artifact.bucket)
            resource = artifact.object_arn if spec.resource == "object" else artifact.bucket_arn
            bucket_account = bucket.account if bucket else None
            requirement = row(resource, bucket_account, bucket=bucket, artifact=artifact)
            out.append((requirement, artifact.field))
    elif spec.resource == "artifact_key":
        for artifact in references.artifacts:
            bucket = find_bucket(plan, artifact.bucket)
            bucket_owner = bucket.account if bucket else None
            choice = choose_artifact_key(plan, artifact, bucket_owner)
            if choice is None:
                continue
            if choice.arn is None:
                resource = f"(key of {artifact.uri})"
                requirement = row(
                    resource, bucket_owner, bucket=bucket, key=choice, artifact=artifact
                )
                out.append((requirement, artifact.field))
            else:
                key_owner = choice.account or bucket_owner
                requirement = row(
                    choice.arn, key_owner, bucket=bucket, key=choice, artifact=artifact
                )
                out.append((requirement, artifact.field))
    return out
