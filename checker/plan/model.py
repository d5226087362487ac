"""The registration plan as loaded: typed, with every policy document read and positioned."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from checker.plan.snapshot_facts import NO_FACTS, SnapshotFacts
from checker.plan.source_facts import SourceFacts
from checker.records import field, record
from checker.refs import Arn, IamPrincipal

# A field path inside a document, e.g. ("Statement", 0, "Effect").
FieldPath = tuple[str | int, ...]
# 1-based (line, column) of a field path's value in its file.
Positions = Mapping[FieldPath, tuple[int, int]]


def nearest_position(path: FieldPath, positions: Positions) -> tuple[int, int] | None:
    """The position of ``path``, else of its nearest ancestor that has one (a value built
    from defaults, or a key the file does not spell out, has no position of its own)."""
    for end in range(len(path), -1, -1):
        position = positions.get(path[:end])
        if position is not None:
            return position
    return None


@record
class LoadedPolicy:
    """A policy document from a file or inline in the plan.

    ``source`` is how reports name it: the file path relative to the plan's folder
    (``policies/bucket.json``), or ``<plan file name>#<plan field path>`` when inline.
    ``positions`` maps field paths inside the document to their place in ``file``
    (the policy file, or the plan itself when inline).
    """

    source: str
    document: Mapping[str, Any]
    plan_field: str
    file: Path | None = None
    positions: Positions = field(default_factory=dict, compare=False, hash=False)

    def line_of(self, path: FieldPath) -> int | None:
        position = self.positions.get(path)
        return position[0] if position else None


@record
class ManagedPolicyRef:
    """An AWS managed policy named in ``identities`` (``AmazonSageMakerFullAccess``)."""

    name: str
    plan_field: str
    document: Mapping[str, Any] | None = None  # bundled document, when xreg ships one


class _NamedByArn:
    """Account and region of a resource the plan names, read from its ARN as parsed at load."""

    parsed: Arn

    @property
    def account(self) -> str:
        return self.parsed.account

    @property
    def region(self) -> str:
        return self.parsed.region


@record
class EcrRepository(_NamedByArn):
    arn: str
    policy: LoadedPolicy | None
    plan_field: str
    parsed: Arn = field(compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.parsed.resource.removeprefix("repository/")


@record
class BucketEncryption:
    sse: str  # AES256 | aws:kms | aws:kms:dsse
    kms_key: str | None = None


@record
class AclGrant:
    """One grant of an object ACL, as ``get-object-acl`` reports it (``Grants[]``)."""

    grantee_type: str  # CanonicalUser | Group | AmazonCustomerByEmail
    permission: str  # FULL_CONTROL | READ | WRITE | READ_ACP | WRITE_ACP
    plan_field: str
    grantee_id: str | None = None  # a canonical user id (Type CanonicalUser)
    grantee_uri: str | None = None  # a predefined group (Type Group)
    grantee_email: str | None = None  # Type AmazonCustomerByEmail


@record
class S3Object:
    """What the plan says of one object (``key``) or of every object under ``prefix``."""

    plan_field: str
    key: str | None = None
    prefix: str | None = None
    # The account that owns the object: an account id, or the canonical user id that
    # get-object-acl reports as Owner.ID. None: not given.
    owner: str | None = None
    grants: tuple[AclGrant, ...] | None = None  # None: the ACL is not given
    kms_key: str | None = None  # the KMS key the object is encrypted with

    def covers(self, key: str, is_prefix: bool) -> bool:
        """Whether this entry describes the object ``key`` (every object under it when
        ``is_prefix``): a key entry names one object, a prefix entry every key it starts."""
        if self.key is not None:
            return not is_prefix and key == self.key
        return self.prefix is not None and key.startswith(self.prefix)


@record
class S3Bucket:
    name: str
    account: str
    policy: LoadedPolicy | None
    plan_field: str
    encryption: BucketEncryption | None = None
    object_ownership: str | None = None
    objects: tuple[S3Object, ...] = ()

    def object_facts(self, key: str, is_prefix: bool) -> S3Object | None:
        """The plan's entry for ``key``: an entry for the key itself wins over a prefix entry,
        and a longer prefix over a shorter one."""
        found = [item for item in self.objects if item.covers(key, is_prefix)]
        if not found:
            return None
        return max(found, key=lambda item: (item.key is not None, len(item.prefix or "")))

    def arn(self, partition: str) -> str:
        """The bucket's ARN: bucket ARNs carry the partition, but no region or account."""
        return f"arn:{partition}:s3:::{self.name}"


@record
class KmsGrant:
    grantee_principal: str
    operations: tuple[str, ...]
    plan_field: str
    grant_id: str | None = None
    constraints: Mapping[str, Mapping[str, str]] | None = None


@record
class KmsKey(_NamedByArn):
    arn: str
    policy: LoadedPolicy | None
    plan_field: str
    parsed: Arn = field(compare=False, repr=False)
    manager: str | None = None  # CUSTOMER | AWS
    aliases: tuple[str, ...] = ()
    grants: tuple[KmsGrant, ...] = ()


@record
class ModelPackageGroup(_NamedByArn):
    arn: str
    policy: LoadedPolicy | None
    plan_field: str
    parsed: Arn = field(compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.parsed.resource.removeprefix("model-package-group/")


@record
class Identity:
    principal: str
    policies: tuple[LoadedPolicy | ManagedPolicyRef, ...]
    plan_field: str
    parsed: IamPrincipal = field(compare=False, repr=False)
    permissions_boundary: LoadedPolicy | None = None

    @property
    def account(self) -> str:
        return self.parsed.account


OrganizationPolicy = LoadedPolicy | ManagedPolicyRef
OrganizationKind = Literal["scp", "rcp"]


def group_levels(
    entries: tuple[OrganizationPolicy, ...], numbers: tuple[int, ...] | None
) -> tuple[tuple[OrganizationPolicy, ...], ...]:
    """``entries`` as levels of the organization tree, root first, given each entry's level
    number (``None``: all on one level). No entries: no level (nothing restricts)."""
    if not entries:
        return ()
    if numbers is None:
        return (entries,)
    levels: list[list[OrganizationPolicy]] = [[] for _ in range(max(numbers) + 1)]
    for entry, number in zip(entries, numbers, strict=True):
        levels[number].append(entry)
    return tuple(tuple(level) for level in levels)


@record
class Plan:
    """A validated plan. Account ids are 12-digit strings; every ARN and principal was parsed
    strictly at load, and its parts are kept beside it (``parsed``, ``registrar``,
    ``consumers``, ``key_arns``): nothing downstream parses a plan's ARN again."""

    path: Path
    source: str  # how reports name the plan file (as given on the command line)
    version: int
    partition: str
    region: str
    training_account: str
    registry_account: str
    registration: Mapping[str, Any]
    organization_id: str | None = None
    # ``organization.management_account``: SCPs and RCPs do not restrict it.
    management_account: str | None = None
    # ``organization.outside``: accounts not in ``organization_id``, each with the id of its
    # own organization ("" for none).
    outside_organization: Mapping[str, str] = field(default_factory=dict)
    # By account id: the canonical user id S3 ACLs name the account by.
    canonical_ids: Mapping[str, str] = field(default_factory=dict)
    registrar: IamPrincipal | None = None  # None: the training account's root
    consumers: tuple[IamPrincipal, ...] = ()  # empty: the registry account's root
    context: Mapping[str, Any] = field(default_factory=dict)
    training_job_output_kms_key: str | None = None
    # Every KMS key ARN the plan names outside ``resources.kms_keys[].arn`` (object and bucket
    # keys, the training job's output key, aliases, keys a snapshot read), parsed, by text.
    key_arns: Mapping[str, Arn] = field(default_factory=dict, compare=False, hash=False)
    has_training_job: bool = False
    ecr_repositories: tuple[EcrRepository, ...] = ()
    s3_buckets: tuple[S3Bucket, ...] = ()
    kms_keys: tuple[KmsKey, ...] = ()
    model_package_groups: tuple[ModelPackageGroup, ...] = ()
    identities: tuple[Identity, ...] = ()
    # by account id; each tuple is every policy given for that account, all levels of its
    # organization path together (``None``: not given). ``scp_levels`` / ``rcp_levels`` give
    # the level of each of those entries (0 = the root; an account not in them, or all 0:
    # one level, the flat form). ``organization_levels`` puts the two together.
    service_control_policies: Mapping[str, tuple[OrganizationPolicy, ...]] | None = None
    resource_control_policies: Mapping[str, tuple[OrganizationPolicy, ...]] | None = None
    scp_levels: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    rcp_levels: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # What a live snapshot recorded under ``x-snapshot`` (nothing for a written plan).
    snapshot: SnapshotFacts = NO_FACTS
    # What the plan's ``sources:`` said beyond resources and identities (None: no sources).
    source_facts: SourceFacts | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    positions: Positions = field(default_factory=dict, compare=False, hash=False)

    def loaded_policies(self) -> dict[str, LoadedPolicy]:
        """Every policy document the plan names, by source."""
        candidates: list[LoadedPolicy | ManagedPolicyRef | None] = [
            *(r.policy for r in self.ecr_repositories),
            *(b.policy for b in self.s3_buckets),
            *(k.policy for k in self.kms_keys),
            *(g.policy for g in self.model_package_groups),
        ]
        for identity in self.identities:
            candidates.extend(identity.policies)
            candidates.append(identity.permissions_boundary)
        for mapping in (self.service_control_policies, self.resource_control_policies):
            for items in (mapping or {}).values():
                candidates.extend(items)
        return {item.source: item for item in candidates if isinstance(item, LoadedPolicy)}

    def organization_levels(
        self, kind: OrganizationKind, account: str
    ) -> tuple[tuple[OrganizationPolicy, ...], ...] | None:
        """The SCPs (``kind`` scp) or RCPs of ``account`` by level, root first; ``None`` when
        the plan does not give them."""
        mapping = self.service_control_policies if kind == "scp" else self.resource_control_policies
        if mapping is None or account not in mapping:
            return None
        numbers = (self.scp_levels if kind == "scp" else self.rcp_levels).get(account)
        return group_levels(mapping[account], numbers)

    def organization_of(self, account: str) -> str | None:
        """The id of the organization ``account`` is in: ``""`` when it is in none, ``None``
        when the plan does not say. With an organization id, both accounts of the plan are in
        it unless ``organization.outside`` names them."""
        if account in self.outside_organization:
            return self.outside_organization[account]
        if self.organization_id is not None and account in (
            self.training_account,
            self.registry_account,
        ):
            return self.organization_id
        if account and account == self.management_account:
            return self.organization_id
        return None

    def account_of_canonical_id(self, canonical_id: str) -> str | None:
        """The account whose canonical user id is ``canonical_id``, when the plan says."""
        return next((a for a, c in self.canonical_ids.items() if c == canonical_id), None)

    @property
    def registrar_principal(self) -> IamPrincipal:
        return self.registrar or _root(self.partition, self.training_account)

    @property
    def consumer_principals(self) -> tuple[IamPrincipal, ...]:
        return self.consumers or (_root(self.partition, self.registry_account),)

    @property
    def registrar_arn(self) -> str:
        return self.registrar_principal.arn

    @property
    def consumer_arns(self) -> tuple[str, ...]:
        return tuple(consumer.arn for consumer in self.consumer_principals)

    def principal(self, arn: str) -> IamPrincipal | None:
        """The parsed principal the plan names as ``arn`` (registrar, consumer or identity)."""
        for principal in (self.registrar_principal, *self.consumer_principals):
            if principal.arn == arn:
                return principal
        return next((i.parsed for i in self.identities if i.principal == arn), None)

    def key_arn(self, text: str) -> Arn | None:
        """The parsed KMS key ARN the plan names as ``text``; ``None`` for a key id, an alias
        name, or a name the plan does not give."""
        known = self.key_arns.get(text)
        if known is not None:
            return known
        return next((key.parsed for key in self.kms_keys if key.arn == text), None)


def _root(partition: str, account: str) -> IamPrincipal:
    return IamPrincipal(f"arn:{partition}:iam::{account}:root", partition, account, "root")
