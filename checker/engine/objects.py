"""Objects the bucket owner does not own: who owns an artifact, and what then decides a read.

S3 authorizes an object request in three contexts (S3 User Guide, "How Amazon S3 authorizes a
request for an object operation"): the requester's account (its identity policies), the bucket
owner (the bucket policy) and the object owner (the object ACL). When the bucket owner also
owns the object, the bucket and object contexts are one, and the bucket policy can grant the
read: xreg's usual question. When another account owns it, the bucket policy can only deny (its
Allow grants nothing on an object it does not own), and the object owner must grant the read
through the object's ACL, unless the requester belongs to the object owner's account, whose own
identity policies then speak for the owner.

Who owns an object depends on the bucket's Object Ownership setting ("Controlling ownership of
objects and disabling ACLs for your bucket"): with ``BucketOwnerEnforced`` (the default for
buckets created since April 2023) the bucket owner owns every object and ACLs are disabled;
with ``ObjectWriter`` (how every bucket behaved before, and still does without ownership
controls) the account that uploaded an object owns it; with ``BucketOwnerPreferred`` the bucket
owner owns an upload only when it came with the ``bucket-owner-full-control`` canned ACL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from checker.matrix.expand import Requirement
from checker.plan.model import AclGrant, Plan, S3Bucket, S3Object
from checker.policy import evaluate_policy, parse_policy
from checker.policy.decision import AccessDecision, Decision, SideResult, Tri
from checker.policy.model import Policy, PolicyType
from checker.policy.request import AccessQuestion
from checker.put_back import bucket_owner_enforced
from checker.records import record, replace

ENFORCED = "BucketOwnerEnforced"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
# The ACL permissions that grant each object read xreg checks (S3 User Guide, "Access control
# list (ACL) overview", mapping of ACL permissions to access policy permissions).
ACL_PERMISSIONS: Mapping[str, tuple[str, ...]] = {
    "s3:getobject": ("READ", "FULL_CONTROL"),
    "s3:getobjectacl": ("READ_ACP", "FULL_CONTROL"),
}
_ACCOUNT_ID = re.compile(r"[0-9]{12}")


@record
class ObjectOwner:
    """An artifact that the bucket owner may not own.

    ``account``: the owning account when the plan tells it (never the bucket owner: then the
    usual question decides and there is no ``ObjectOwner``); ``None`` when it is unknown.
    ``how``: how xreg knows the owner, or why it does not.
    """

    bucket: S3Bucket
    uri: str
    key: str
    account: str | None
    how: str
    facts: S3Object | None = None

    @property
    def grants(self) -> tuple[AclGrant, ...] | None:
        return self.facts.grants if self.facts is not None else None

    def fix_command(self) -> str:
        return bucket_owner_enforced(self.bucket.name)

    def fix_hint(self) -> str:
        """What makes the bucket owner the object's owner, so that the bucket policy decides."""
        bucket = self.bucket
        by_owner = f"account {self.account}" if self.account else "its owner"
        return (
            f"to let the bucket policy decide, make account {bucket.account} the owner: "
            f"`{self.fix_command()}` (run by account {bucket.account}; it disables every ACL of "
            f"the bucket), or have {by_owner} run `aws s3api put-object-acl --bucket "
            f"{bucket.name} --key {self.key} --acl bucket-owner-full-control` and account "
            f"{bucket.account} then copy the object onto itself (`aws s3 cp {self.uri} "
            f"{self.uri} --metadata-directive REPLACE`)"
        )


def _owner_account(plan: Plan, owner: str) -> str | None:
    if _ACCOUNT_ID.fullmatch(owner):
        return owner
    return plan.account_of_canonical_id(owner)


def _acl_unreadable(plan: Plan, uri: str) -> str | None:
    reasons = [
        fact.reason
        for fact in plan.snapshot.other_unreadable()
        if fact.resource == uri and fact.field == "acl"
    ]
    return "; ".join(reasons) or None


def object_owner(plan: Plan, requirement: Requirement) -> ObjectOwner | None:
    """Who owns the object of an object row, when it may not be the bucket owner; ``None``
    when the bucket owner owns it (or the row is not on an object of a bucket the plan
    gives): the bucket policy then decides, as for any resource policy."""
    bucket, artifact = requirement.bucket, requirement.artifact
    if requirement.spec.resource != "object" or bucket is None or artifact is None:
        return None
    if bucket.object_ownership == ENFORCED:
        return None
    setting = bucket.object_ownership or "not given"
    facts = bucket.object_facts(artifact.key, requirement.resource.endswith("*"))

    def owner(account: str | None, how: str) -> ObjectOwner:
        return ObjectOwner(bucket, artifact.uri, artifact.key, account, how, facts)

    if facts is not None and facts.owner is not None:
        account = _owner_account(plan, facts.owner)
        if account == bucket.account:
            return None
        if account is None:
            return owner(
                None,
                f"{facts.plan_field}.owner names canonical user {facts.owner}, which the plan "
                "gives for no account (canonical_ids)",
            )
        return owner(account, f"{facts.plan_field}.owner")
    unreadable = _acl_unreadable(plan, artifact.uri)
    if unreadable is not None:
        return owner(None, f"the snapshot could not read the ACL of {artifact.uri}: {unreadable}")
    # SageMaker writes a training job's model data with the job's role, in the training
    # account: that account is the writer, and with ObjectWriter (or into its own bucket) the
    # owner.
    writer = plan.training_account if artifact.model_data and plan.has_training_job else None
    if writer == bucket.account:
        return None
    if writer is not None and bucket.object_ownership == "ObjectWriter":
        return owner(
            writer,
            f"the training job of account {writer} wrote it and {bucket.name} is ObjectWriter",
        )
    return owner(
        None,
        f"who owns {artifact.uri} is unknown: Object Ownership of {bucket.name} is {setting} "
        f"({bucket.plan_field}.object_ownership), so an object another account wrote is that "
        f"account's, and the plan gives no owner ({bucket.plan_field}.objects[].owner, "
        f"from `aws s3api get-object-acl --bucket {bucket.name} --key {artifact.key}`)",
    )


@record
class AclPolicy:
    """The object's ACL as a resource policy for one action: an Allow per grant that covers
    the action, to the account it names (or to everyone, for the AllUsers and
    AuthenticatedUsers groups). ``unmapped``: grants to a grantee xreg cannot name as an
    account, which may be the requester's."""

    policy: Policy | None
    unmapped: tuple[str, ...]


def acl_policy(plan: Plan, owner: ObjectOwner, requirement: Requirement) -> AclPolicy:
    grants = owner.grants or ()
    permissions = ACL_PERMISSIONS.get(requirement.action.lower(), ("FULL_CONTROL",))
    statements: list[dict[str, Any]] = []
    unmapped: list[str] = []
    for number, grant in enumerate(grants):
        if grant.permission not in permissions:
            continue
        principal: Any = None
        if grant.grantee_type == "Group" and grant.grantee_uri in (ALL_USERS, AUTHENTICATED_USERS):
            principal = "*"
        elif grant.grantee_type == "CanonicalUser" and grant.grantee_id is not None:
            account = plan.account_of_canonical_id(grant.grantee_id)
            if account is None:
                unmapped.append(f"canonical user {grant.grantee_id} ({grant.plan_field})")
                continue
            principal = {"AWS": f"arn:{plan.partition}:iam::{account}:root"}
        elif grant.grantee_type == "AmazonCustomerByEmail":
            unmapped.append(f"{grant.grantee_email} ({grant.plan_field})")
            continue
        else:
            continue  # another predefined group (LogDelivery): never a model's reader
        statements.append(
            {
                "Sid": f"AclGrant{number}{grant.permission.title().replace('_', '')}",
                "Effect": "Allow",
                "Principal": principal,
                "Action": requirement.action,
                "Resource": requirement.resource,
            }
        )
    if not statements:
        return AclPolicy(None, tuple(unmapped))
    policy = parse_policy(
        {"Version": "2012-10-17", "Statement": statements},
        source=f"the ACL of {owner.uri} ({owner.facts.plan_field if owner.facts else '?'})",
        policy_type=PolicyType.BUCKET,
        attached_to=owner.bucket.arn(plan.partition),
        partition=plan.partition,
    )
    return AclPolicy(policy, tuple(unmapped))


@record
class ObjectDecision:
    """The decision on an object another account may own, and what a fix should work from:
    ``fix_question`` / ``fix_decision`` are the question as if the bucket owner owned the
    object (what the bucket policy decides once it does), ``ownership_fix`` whether the
    owner's ACL refused the read (so the bucket owner must take the object over)."""

    decision: AccessDecision
    question: AccessQuestion
    fix_question: AccessQuestion
    fix_decision: AccessDecision
    ownership_fix: bool = False


def _independent_denial(decision: AccessDecision) -> bool:
    """Whether ``decision`` refuses for a reason that holds whoever owns the object: an
    explicit Deny anywhere, or the requester's own side or the organization refusing."""
    if decision.decision is Decision.EXPLICIT_DENY:
        return True
    if not decision.decision.is_denied:
        return False
    return decision.identity_policy.decision.is_denied or decision.organization.decision.is_denied


def _unknown(decision: AccessDecision, because: str) -> AccessDecision:
    return replace(
        decision,
        decision=Decision.UNKNOWN,
        because=because,
        resource_policy=SideResult(Decision.UNKNOWN, because),
    )


_ACL_STATEMENT = re.compile(r"statement (AclGrant\w+) of the bucket policy")


def _name_the_acl(decision: AccessDecision, policy: Policy | None) -> AccessDecision:
    """The evaluator names the ACL's grants as a bucket policy's statements: say what they are."""
    if policy is None:
        return decision

    def named(text: str) -> str:
        return _ACL_STATEMENT.sub(lambda m: f"grant {m.group(1)} of {policy.source}", text)

    side = decision.resource_policy
    return replace(
        decision,
        because=named(decision.because),
        resource_policy=replace(side, reason=named(side.reason)),
    )


def decide_object(
    plan: Plan,
    requirement: Requirement,
    owner: ObjectOwner,
    question: AccessQuestion,
    decide: Callable[[AccessQuestion], AccessDecision],
) -> ObjectDecision:
    """Decide a read of an object that the bucket owner may not own (``question``: the usual
    question, with the bucket policy as the resource side)."""
    bucket_context = decide(question)
    if owner.account is None:
        if _independent_denial(bucket_context):
            return ObjectDecision(bucket_context, question, question, bucket_context)
        because = f"{owner.how}; {owner.fix_hint()}"
        return ObjectDecision(_unknown(bucket_context, because), question, question, bucket_context)
    if bucket_context.decision is Decision.EXPLICIT_DENY:
        # An explicit Deny of the bucket policy applies in the bucket context, whoever owns
        # the object, as does every other explicit Deny.
        return ObjectDecision(bucket_context, question, question, bucket_context)
    acl = acl_policy(plan, owner, requirement)
    object_context = replace(
        question,
        resource_policy=acl.policy,
        resource_account=owner.account,
        resource_state_known=owner.grants is not None,
    )
    decision = _name_the_acl(decide(object_context), acl.policy)
    bucket_policy = question.resource_policy
    if bucket_policy is not None and decision.decision is Decision.ALLOWED:
        deny = evaluate_policy(
            bucket_policy, question.request, principal_account=question.principal_account
        ).deny
        if deny is Tri.UNKNOWN:
            because = (
                f"a Deny of the bucket policy of {owner.bucket.name} may apply to "
                f"{requirement.action} on {requirement.resource}: {bucket_context.because}"
            )
            decision = _unknown(decision, because)
    unknown_acl = decision.resource_policy.decision is Decision.UNKNOWN
    if owner.grants is None and decision.decision is Decision.UNKNOWN and unknown_acl:
        because = (
            f"{owner.uri} is owned by account {owner.account} ({owner.how}), not by the bucket "
            f"owner {owner.bucket.account}: only the object's ACL can grant its reads, and the "
            f"plan does not give it ({owner.bucket.plan_field}.objects[].grants, from `aws s3api "
            f"get-object-acl --bucket {owner.bucket.name} --key {owner.key}`); "
            f"{owner.fix_hint()}"
        )
        return ObjectDecision(_unknown(decision, because), object_context, question, bucket_context)
    resource_refused = decision.resource_policy.decision is Decision.IMPLICIT_DENY
    if decision.decision is Decision.IMPLICIT_DENY and resource_refused:
        reader = requirement.principal_account
        permissions = " or ".join(ACL_PERMISSIONS.get(requirement.action.lower(), ()))
        because = (
            f"{owner.uri} is owned by account {owner.account} ({owner.how}), not by the bucket "
            f"owner {owner.bucket.account}: the bucket policy cannot grant it, only the object's "
            f"ACL, and the ACL grants {permissions} to no principal of account {reader}"
        )
        if acl.unmapped:
            because += (
                f" that xreg can name; it grants {', '.join(acl.unmapped)}, which may be account "
                f"{reader}: give the canonical id of account {reader} under canonical_ids"
            )
            return ObjectDecision(
                _unknown(decision, because), object_context, question, bucket_context
            )
        if owner.facts is not None:
            because += f" ({owner.facts.plan_field}.grants)"
        decision = replace(
            decision,
            because=because,
            resource_policy=SideResult(Decision.IMPLICIT_DENY, because),
        )
        return ObjectDecision(decision, object_context, question, bucket_context, True)
    return ObjectDecision(decision, object_context, object_context, decision)
