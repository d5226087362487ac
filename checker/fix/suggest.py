"""Fix suggestions: for each gap, the corrected policy in the right account and the command.

Gaps that touch the same policy are merged into one corrected document, so every policy
gets one fix however many rows it closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
from checker.matrix.expand import Requirement, account_of
from checker.plan.model import LoadedPolicy, Plan
from checker.policy import evaluate_policy
from checker.policy.decision import AccessDecision, Decision, Evidence, Tri
from checker.policy.model import Policy, PolicyType
from checker.policy.request import AccessQuestion
from checker.records import field, record, replace
from checker.report.model import Fix

IDENTITY_POLICY_NAME = "xreg-cross-account-access"

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
    assigned: dict[tuple[str, str, str], list[tuple[str, str]]] = field(default_factory=dict)

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
        edit = self.edit(
            ("resource", target.name),
            kind="resource_policy",
            policy_type=policy_type,
            account=requirement.resource_owner or "",
            resource=target.arn,
            target=f"{_RESOURCE_POLICY_NOUNS[policy_type]} of {target.name}",
            loaded=loaded,
        )
        policy = question.resource_policy
        if side.decision is Decision.EXPLICIT_DENY and policy is not None:
            self._narrow(edit, policy, side.evidence, requirement.principal)
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
        principal = requirement.principal
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
                )
                self._narrow(edit, policy, (evidence,), principal)
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
            )
        else:
            edit = self._identity_edit(
                ("identity-new", principal),
                PolicyType.IDENTITY,
                f"identity policy {IDENTITY_POLICY_NAME} of {principal}",
                None,
                principal,
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
    ) -> PolicyEdit:
        """The edit of a policy on the principal's side: an identity policy or its boundary."""
        return self.edit(
            key,
            kind="boundary" if policy_type is PolicyType.BOUNDARY else "identity_policy",
            policy_type=policy_type,
            account=account_of(principal),
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
            document_statements = statements_of(policy.document)
            for statement in policy.statements:
                if statement.effect != "Deny" or statement.label not in labels:
                    continue
                replacement = edit.narrowed.get(statement.index)
                if replacement is None:
                    replacement = document_statements[statement.index]
                narrow_for_request(
                    replacement,
                    question.request.context,
                    requirement.principal,
                    self.plan.organization_id,
                )
                edit.narrowed[statement.index] = replacement
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

    # -- helpers ---------------------------------------------------------------------------
    def _narrow(
        self,
        edit: PolicyEdit,
        policy: Policy,
        evidence: Sequence[Evidence],
        principal: str,
    ) -> None:
        labels = {item.statement for item in evidence if item.source == policy.source}
        document_statements = statements_of(policy.document)
        for statement in policy.statements:
            if statement.effect != "Deny" or statement.label not in labels:
                continue
            replacement = edit.narrowed.get(statement.index)
            if replacement is None:
                replacement = document_statements[statement.index]
            if principal.endswith(":root"):
                exclude_principal(replacement, "aws:PrincipalAccount", account_of(principal))
            else:
                exclude_principal(replacement, "aws:PrincipalArn", principal)
            edit.narrowed[statement.index] = replacement

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

    def _loaded_by_source(self, source: str) -> LoadedPolicy | None:
        return self.index.loaded.get(source)

    # -- output ----------------------------------------------------------------------------
    def fixes(self) -> dict[tuple[str, str, str], Fix]:
        built: dict[tuple[str, str], Fix] = {}
        for key, edit in self.edits.items():
            built[key] = _build_fix(self.plan, edit)
        for (key_arn, principal), (_, _, operations) in self.grants.items():
            built[("grant", f"{key_arn}|{principal}")] = _grant_fix(
                self.plan, key_arn, principal, operations
            )
        for resource, fix in self.manual.items():
            built[("manual", resource)] = fix
        numbered: dict[tuple[str, str], Fix] = {}
        out: dict[tuple[str, str, str], Fix] = {}
        for row_key, keys in self.assigned.items():
            # A row that needs several changes points at the first; all are in the report.
            for key in keys:
                if key not in numbered:
                    fix = built[key]
                    numbered[key] = _with_id(fix, f"F{len(numbered) + 1}")
            out[row_key] = numbered[keys[0]]
        self.all_fixes = list(numbered.values())
        return out

    all_fixes: list[Fix] = field(default_factory=list)


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
    file_name, command = _command(plan, edit)
    change = []
    if edit.kind in ("scp", "rcp"):
        where = plan.management_account or "of the organization"
        change.append(
            f"needs the management account {where} (or a delegated administrator for "
            "organization policies): update-policy runs there"
        )
    if added:
        change.append(f"adds {len(added)} statement{'s' if len(added) > 1 else ''}")
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


def _slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in text.rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    return out.strip("-").lower() or "policy"


def _command(plan: Plan, edit: PolicyEdit) -> tuple[str, str]:
    region = plan.region
    if edit.kind == "resource_policy":
        if edit.policy_type is PolicyType.BUCKET:
            name = edit.resource.rsplit(":", 1)[-1]
            file_name = f"fixed-bucket-policy-{_slug(name)}.json"
            return file_name, (
                f"aws s3api put-bucket-policy --bucket {name} --policy file://{file_name}"
            )
        if edit.policy_type is PolicyType.REPOSITORY:
            repository = edit.resource.split(":repository/", 1)[1]
            file_name = f"fixed-repository-policy-{_slug(repository)}.json"
            account = account_of(edit.resource)
            region = edit.resource.split(":")[3]
            return file_name, (
                f"aws ecr set-repository-policy --registry-id {account} --repository-name "
                f"{repository} --region {region} --policy-text file://{file_name}"
            )
        if edit.policy_type is PolicyType.KEY:
            file_name = f"fixed-key-policy-{_slug(edit.resource)}.json"
            return file_name, (
                f"aws kms put-key-policy --key-id {edit.resource} --policy-name default "
                f"--policy file://{file_name}"
            )
        group = edit.resource.split(":model-package-group/", 1)[1]
        file_name = f"fixed-model-package-group-policy-{_slug(group)}.json"
        region = edit.resource.split(":")[3]
        return file_name, (
            f"aws sagemaker put-model-package-group-policy --model-package-group-name {group} "
            f"--region {region} --resource-policy file://{file_name}"
        )
    if edit.kind in ("scp", "rcp"):
        stem = _slug(edit.resource.rsplit(".", 1)[0])
        file_name = f"fixed-{stem}.json"
        return file_name, (
            f"aws organizations update-policy --policy-id POLICY_ID_OF_{stem.upper()}"
            f" --content file://{file_name}"
        )
    principal = edit.principal or edit.resource
    kind, _, name = principal.split(":", 5)[5].partition("/")
    name = name.rsplit("/", 1)[-1]
    if edit.kind == "boundary":
        file_name = f"fixed-boundary-{_slug(name)}.json"
        return file_name, (
            "aws iam create-policy-version --policy-arn BOUNDARY_POLICY_ARN "
            f"--policy-document file://{file_name} --set-as-default"
        )
    policy_name = (
        IDENTITY_POLICY_NAME if edit.loaded is None else _slug(edit.loaded.source.rsplit(".", 1)[0])
    )
    file_name = f"{policy_name}-{_slug(name)}.json"
    verb = "put-user-policy --user-name" if kind == "user" else "put-role-policy --role-name"
    return file_name, (
        f"aws iam {verb} {name} --policy-name {policy_name} --policy-document file://{file_name}"
    )


def _grant_fix(plan: Plan, key_arn: str, principal: str, operations: set[str]) -> Fix:
    ordered = sorted(operations)
    return Fix(
        account=account_of(key_arn),
        target=f"grants of {key_arn}",
        kind="kms_grant",
        command=(
            f"aws kms create-grant --key-id {key_arn} --grantee-principal {principal} "
            f"--operations {' '.join(ordered)}"
        ),
        grant={"GranteePrincipal": principal, "Operations": ordered},
        principal=principal,
        resource=key_arn,
        description=(
            "the key policy is not in the plan, so a grant is the change that leaves it untouched"
        ),
    )
