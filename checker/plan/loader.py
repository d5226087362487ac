"""``load_plan``: read a plan file, validate it, read every policy it names, build a ``Plan``.

Order matters for the messages: the schema speaks first (shape and types, one line), then
the checks the schema cannot express (strict ARN parsing, partitions, duplicates, files).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from checker import refs
from checker.errors import InputError, field_path
from checker.plan.documents import load_document
from checker.plan.managed_policies import ListKind
from checker.plan.model import (
    AclGrant,
    BucketEncryption,
    EcrRepository,
    FieldPath,
    Identity,
    KmsGrant,
    KmsKey,
    ModelPackageGroup,
    OrganizationPolicy,
    Plan,
    Positions,
    S3Bucket,
    S3Object,
)
from checker.plan.policy_refs import PolicyReader
from checker.plan.policy_size import check_policy_sizes
from checker.plan.schema import validate_plan
from checker.plan.snapshot_facts import parse_snapshot_facts

if TYPE_CHECKING:
    from checker.sources.merge import Merged

T = TypeVar("T")


class _InPartition(Protocol):
    @property
    def partition(self) -> str: ...


P = TypeVar("P", bound=_InPartition)

_ORGANIZATION_ID = re.compile(r"o-[a-z0-9]{10,32}")
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com(?:\.cn)?")


def load_plan(
    path: str | Path,
    *,
    pipeline_parameters: Mapping[str, str] | None = None,
    extra_sources: list[dict[str, Any]] | None = None,
) -> Plan:
    """Load and validate the plan at ``path``; ``InputError`` (one line) when it is invalid.

    A plan with ``sources:`` has them read and merged in first (``extra_sources``: more
    entries, from the command line; ``pipeline_parameters``: values for the pipeline's
    parameters given on the command line)."""
    source = str(path)
    plan_path = Path(path)
    data, positions = load_document(plan_path, source=source)
    if extra_sources:
        # Sources named on the command line follow the plan's own, and are validated with them.
        data["sources"] = [*data.get("sources", []), *extra_sources]
    validate_plan(data, source=source, positions=positions)
    merged = None
    if "sources" in data:
        # Here, not at the top: a plan without sources never loads the readers.
        from checker.sources.merge import apply_sources

        merged = apply_sources(
            data,
            positions,
            plan_path=plan_path,
            plan_source=source,
            extra_parameters=pipeline_parameters,
        )
        data = merged.data
    elif "registration" not in data:
        raise InputError(source, "$", "missing required field 'registration'")
    plan = _PlanBuilder(plan_path, source, data, positions, merged).build()
    check_policy_sizes(plan)
    return plan


class _PlanBuilder:
    def __init__(
        self,
        plan_path: Path,
        source: str,
        data: dict[str, Any],
        positions: Positions,
        merged: Merged | None = None,
    ) -> None:
        self.plan_path = plan_path
        self.source = source
        self.data = data
        self.positions = positions
        self.merged = merged
        self.partition: str = data.get("partition", "aws")
        self.policies = PolicyReader(
            plan_path, source, positions, derived=merged.policies if merged else None
        )
        self.key_arns: dict[str, refs.Arn] = {}

    def key_arn(self, value: str, field: FieldPath) -> refs.Arn:
        """A KMS key ARN named outside ``resources.kms_keys[].arn``, parsed and kept."""
        arn = self.arn_in_partition(refs.parse_kms_key_arn, value, field)
        self.key_arns[value] = arn
        return arn

    def refuse(self, field: FieldPath, reason: str) -> InputError:
        origin = self.merged.origin(field) if self.merged is not None else None
        if origin is not None:
            # A value a source gave: name it where the user wrote it.
            located, _ = origin
            where = f" (line {located.line})" if located.line is not None else ""
            return InputError(located.source, located.where, reason + where)
        return InputError(self.source, field_path(field), reason)

    def parsed(self, parse: Callable[[str], T], value: str, field: FieldPath) -> T:
        """``parse(value)``, with its ValueError reported at ``field``."""
        try:
            return parse(value)
        except ValueError as error:
            raise self.refuse(field, str(error)) from None

    def arn_in_partition(self, parse: Callable[[str], P], value: str, field: FieldPath) -> P:
        """Parse an ARN strictly and check that it is in the plan's partition."""
        parsed = self.parsed(parse, value, field)
        if parsed.partition != self.partition:
            raise self.refuse(
                field,
                f"{value!r} is in partition {parsed.partition}, "
                f"but the plan's partition is {self.partition}",
            )
        return parsed

    # --- the plan ---------------------------------------------------------------------------

    def build(self) -> Plan:
        data = self.data
        region = self.parsed(refs.parse_region, data["region"], ("region",))
        if refs.region_partition(region) != self.partition:
            raise self.refuse(
                ("region",),
                f"region {region} is in partition {refs.region_partition(region)}, "
                f"but the plan's partition is {self.partition}",
            )
        accounts = data["accounts"]
        training = self.parsed(
            refs.parse_account_id, accounts["training"], ("accounts", "training")
        )
        registry = self.parsed(
            refs.parse_account_id, accounts["registry"], ("accounts", "registry")
        )
        organization_id, management_account, outside = self.organization()
        principals = data.get("principals", {})
        registrar_arn = principals.get("registrar")
        registrar = (
            self.principal(registrar_arn, ("principals", "registrar"))
            if registrar_arn is not None
            else None
        )
        consumer_arns = tuple(principals.get("consumers", ()))
        consumers = tuple(
            self.principal(consumer, ("principals", "consumers", index))
            for index, consumer in enumerate(consumer_arns)
        )
        self.no_duplicates(consumer_arns, ("principals", "consumers"))
        training_job = data.get("training_job")
        output_key = (training_job or {}).get("output_kms_key")
        if output_key is not None:
            self.key_arn(output_key, ("training_job", "output_kms_key"))
        canonical_ids = self.canonical_ids()
        resources = data.get("resources", {})
        scps, scp_levels = self.by_account("service_control_policies", "scp")
        rcps, rcp_levels = self.by_account("resource_control_policies", "rcp")
        for kind, given in (
            ("service_control_policies", scps),
            ("resource_control_policies", rcps),
        ):
            for account, entries in (given or {}).items():
                if entries and outside.get(account) == "":
                    raise self.refuse(
                        (kind, account),
                        f"account {account} is in no organization (organization.outside), "
                        "so no organization policy applies to it",
                    )
        # In the order of the fields of the plan, so that the first error is reported first.
        repositories = self.each(resources, "ecr_repositories", self.ecr_repository)
        buckets = self.each(resources, "s3_buckets", self.s3_bucket)
        keys = self.each(resources, "kms_keys", self.kms_key)
        groups = self.each(resources, "model_package_groups", self.model_package_group)
        identities = self.identities()
        snapshot = parse_snapshot_facts(data, self.source, self.snapshot_key)
        return Plan(
            path=self.plan_path,
            source=self.source,
            version=data["version"],
            partition=self.partition,
            region=region,
            training_account=training,
            registry_account=registry,
            registration=data["registration"],
            organization_id=organization_id,
            management_account=management_account,
            outside_organization=outside,
            canonical_ids=canonical_ids,
            registrar=registrar,
            consumers=consumers,
            context=data.get("context", {}),
            training_job_output_kms_key=output_key,
            key_arns=self.key_arns,
            has_training_job=training_job is not None,
            ecr_repositories=repositories,
            s3_buckets=buckets,
            kms_keys=keys,
            model_package_groups=groups,
            identities=identities,
            service_control_policies=scps,
            resource_control_policies=rcps,
            scp_levels=scp_levels,
            rcp_levels=rcp_levels,
            snapshot=snapshot,
            source_facts=self.merged.facts if self.merged is not None else None,
            raw=data,
            positions=self.positions,
        )

    def organization(self) -> tuple[str | None, str | None, dict[str, str]]:
        """``organization_id``, or ``organization``: its id, management account and the
        accounts outside it (with their own organization's id, "" for none)."""
        data = self.data
        if "organization" not in data:
            organization_id = data.get("organization_id")
            self.organization_id(organization_id, ("organization_id",))
            return organization_id, None, {}
        if "organization_id" in data:
            raise self.refuse(("organization",), "give organization_id or organization, not both")
        given = data["organization"]
        organization_id = given["id"]
        self.organization_id(organization_id, ("organization", "id"))
        management = given.get("management_account")
        if management is not None:
            self.parsed(refs.parse_account_id, management, ("organization", "management_account"))
        outside: dict[str, str] = {}
        for account, other in given.get("outside", {}).items():
            field = ("organization", "outside", account)
            self.parsed(refs.parse_account_id, account, field)
            self.organization_id(other, field)
            if account == management:
                raise self.refuse(field, "the management account is in its organization")
            if other == organization_id:
                raise self.refuse(field, f"an account outside {organization_id} cannot be in it")
            outside[account] = other or ""
        return organization_id, management, outside

    def organization_id(self, value: str | None, field: FieldPath) -> None:
        if value is not None and not _ORGANIZATION_ID.fullmatch(value):
            raise self.refuse(field, f"{value!r} is not an AWS Organizations id")

    def principal(self, value: str, field: FieldPath) -> refs.IamPrincipal:
        return self.arn_in_partition(refs.parse_principal_arn, value, field)

    def no_duplicates(self, values: tuple[str, ...], field: FieldPath) -> None:
        first: dict[str, int] = {}
        for index, value in enumerate(values):
            if value in first:
                earlier = field_path((*field, first[value]))
                raise self.refuse((*field, index), f"{value!r} is listed twice (also at {earlier})")
            first[value] = index

    def each(
        self,
        resources: dict[str, Any],
        kind: str,
        build: Callable[[dict[str, Any], FieldPath], T],
    ) -> tuple[T, ...]:
        items = resources.get(kind, [])
        built = tuple(build(item, ("resources", kind, index)) for index, item in enumerate(items))
        keys = tuple(item.get("arn") or item.get("name") for item in items)
        self.no_duplicates(keys, ("resources", kind))
        return built

    # --- resources --------------------------------------------------------------------------

    def ecr_repository(self, item: dict[str, Any], field: FieldPath) -> EcrRepository:
        arn = self.arn_in_partition(refs.parse_ecr_repository_arn, item["arn"], (*field, "arn"))
        policy = self.policies.resource_policy(item.get("policy"), (*field, "policy"))
        return EcrRepository(
            arn=item["arn"], policy=policy, plan_field=field_path(field), parsed=arn
        )

    def s3_bucket(self, item: dict[str, Any], field: FieldPath) -> S3Bucket:
        name = self.parsed(refs.check_bucket_name, item["name"], (*field, "name"))
        account = self.parsed(refs.parse_account_id, item["account"], (*field, "account"))
        encryption = None
        if "encryption" in item:
            sse = item["encryption"]["sse"]
            kms_key = item["encryption"].get("kms_key")
            key_field = (*field, "encryption", "kms_key")
            if kms_key is not None:
                if sse == "AES256":
                    raise self.refuse(
                        key_field, "a KMS key makes no sense with sse AES256 (S3 managed keys)"
                    )
                self.key_arn(kms_key, key_field)
            encryption = BucketEncryption(sse=sse, kms_key=kms_key)
        return S3Bucket(
            name=name,
            account=account,
            policy=self.policies.resource_policy(item.get("policy"), (*field, "policy")),
            plan_field=field_path(field),
            encryption=encryption,
            object_ownership=item.get("object_ownership"),
            objects=self.s3_objects(item.get("objects", []), (*field, "objects")),
        )

    def s3_objects(self, items: list[dict[str, Any]], field: FieldPath) -> tuple[S3Object, ...]:
        built = []
        for index, item in enumerate(items):
            at: FieldPath = (*field, index)
            if ("key" in item) == ("prefix" in item):
                raise self.refuse(at, "give exactly one of key (one object) or prefix")
            kms_key = item.get("kms_key")
            if kms_key is not None:
                self.key_arn(kms_key, (*at, "kms_key"))
            grants = item.get("grants")
            built.append(
                S3Object(
                    plan_field=field_path(at),
                    key=item.get("key"),
                    prefix=item.get("prefix"),
                    owner=item.get("owner"),
                    grants=None
                    if grants is None
                    else tuple(
                        self.acl_grant(grant, (*at, "grants", number))
                        for number, grant in enumerate(grants)
                    ),
                    kms_key=kms_key,
                )
            )
        names = tuple(f"key {o.key}" if o.key is not None else f"prefix {o.prefix}" for o in built)
        self.no_duplicates(names, field)
        return tuple(built)

    def acl_grant(self, item: dict[str, Any], field: FieldPath) -> AclGrant:
        grantee = item["Grantee"]
        kind = grantee["Type"]
        needed = {"CanonicalUser": "ID", "Group": "URI", "AmazonCustomerByEmail": "EmailAddress"}
        if needed[kind] not in grantee:
            raise self.refuse(
                (*field, "Grantee"), f"a grantee of Type {kind} needs its {needed[kind]}"
            )
        return AclGrant(
            grantee_type=kind,
            permission=item["Permission"],
            plan_field=field_path(field),
            grantee_id=grantee.get("ID"),
            grantee_uri=grantee.get("URI"),
            grantee_email=grantee.get("EmailAddress"),
        )

    def canonical_ids(self) -> dict[str, str]:
        given: dict[str, str] = dict(self.data.get("canonical_ids", {}))
        seen: dict[str, str] = {}
        for account, canonical in given.items():
            self.parsed(refs.parse_account_id, account, ("canonical_ids", account))
            if canonical in seen:
                raise self.refuse(
                    ("canonical_ids", account),
                    f"{canonical!r} is also the canonical id of account {seen[canonical]}: "
                    "every account has its own",
                )
            seen[canonical] = account
        return given

    def kms_key(self, item: dict[str, Any], field: FieldPath) -> KmsKey:
        arn = self.arn_in_partition(refs.parse_kms_key_arn, item["arn"], (*field, "arn"))
        aliases = tuple(item.get("aliases", ()))
        for index, alias in enumerate(aliases):
            if alias.startswith("arn:"):
                self.key_arn(alias, (*field, "aliases", index))
        grants = tuple(
            self.kms_grant(grant, (*field, "grants", index))
            for index, grant in enumerate(item.get("grants", ()))
        )
        return KmsKey(
            arn=item["arn"],
            policy=self.policies.resource_policy(item.get("policy"), (*field, "policy")),
            plan_field=field_path(field),
            parsed=arn,
            manager=item.get("manager"),
            aliases=aliases,
            grants=grants,
        )

    def kms_grant(self, item: dict[str, Any], field: FieldPath) -> KmsGrant:
        grantee = item["grantee_principal"]
        grantee_field = (*field, "grantee_principal")
        if grantee.startswith("arn:"):
            self.principal(grantee, grantee_field)
        elif not (refs.is_account_id(grantee) or _SERVICE_PRINCIPAL.fullmatch(grantee)):
            raise self.refuse(
                grantee_field,
                f"{grantee!r} is not an IAM principal ARN, an account id or a service principal",
            )
        return KmsGrant(
            grantee_principal=grantee,
            operations=tuple(item["operations"]),
            plan_field=field_path(field),
            grant_id=item.get("grant_id"),
            constraints=item.get("constraints"),
        )

    def model_package_group(self, item: dict[str, Any], field: FieldPath) -> ModelPackageGroup:
        arn = self.arn_in_partition(
            refs.parse_model_package_group_arn, item["arn"], (*field, "arn")
        )
        policy = self.policies.resource_policy(item.get("policy"), (*field, "policy"))
        return ModelPackageGroup(
            arn=item["arn"], policy=policy, plan_field=field_path(field), parsed=arn
        )

    # --- identities and organization policies -----------------------------------------------

    def identities(self) -> tuple[Identity, ...]:
        built = []
        for index, item in enumerate(self.data.get("identities", [])):
            field: FieldPath = ("identities", index)
            principal = self.principal(item["principal"], (*field, "principal"))
            if principal.kind == "assumed-role":
                raise self.refuse(
                    (*field, "principal"),
                    "identity policies belong to the role, not to its sessions: give "
                    f"arn:{principal.partition}:iam::{principal.account}:role/{principal.name}",
                )
            policies = tuple(
                self.policies.listed(value, (*field, "policies", number), "identity")
                for number, value in enumerate(item.get("policies", []))
            )
            boundary_value = item.get("permissions_boundary")
            boundary = (
                self.policies.boundary(boundary_value, (*field, "permissions_boundary"))
                if boundary_value is not None
                else None
            )
            built.append(
                Identity(item["principal"], policies, field_path(field), principal, boundary)
            )
        self.no_duplicates(tuple(identity.principal for identity in built), ("identities",))
        return tuple(built)

    def by_account(
        self, key: str, kind: ListKind
    ) -> tuple[dict[str, tuple[OrganizationPolicy, ...]] | None, dict[str, tuple[int, ...]]]:
        """Each account's policies (flat, root first) and, for the levels form, the level of
        each: ``[ref, …]`` is one level; ``[[ref, …], [ref, …], …]`` is one list per level of
        the organization tree, root first."""
        if key not in self.data:
            return None, {}
        policies: dict[str, tuple[OrganizationPolicy, ...]] = {}
        levels: dict[str, tuple[int, ...]] = {}
        for account, entries in self.data[key].items():
            self.parsed(refs.parse_account_id, account, (key, account))
            nested = [isinstance(entry, list) for entry in entries]
            if any(nested) and not all(nested):
                index = nested.index(not nested[0])
                raise self.refuse(
                    (key, account, index),
                    "mixes policies and levels: give a list of policies (one level) or a list "
                    "of levels, each a list of policies, root first",
                )
            if not all(nested) or not entries:
                policies[account] = tuple(
                    self.policies.listed(value, (key, account, index), kind)
                    for index, value in enumerate(entries)
                )
                continue
            flat: list[OrganizationPolicy] = []
            numbers: list[int] = []
            for number, level in enumerate(entries):
                for index, value in enumerate(level):
                    flat.append(self.policies.listed(value, (key, account, number, index), kind))
                    numbers.append(number)
            policies[account] = tuple(flat)
            levels[account] = tuple(numbers)
        return policies, levels

    def snapshot_key(self, arn: str, field: FieldPath) -> None:
        self.key_arn(arn, field)
