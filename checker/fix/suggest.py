"""Fix suggestions: for each gap, the corrected policy in the right account and the command.

Gaps that touch the same policy are merged into one corrected document, so every policy
gets one fix however many rows it closes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from checker import put_back
from checker.engine.policies import PolicyIndex, resource_policy_target
from checker.fix.org_exceptions import narrow_for_request
from checker.fix.statements import (
    allow_statement,
    exclude_principal,
    merged_document,
    sid_for,
    statements_of,
    unique_sid,
)
from checker.matrix.expand import Requirement
from checker.plan.identities import identity_principal
from checker.plan.model import LoadedPolicy, Plan
from checker.policy import evaluate_policy
from checker.policy.decision import AccessDecision, Decision, Evidence, Tri
from checker.policy.model import Policy, PolicyType
from checker.policy.request import AccessQuestion
from checker.put_back import NEW_IDENTITY_POLICY_NAME, inline_policy_name, slug
from checker.records import field, record, replace
from checker.results.model import Fix, Level

# How a fix names the policy it changes, before the resource's name.
_RESOURCE_POLICY_NOUNS = {
    PolicyType.MODEL_PACKAGE_GROUP: "resource policy of model package group",
    PolicyType.REPOSITORY: "repository policy",
    PolicyType.BUCKET: "bucket policy",
    PolicyType.KEY: "key policy",
}


@record(frozen=False)
class PolicyEdit:
    """Everything to change in one policy document (or one new policy)."""

    key: tuple[str, str]
    kind: str  # resource_policy | identity_policy | boundary | scp | rcp
    policy_type: PolicyType
    account: str
    resource: str
    target: str
    loaded: LoadedPolicy | None
    allows: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    narrowed: dict[int, dict[str, Any]] = field(default_factory=dict)
    principal: str | None = None
    corrected: list[str] = field(default_factory=list)  # the lint rules whose fixes it holds
    region: str = ""  # the resource's region, for the command that puts the policy back

    def allow(self, principal: str, action: str, resource: str) -> None:
        actions, resources = self.allows.setdefault(principal, (set(), set()))
        actions.add(action)
        resources.add(resource)


def _level_allows(level: Sequence[Policy], question: AccessQuestion) -> bool:
    request = question.request
    return any(
        evaluate_policy(policy, request, principal_account=question.principal_account).allow
        is Tri.TRUE
        for policy in level
    )


@record(frozen=False)
class FixPlanner:
    plan: Plan
    index: PolicyIndex
    edits: dict[tuple[str, str], PolicyEdit] = field(default_factory=dict)
    grants: dict[tuple[str, str], tuple[str, str, set[str]]] = field(default_factory=dict)
    manual: dict[str, Fix] = field(default_factory=dict)
    ownership: dict[str, Fix] = field(default_factory=dict)
    assigned: dict[tuple[str, str, str], list[tuple[str, str]]] = field(default_factory=dict)
    # Fix what AWS needs; what only the documentation asks for on request (--fix-documented).
    fix_documented: bool = False
    # Grants to revoke when the grant that replaces them is created: (key, grantee) → revoke.
    revokes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def edit(self, key: tuple[str, str], **kwargs: Any) -> PolicyEdit:
        existing = self.edits.get(key)
        if existing is None:
            existing = PolicyEdit(key=key, **kwargs)
            self.edits[key] = existing
        return existing

    def note(self, requirement: Requirement, key: tuple[str, str]) -> None:
        keys = self.assigned.setdefault(requirement.row_key, [])
        if key not in keys:
            keys.append(key)

    # -- what each side needs ------------------------------------------------------------
    def plan_requirement(
        self, requirement: Requirement, question: AccessQuestion, decision: AccessDecision
    ) -> None:
        if not decision.decision.is_denied:
            return
        if requirement.spec.level is Level.DOCUMENTED and not self.fix_documented:
            return
        self._resource_side(requirement, question, decision)
        self._identity_side(requirement, question, decision)
        self._organization_side(requirement, question, decision)

    def _resource_side(
        self, requirement: Requirement, question: AccessQuestion, decision: AccessDecision
    ) -> None:
        side = decision.resource_policy
        if not side.decision.is_denied:
            return
        key_choice = requirement.key
        if key_choice is not None and key_choice.aws_managed:
            self._manual_managed_key(requirement)
            return
        target = resource_policy_target(requirement, self.plan.partition)
        if target is None:
            return
        loaded, policy_type = target.loaded, target.policy_type
        edit = self._resource_edit(
            target.name, policy_type, target.arn, loaded, target.account, target.region
        )
        if not edit.account:
            edit.account = requirement.resource_owner or ""
        policy = question.resource_policy
        if side.decision is Decision.EXPLICIT_DENY and policy is not None:
            self._narrow(
                edit, policy, side.evidence, requirement.principal, requirement.principal_account
            )
        elif policy_type is PolicyType.KEY and loaded is None:
            self._grant(requirement)
            return
        else:
            edit.allow(requirement.principal, requirement.action, requirement.resource)
        self.note(requirement, edit.key)

    def _identity_side(
        self, requirement: Requirement, question: AccessQuestion, decision: AccessDecision
    ) -> None:
        side = decision.identity_policy
        if not side.decision.is_denied:
            return
        # A session's identity policies are its role's: the fix goes to the role.
        principal = identity_principal(self.plan, requirement.principal)
        if side.decision is Decision.EXPLICIT_DENY:
            for evidence in side.evidence:
                policy = self.index.by_source.get(evidence.source)
                loaded = self._loaded_by_source(evidence.source)
                if policy is None or loaded is None:
                    continue
                edit = self._identity_edit(
                    ("identity-file", evidence.source),
                    policy.type,
                    f"{_policy_noun(policy.type)} {evidence.source} of {principal}",
                    loaded,
                    principal,
                    requirement.principal_account,
                )
                self._narrow(edit, policy, (evidence,), principal, requirement.principal_account)
                self.note(requirement, edit.key)
            return
        identity_allows = question.identity_policies is not None and any(
            evaluate_policy(policy, question.request).allow is Tri.TRUE
            for policy in question.identity_policies
        )
        boundary = question.permissions_boundary
        if identity_allows and boundary is not None:
            loaded = self._loaded_by_source(boundary.source)
            edit = self._identity_edit(
                ("identity-file", boundary.source),
                PolicyType.BOUNDARY,
                f"permissions boundary {boundary.source} of {principal}",
                loaded,
                principal,
                requirement.principal_account,
            )
        else:
            edit = self._identity_edit(
                ("identity-new", principal),
                PolicyType.IDENTITY,
                f"identity policy {NEW_IDENTITY_POLICY_NAME} of {principal}",
                None,
                principal,
                requirement.principal_account,
            )
        edit.allow("", requirement.action, requirement.resource)
        self.note(requirement, edit.key)

    def _identity_edit(
        self,
        key: tuple[str, str],
        policy_type: PolicyType,
        target: str,
        loaded: LoadedPolicy | None,
        principal: str,
        account: str,
    ) -> PolicyEdit:
        """The edit of a policy on the principal's side: an identity policy or its boundary."""
        return self.edit(
            key,
            kind="boundary" if policy_type is PolicyType.BOUNDARY else "identity_policy",
            policy_type=policy_type,
            account=account,
            resource=principal,
            target=target,
            loaded=loaded,
            principal=principal,
        )

    def _organization_side(
        self, requirement: Requirement, question: AccessQuestion, decision: AccessDecision
    ) -> None:
        side = decision.organization
        if not side.decision.is_denied:
            return
        levels = [
            (PolicyType.SCP, question.scps, question.principal_account),
            (PolicyType.RCP, question.rcps, question.resource_account),
        ]
        for policy_type, policy_levels, account in levels:
            for level in policy_levels or ():
                if side.decision is Decision.EXPLICIT_DENY:
                    self._narrow_level(
                        requirement, question, side.evidence, level, policy_type, account
                    )
                elif policy_type is PolicyType.SCP and not _level_allows(level, question):
                    # Only an SCP level that allows nothing for the request needs an Allow:
                    # every level must allow, and one policy of the level allowing is
                    # enough. RCPs only deny: an Allow in one would be refused.
                    self._allow_in_level(requirement, level, policy_type, account)

    def _narrow_level(
        self,
        requirement: Requirement,
        question: AccessQuestion,
        evidence: Sequence[Evidence],
        level: Sequence[Policy],
        policy_type: PolicyType,
        account: str,
    ) -> None:
        """Narrow the Denies of the level's policies that refused the request, each with an
        exception in the form it already uses (``checker.fix.org_exceptions``)."""
        for policy in level:
            labels = {item.statement for item in evidence if item.source == policy.source}
            loaded = self._loaded_by_source(policy.source)
            if not labels or loaded is None:
                continue
            edit = self._organization_edit(policy_type, policy, loaded, account)
            for replacement in _denies_to_narrow(edit, policy, labels):
                narrow_for_request(
                    replacement,
                    question.request.context,
                    requirement.principal,
                    self.plan.organization_id,
                    principal_account=requirement.principal_account,
                )
            self.note(requirement, edit.key)

    def _allow_in_level(
        self,
        requirement: Requirement,
        level: Sequence[Policy],
        policy_type: PolicyType,
        account: str,
    ) -> None:
        """Add the Allow to an SCP of the level whose document the plan gives (never to an
        RCP: AWS accepts no Allow there)."""
        found = next(
            (
                (policy, loaded)
                for policy in level
                if (loaded := self._loaded_by_source(policy.source)) is not None
            ),
            None,
        )
        if found is None:
            return
        # An allow-list policy of the level takes the Allow rather than a deny-list one.
        allow_list = next(
            (
                (policy, loaded)
                for policy in level
                if any(s.effect == "Allow" for s in policy.statements)
                and (loaded := self._loaded_by_source(policy.source)) is not None
            ),
            None,
        )
        first, loaded = allow_list or found
        edit = self._organization_edit(policy_type, first, loaded, account)
        edit.allow("", requirement.action, requirement.resource)
        self.note(requirement, edit.key)

    def _organization_edit(
        self, policy_type: PolicyType, policy: Policy, loaded: LoadedPolicy, account: str
    ) -> PolicyEdit:
        """The edit of an SCP or RCP: ``account`` is the account it applies to; the change is
        made in the management account, when the plan names it."""
        noun = "SCP" if policy_type is PolicyType.SCP else "RCP"
        return self.edit(
            ("org", policy.source),
            kind=policy_type.value,
            policy_type=policy_type,
            account=self.plan.management_account or account,
            resource=policy.source,
            target=f"{noun} {policy.source} (applies to {account})",
            loaded=loaded,
        )

    # -- lint's corrections ----------------------------------------------------------------
    def corrected_by_lint(self, plan_field: str, rules: Sequence[str]) -> PolicyEdit | None:
        """The edit of the policy at ``plan_field``, noting the lint rules it corrects."""
        edit = self.edit_for_plan_field(plan_field)
        if edit is not None:
            edit.corrected.extend(rule for rule in rules if rule not in edit.corrected)
        return edit

    def edit_for_plan_field(self, plan_field: str) -> PolicyEdit | None:
        """The edit of the plan's policy at ``plan_field``, keyed as the access fixes key it,
        so that a lint correction and an access fix of one policy are one document."""
        plan = self.plan
        for repository in plan.ecr_repositories:
            if repository.policy and repository.policy.plan_field == plan_field:
                return self._resource_edit(
                    repository.arn,
                    PolicyType.REPOSITORY,
                    repository.arn,
                    repository.policy,
                    repository.account,
                    repository.region,
                )
        for bucket in plan.s3_buckets:
            if bucket.policy and bucket.policy.plan_field == plan_field:
                edit = self._resource_edit(
                    bucket.name,
                    PolicyType.BUCKET,
                    bucket.arn(plan.partition),
                    bucket.policy,
                    "",
                    "",
                )
                edit.account = edit.account or bucket.account or ""
                return edit
        for key in plan.kms_keys:
            if key.policy and key.policy.plan_field == plan_field:
                return self._resource_edit(
                    key.arn, PolicyType.KEY, key.arn, key.policy, key.account, key.region
                )
        for group in plan.model_package_groups:
            if group.policy and group.policy.plan_field == plan_field:
                return self._resource_edit(
                    group.arn,
                    PolicyType.MODEL_PACKAGE_GROUP,
                    group.arn,
                    group.policy,
                    group.account,
                    group.region,
                )
        for identity in plan.identities:
            principal = identity.principal
            for item in identity.policies:
                if isinstance(item, LoadedPolicy) and item.plan_field == plan_field:
                    return self._identity_edit(
                        ("identity-file", item.source),
                        PolicyType.IDENTITY,
                        f"identity policy {item.source} of {principal}",
                        item,
                        principal,
                        identity.account,
                    )
            boundary = identity.permissions_boundary
            if boundary is not None and boundary.plan_field == plan_field:
                return self._identity_edit(
                    ("identity-file", boundary.source),
                    PolicyType.BOUNDARY,
                    f"permissions boundary {boundary.source} of {principal}",
                    boundary,
                    principal,
                    identity.account,
                )
        for policy_type, mapping in (
            (PolicyType.SCP, plan.service_control_policies),
            (PolicyType.RCP, plan.resource_control_policies),
        ):
            for account, items in (mapping or {}).items():
                for item in items:
                    if isinstance(item, LoadedPolicy) and item.plan_field == plan_field:
                        policy = self.index.organization_policy(item, policy_type)
                        if policy is not None:
                            return self._organization_edit(policy_type, policy, item, account)
        return None

    def _resource_edit(
        self,
        name: str,
        policy_type: PolicyType,
        arn: str,
        loaded: LoadedPolicy | None,
        account: str,
        region: str,
    ) -> PolicyEdit:
        """``account`` and ``region``: the resource's, from its ARN ("" for a bucket)."""
        return self.edit(
            ("resource", name),
            kind="resource_policy",
            policy_type=policy_type,
            account=account,
            resource=arn,
            target=f"{_RESOURCE_POLICY_NOUNS[policy_type]} of {name}",
            loaded=loaded,
            region=region,
        )

    def lint_grant(self, fix: Fix) -> tuple[str, str]:
        """Take in lint's grant that replaces a wrong one; the key of the grant fix."""
        assert fix.grant is not None and fix.resource is not None
        principal = str(fix.grant["GranteePrincipal"])
        grant_key = (fix.resource, principal)
        _, _, operations = self.grants.setdefault(grant_key, (fix.resource, principal, set()))
        operations.update(str(operation) for operation in fix.grant.get("Operations", ()))
        if fix.revoke_grant is not None:
            self.revokes[grant_key] = fix.revoke_grant
        return ("grant", f"{fix.resource}|{principal}")

    # -- helpers ---------------------------------------------------------------------------
    def _narrow(
        self,
        edit: PolicyEdit,
        policy: Policy,
        evidence: Sequence[Evidence],
        principal: str,
        principal_account: str,
    ) -> None:
        labels = {item.statement for item in evidence if item.source == policy.source}
        for replacement in _denies_to_narrow(edit, policy, labels):
            if principal.endswith(":root"):
                exclude_principal(replacement, "aws:PrincipalAccount", principal_account)
            else:
                exclude_principal(replacement, "aws:PrincipalArn", principal)

    def _grant(self, requirement: Requirement) -> None:
        key_arn = requirement.resource
        grant_key = (key_arn, requirement.principal)
        _, _, operations = self.grants.setdefault(
            grant_key, (key_arn, requirement.principal, set())
        )
        operations.add(requirement.action.split(":", 1)[1])
        self.note(requirement, ("grant", f"{key_arn}|{requirement.principal}"))

    def _manual_managed_key(self, requirement: Requirement) -> None:
        key = ("manual", requirement.resource)
        if requirement.resource not in self.manual:
            artifact = requirement.bucket.name if requirement.bucket else "the artifact bucket"
            self.manual[requirement.resource] = Fix(
                account=requirement.resource_owner or self.plan.training_account,
                target=f"encryption of the artifacts in {artifact}",
                kind="manual",
                command=(
                    "aws s3 cp s3://BUCKET/KEY s3://BUCKET/KEY --sse aws:kms "
                    "--sse-kms-key-id CUSTOMER_MANAGED_KEY_ARN"
                ),
                description=(
                    f"{requirement.resource} is an AWS managed key: its policy cannot be changed "
                    "and allows only its own account. Re-encrypt the artifacts with a customer "
                    "managed key (and set OutputDataConfig.KmsKeyId on the training job), then "
                    "share that key."
                ),
                resource=requirement.resource,
            )
        self.note(requirement, key)

    def plan_object_ownership(self, requirement: Requirement) -> None:
        """The bucket owner takes over the objects another account owns (Object Ownership
        ``BucketOwnerEnforced``), so that the bucket policy decides their reads."""
        bucket = requirement.bucket
        if bucket is None:
            return
        if requirement.spec.level is Level.DOCUMENTED and not self.fix_documented:
            return
        key = ("ownership", bucket.name)
        if bucket.name not in self.ownership:
            self.ownership[bucket.name] = Fix(
                account=bucket.account,
                target=f"Object Ownership of {bucket.name}",
                kind="manual",
                command=put_back.bucket_owner_enforced(bucket.name),
                description=(
                    f"makes account {bucket.account} the owner of every object in {bucket.name} "
                    "and disables its ACLs, so that the bucket policy decides every read (review "
                    "first: whoever reads through an ACL today then needs the bucket policy, and "
                    "AWS refuses the change while the bucket ACL grants another account); or have "
                    f"account {bucket.account} copy each object onto itself"
                ),
                plan_field=f"{bucket.plan_field}.object_ownership",
                resource=bucket.arn(self.plan.partition),
            )
        self.note(requirement, key)

    def _loaded_by_source(self, source: str) -> LoadedPolicy | None:
        return self.index.loaded.get(source)

    # -- output ----------------------------------------------------------------------------
    def build(self) -> dict[tuple[str, str], Fix]:
        """Every fix by the key of what it changes, each with its stable id."""
        built: dict[tuple[str, str], Fix] = {}
        for key, edit in self.edits.items():
            if edit.loaded is None and not edit.allows and not edit.narrowed:
                continue
            built[key] = _build_fix(self.plan, edit)
        for (key_arn, principal), (_, _, operations) in self.grants.items():
            built[("grant", f"{key_arn}|{principal}")] = _grant_fix(
                self.plan, key_arn, principal, operations, self.revokes.get((key_arn, principal))
            )
        for resource, fix in self.manual.items():
            built[("manual", resource)] = fix
        for bucket, fix in self.ownership.items():
            built[("ownership", bucket)] = fix
        ids = stable_ids(list(built))
        return {key: _with_id(fix, ids[key]) for key, fix in built.items()}


_KIND_ORDER = (
    "resource_policy",
    "kms_grant",
    "manual",
    "identity_policy",
    "boundary",
    "scp",
    "rcp",
)


def fix_order(fix: Fix) -> tuple[int, str, str]:
    """Resource side first, then the identity side, then the organization's policies."""
    rank = _KIND_ORDER.index(fix.kind) if fix.kind in _KIND_ORDER else len(_KIND_ORDER)
    return (rank, fix.account, fix.target)


def stable_id(key: Sequence[str], length: int = 4) -> str:
    """A fix's id from what it changes (never from its position), so that it stays the same
    from one run to the next."""
    digest = hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()
    return f"F-{digest[:length]}"


def stable_ids(keys: Sequence[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """``stable_id`` of each key, longer where two keys of the same report would share one."""
    length = 4
    while True:
        ids = {key: stable_id(key, length) for key in keys}
        if len(set(ids.values())) == len(ids) or length >= 64:
            return ids
        length += 2


def _denies_to_narrow(
    edit: PolicyEdit, policy: Policy, labels: set[str]
) -> Iterator[dict[str, Any]]:
    """The Deny statements of ``policy`` that ``labels`` name, each as the edit's narrowed
    copy (the document's own the first time), registered on the edit to be changed in place:
    several gaps narrowing one statement add up."""
    document_statements = statements_of(policy.document)
    for statement in policy.statements:
        if statement.effect != "Deny" or statement.label not in labels:
            continue
        replacement = edit.narrowed.get(statement.index)
        if replacement is None:
            replacement = document_statements[statement.index]
        edit.narrowed[statement.index] = replacement
        yield replacement


def _with_id(fix: Fix, fix_id: str) -> Fix:
    return replace(fix, id=fix_id)


def _policy_noun(policy_type: PolicyType) -> str:
    return "permissions boundary" if policy_type is PolicyType.BOUNDARY else "identity policy"


def _build_fix(plan: Plan, edit: PolicyEdit) -> Fix:
    document = edit.loaded.document if edit.loaded is not None else None
    taken = {str(s.get("Sid")) for s in statements_of(document or {}) if isinstance(s, dict)}
    added: list[dict[str, Any]] = []
    first_added: dict[str, Any] | None = None
    for principal, (actions, resources) in sorted(edit.allows.items()):
        if edit.policy_type.is_resource_policy:
            sid = unique_sid(sid_for(principal), taken)
            statement = allow_statement(edit.policy_type, sid, principal, actions, resources)
        else:
            sid = unique_sid("XregAllowCrossAccountRegistration", taken)
            statement = allow_statement(edit.policy_type, sid, None, actions, resources)
        added.append(statement)
        first_added = first_added or statement
    narrowed_first = next(iter(edit.narrowed.values()), None)
    policy = merged_document(document, added, edit.narrowed)
    file_name, command = _command(edit)
    change = []
    if edit.kind in ("scp", "rcp"):
        where = plan.management_account or "of the organization"
        change.append(
            f"needs the management account {where} (or a delegated administrator for "
            "organization policies): update-policy runs there"
        )
    if added:
        change.append(f"adds {len(added)} statement{'s' if len(added) > 1 else ''}")
    if edit.corrected:
        change.append(f"corrects what {', '.join(edit.corrected)} found")
    if edit.narrowed:
        change.append(
            f"narrows {len(edit.narrowed)} Deny statement{'s' if len(edit.narrowed) > 1 else ''}"
            " (a Deny is often a deliberate guardrail: review before applying)"
        )
    return Fix(
        account=edit.account,
        target=edit.target,
        command=command,
        statement=first_added or narrowed_first,
        policy=policy,
        policy_file=file_name,
        kind=edit.kind,
        description="; ".join(change),
        plan_field=edit.loaded.plan_field if edit.loaded is not None else None,
        principal=edit.principal,
        resource=edit.resource,
    )


def _command(edit: PolicyEdit) -> tuple[str, str]:
    """The corrected document's file name, and the command that puts it back."""
    if edit.kind == "resource_policy":
        if edit.policy_type is PolicyType.BUCKET:
            name = edit.resource.rsplit(":", 1)[-1]
            file_name = f"fixed-bucket-policy-{slug(name)}.json"
            return file_name, put_back.bucket_policy(name, file_name)
        if edit.policy_type is PolicyType.REPOSITORY:
            repository = edit.resource.split(":repository/", 1)[1]
            file_name = f"fixed-repository-policy-{slug(repository)}.json"
            return file_name, put_back.repository_policy(
                edit.account, edit.region, repository, file_name
            )
        if edit.policy_type is PolicyType.KEY:
            file_name = f"fixed-key-policy-{slug(edit.resource)}.json"
            return file_name, put_back.key_policy(edit.resource, file_name)
        group = edit.resource.split(":model-package-group/", 1)[1]
        file_name = f"fixed-model-package-group-policy-{slug(group)}.json"
        return file_name, put_back.model_package_group_policy(group, edit.region, file_name)
    if edit.kind in ("scp", "rcp"):
        file_name = f"fixed-{slug(edit.resource.rsplit('.', 1)[0])}.json"
        return file_name, put_back.organization_policy(edit.resource, file_name)
    principal = edit.principal or edit.resource
    kind, _, name = principal.split(":", 5)[5].partition("/")
    name = name.rsplit("/", 1)[-1]
    if edit.kind == "boundary":
        file_name = f"fixed-boundary-{slug(name)}.json"
        return file_name, put_back.permissions_boundary(file_name)
    policy_name = inline_policy_name(edit.loaded.source if edit.loaded is not None else None)
    file_name = f"{policy_name}-{slug(name)}.json"
    return file_name, put_back.identity_policy(kind, name, policy_name, file_name)


def _grant_fix(
    plan: Plan,
    key_arn: str,
    principal: str,
    operations: set[str],
    revoke: dict[str, Any] | None = None,
) -> Fix:
    ordered = sorted(operations)
    # A grant is made on a key the plan gives (resources.kms_keys), whose ARN it parsed.
    parsed = plan.key_arn(key_arn)
    region = parsed.region if parsed else plan.region
    command = put_back.create_grant(key_arn, principal, ordered, region, revoke)
    description = (
        "the key policy is not in the plan, so a grant is the change that leaves it untouched"
    )
    if revoke is not None:
        description = (
            f"create the grant for {principal} and revoke the one that names "
            f"{revoke['GranteePrincipal']!r}"
        )
    return Fix(
        account=parsed.account if parsed else "",
        target=f"grants of {key_arn}",
        kind="kms_grant",
        command=command,
        grant={"GranteePrincipal": principal, "Operations": ordered},
        principal=principal,
        resource=key_arn,
        description=description,
        revoke_grant=revoke,
    )
