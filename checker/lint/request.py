"""Rules on the registration request and the plan's facts around it: the request's shape
against botocore's model, where its group, images and artifacts are, and how they are
encrypted and shared."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from functools import partial

from checker.errors import field_path, parse_field_path
from checker.lint.context import Hit, LintContext
from checker.lint.registry import rule
from checker.lint.spec import RuleSpec
from checker.matrix.expand import find_key, is_aws_managed_alias
from checker.matrix.references import find_s3_uris
from checker.plan.model import FieldPath, Plan
from checker.plan.request_model import validate_request
from checker.put_back import create_grant
from checker.refs import (
    NotInEcr,
    is_account_id,
    parse_artifact_uri,
    parse_s3_uri,
)
from checker.results.model import Fix

ROOT: FieldPath = ("registration",)


def _group_reference(plan: Plan) -> str:
    name = plan.registration.get("ModelPackageGroupName")
    return name if isinstance(name, str) else "registration"


@rule("REQUEST-INVALID")
def request_invalid(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for problem in validate_request(context.plan.registration):
        path = (*ROOT, *problem.path)
        yield context.plan_hit(
            f"{field_path(path)} {problem.message}",
            path,
            resource=_group_reference(context.plan),
            detail=problem.kind,
        )


@rule("GROUP-NAME-CROSS-ACCOUNT")
def group_name_cross_account(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    plan = context.plan
    name = plan.registration.get("ModelPackageGroupName")
    if not isinstance(name, str) or name.startswith("arn:"):
        return
    registrar_account = plan.registrar_principal.account
    if registrar_account == plan.registry_account:
        return
    arn = (
        f"arn:{plan.partition}:sagemaker:{plan.region}:{plan.registry_account}"
        f":model-package-group/{name}"
    )
    path = (*ROOT, "ModelPackageGroupName")
    yield context.plan_hit(
        f"{field_path(path)} is the bare name {name!r}, but the registrar is in account "
        f"{registrar_account} and the group in {plan.registry_account}: a name resolves to the "
        f"caller's own account, so the version would be registered (or a new group created) in "
        f"{registrar_account}; use the group's ARN {arn}",
        path,
        resource=name,
        fix=Fix(
            account=registrar_account,
            target=field_path(path),
            command=f'ModelPackageGroupName="{arn}"',
            kind="request",
            description="pass the group's ARN, not its name",
        ),
    )


@rule("IMAGE-NOT-ECR")
def image_not_ecr(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for reference in context.images:
        # Only images elsewhere: a malformed URI is URI-MALFORMED's to report.
        if isinstance(reference.problem, NotInEcr):
            yield context.plan_hit(
                f"{reference.path_text} {reference.uri!r} is not in Amazon ECR "
                f"({reference.problem}): SageMaker model packages take images from ECR only",
                parse_field_path(reference.path_text),
                resource=reference.uri,
            )


@rule("IMAGE-REGION")
def image_region(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    plan = context.plan
    for reference in context.images:
        image = reference.image
        if image is None or image.region == plan.region:
            continue
        yield context.plan_hit(
            f"{reference.path_text} {reference.uri!r} is in {image.region}, but the registry is "
            f"in {plan.region}: SageMaker pulls images from the registry's own region",
            parse_field_path(reference.path_text),
            resource=reference.uri,
        )


@rule("URI-MALFORMED")
def uri_malformed(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    for reference in context.images:
        problem = reference.problem
        if problem is not None and not isinstance(problem, NotInEcr):
            yield context.plan_hit(
                f"{reference.path_text} is not a valid image URI: {problem}",
                parse_field_path(reference.path_text),
                resource=reference.uri,
            )
    registration = context.plan.registration
    for uri, path_text, is_prefix in find_s3_uris(registration):
        try:
            parse_artifact_uri(uri, is_prefix=is_prefix)
        except ValueError as problem:
            yield context.plan_hit(
                f"{path_text} is not a valid S3 location: {problem}",
                parse_field_path(path_text),
                resource=uri,
            )


def _is_aws_managed(reference: str, plan: Plan) -> bool:
    """``alias/aws/…`` names an AWS managed key; so does a plan key with manager AWS."""
    if is_aws_managed_alias(reference):
        return True
    key = find_key(plan, reference)
    return key is not None and key.manager == "AWS"


@rule("AWS-MANAGED-KEY")
def aws_managed_key(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    plan = context.plan
    for bucket in plan.s3_buckets:
        encryption = bucket.encryption
        if encryption is None or not encryption.sse.startswith("aws:kms"):
            continue
        base = parse_field_path(bucket.plan_field)
        if encryption.kms_key is None:
            yield context.plan_hit(
                f"bucket {bucket.name} encrypts with {encryption.sse} but names no key, so S3 "
                "uses the AWS managed key aws/s3, whose policy no other account can be added to",
                (*base, "encryption"),
                resource=f"arn:{plan.partition}:s3:::{bucket.name}",
            )
        elif _is_aws_managed(encryption.kms_key, plan):
            yield context.plan_hit(
                f"bucket {bucket.name} encrypts with the AWS managed key {encryption.kms_key}: "
                "its policy cannot be changed and allows only its own account, so the "
                "registry account can never decrypt the artifacts",
                (*base, "encryption", "kms_key"),
                resource=f"arn:{plan.partition}:s3:::{bucket.name}",
            )
    key = plan.training_job_output_kms_key
    if key is not None and _is_aws_managed(key, plan):
        yield context.plan_hit(
            f"the training job's output key {key} is an AWS managed key: its policy cannot be "
            "changed and allows only its own account, so the registry account can never "
            "decrypt the model artifacts",
            ("training_job", "output_kms_key"),
            resource=key,
        )


@rule("NO-TRAINING-OUTPUT-KEY")
def no_training_output_key(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    plan = context.plan
    if not plan.has_training_job or plan.training_job_output_kms_key:
        return
    yield context.plan_hit(
        "the training job sets no OutputDataConfig.KmsKeyId, so SageMaker encrypted its "
        "artifacts with the account's AWS managed key aws/s3, which no other account can use",
        ("training_job",),
        resource=f"training job of {plan.training_account}",
    )


@rule("KMS-GRANT-GRANTEE")
def kms_grant_grantee(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    plan = context.plan
    for key in plan.kms_keys:
        for grant in key.grants:
            grantee = grant.grantee_principal
            if grantee.startswith("arn:"):
                continue
            path = (*parse_field_path(grant.plan_field), "grantee_principal")
            fix = None
            if is_account_id(grantee):
                arn = f"arn:{plan.partition}:iam::{grantee}:root"
                region = key.region or plan.region
                revoke = _revoke(grant.grantee_principal, grant.grant_id)
                fix = Fix(
                    account=key.account,
                    target=f"grants of key {key.arn}",
                    command=create_grant(key.arn, arn, grant.operations, region, revoke),
                    kind="kms_grant",
                    description=f"create the grant for {arn} and revoke the one that names "
                    f"{grantee!r}",
                    grant={"GranteePrincipal": arn, "Operations": list(grant.operations)},
                    principal=arn,
                    resource=key.arn,
                    revoke_grant=revoke,
                )
            yield context.plan_hit(
                f"a grant on key {key.arn} names the grantee {grantee!r}, which is not an ARN: "
                "CreateGrant takes the grantee principal's ARN (an account as "
                "arn:aws:iam::ACCOUNT:root); a bare id is refused or matches no principal, so "
                "the grant gives no access",
                path,
                resource=key.arn,
                detail=grantee,
                fix=fix,
            )


def _naming_fields(context: LintContext) -> dict[str, FieldPath]:
    """The request field that names each resource (an image, S3 URI, group or repository);
    the first field that names it, in the order group, images, S3 locations."""
    plan = context.plan
    registration = plan.registration
    fields: dict[str, FieldPath] = {}
    group = registration.get("ModelPackageGroupName")
    if isinstance(group, str):
        fields[group] = (*ROOT, "ModelPackageGroupName")
    for reference in context.images:
        path = parse_field_path(reference.path_text)
        fields.setdefault(reference.uri, path)
        if reference.image is not None:
            fields.setdefault(reference.image.repository_arn, path)
    for uri, path_text, _is_prefix in find_s3_uris(registration):
        path = parse_field_path(path_text)
        fields.setdefault(uri, path)
        with suppress(ValueError):
            fields.setdefault(parse_s3_uri(uri).bucket_arn(plan.partition), path)
    return fields


@rule("SNAPSHOT-MISSING")
def snapshot_missing(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    plan = context.plan
    naming_fields = _naming_fields(context) if plan.snapshot.missing else {}
    for fact in plan.snapshot.missing:
        path = naming_fields.get(fact.resource) or ("x-snapshot", "missing", fact.index)
        yield context.plan_hit(
            f"the snapshot did not find {fact.resource} ({fact.reason}): the registration cannot "
            "work until it exists or the request names one that does",
            path,
            resource=fact.resource,
        )


def _revoke(grantee: str, grant_id: str | None) -> dict[str, str]:
    """The grant to revoke: by its id when the plan gives it, else by the grantee it names."""
    revoke = {"GranteePrincipal": grantee}
    if grant_id:
        revoke["GrantId"] = grant_id
    return revoke


@rule("IDENTITY-NO-PRINCIPAL")
def identity_no_principal(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    """An ``identities`` entry for nobody the plan names: most often a typo, which would
    leave the real principal's identity side unverified while the check passes."""
    from checker.plan.identities import find_identity

    plan = context.plan
    principals = (plan.registrar_arn, *plan.consumer_arns)
    # The entries the check reads: a principal's own, or for a role session its role's.
    used = {id(found) for found in map(partial(find_identity, plan), principals) if found}
    for identity in plan.identities:
        if id(identity) in used:
            continue
        from difflib import get_close_matches  # only when there is a typo to explain

        close = get_close_matches(identity.principal, principals, n=1, cutoff=0.0)
        closest = f"; did you mean {close[0]}?" if close else ""
        path = (*parse_field_path(identity.plan_field), "principal")
        yield context.plan_hit(
            f"{field_path(path)} {identity.principal!r} is neither the registrar nor a consumer "
            f"of the plan, so its policies decide nothing{closest}",
            path,
            resource=identity.principal,
        )


@rule("REGION-UNKNOWN")
def region_unknown(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    from checker.catalog.images import aws_image_accounts_source, known_regions

    plan = context.plan
    regions = known_regions()
    if plan.region in regions:
        return
    from difflib import get_close_matches  # only when there is a typo to explain

    close = get_close_matches(plan.region, sorted(regions), n=1)
    closest = f"; did you mean {close[0]}?" if close else ""
    yield context.plan_hit(
        f"region {plan.region!r} is not a region SageMaker has images in (the regions of "
        f"{aws_image_accounts_source()}){closest}",
        ("region",),
        resource=plan.region,
    )


@rule("CONSUMER-OUTSIDE-REGISTRY")
def consumer_outside_registry(context: LintContext, spec: RuleSpec) -> Iterator[Hit]:
    plan = context.plan
    for index, principal in enumerate(plan.consumer_principals):
        consumer, account = principal.arn, principal.account
        if account == plan.registry_account:
            continue
        path = ("principals", "consumers", index)
        yield context.plan_hit(
            f"{field_path(path)} {consumer} is in account {account}, not the registry account "
            f"{plan.registry_account}: the consumers deploy the registered model in the registry "
            "account, so their accesses are checked as if made from there",
            path,
            resource=consumer,
        )
