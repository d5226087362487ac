"""What is asked of the evaluator: a request, its context, and the policies that decide it."""

from __future__ import annotations

from collections.abc import Mapping

from checker.policy.model import Policy
from checker.records import field, record


@record
class RequestContext:
    """The request-context keys, in three kinds.

    ``values``: keys known to be present, lower-cased, each with its values (a
    single-valued key has one). ``absent``: keys known not to be in the request (lower-cased).
    Every other key is *unknown*: a condition that depends on it makes the statement's
    outcome unknown, never a guess.
    """

    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()
    # The request's service prefix, when xreg knows that its requests carry only ``aws:``
    # keys, their own service's keys and ``cross_service`` keys (lower-cased, e.g.
    # ``ec2:sourceinstancearn``): every other service's key is then absent.
    service: str | None = None
    cross_service: frozenset[str] = frozenset()
    # Keys known to be present with one value that is known only in part: the value is one
    # of the strings some glob here matches (``aws:PrincipalArn`` of a session whose role's
    # path is not known). ``lookup`` reports them unknown; string and ARN conditions use
    # ``shapes`` to decide what holds for every such value.
    shapes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def lookup(self, key: str) -> tuple[str, ...] | bool | None:
        """The values of ``key``; ``False`` when known absent; ``None`` when unknown."""
        lowered = key.lower()
        if lowered in self.values:
            return self.values[lowered]
        if lowered in self.absent:
            return False
        if self.service is not None:
            prefix = lowered.partition(":")[0]
            if prefix not in ("aws", self.service) and lowered not in self.cross_service:
                return False
        return None


@record
class Request:
    """One call: ``principal`` (an IAM ARN: role, user, assumed-role session or account
    root), ``action`` (``service:Action``) and ``resource`` (an ARN, or ``*``).

    A resource containing ``*`` or ``?`` stands for every ARN it matches (e.g.
    ``…:model-package/GROUP/*`` for every future version): an Allow must cover all of them,
    a Deny applies if it matches any of them. A lone ``*`` is the literal resource of an
    action without resource-level permissions: only a policy ``Resource`` matching ``*``
    names it.
    """

    principal: str
    action: str
    resource: str
    context: RequestContext = field(default_factory=RequestContext)


@record
class Grant:
    """A KMS grant as ``list_grants`` reports it."""

    grantee_principal: str
    operations: tuple[str, ...]
    source: str
    grant_id: str | None = None
    constraints: Mapping[str, Mapping[str, str]] | None = None


@record
class AccessQuestion:
    """Everything that decides one request.

    ``resource_account`` / ``principal_account``: 12-digit ids.
    ``resource_policy``: the policy on the resource, ``None`` if it has none.
    ``resource_state_known``: false when the plan does not describe the resource at all
    (its resource side is then ``unknown``).
    ``resource_side_applies``: false for actions with no resource side (e.g.
    ``ecr:GetAuthorizationToken``, or a pull from an AWS-owned registry): the identity side
    alone decides, the resource side is ``not_applicable``.
    ``identity_policies``: ``None`` when the plan does not give them (``unverified``).
    ``scps`` (principal's account) / ``rcps`` (resource's account): ``None`` when not given
    (``not_applicable``); each inner tuple is one level
    of the organization tree (root, OU…, account) and each level must allow.
    ``grants``: KMS grants on the key (only for ``kms:`` actions on a key).
    """

    request: Request
    resource_account: str
    principal_account: str
    resource_policy: Policy | None = None
    resource_state_known: bool = True
    resource_side_applies: bool = True
    identity_policies: tuple[Policy, ...] | None = None
    permissions_boundary: Policy | None = None
    scps: tuple[tuple[Policy, ...], ...] | None = None
    rcps: tuple[tuple[Policy, ...], ...] | None = None
    grants: tuple[Grant, ...] = ()
    # Why the organization policies that apply could not be read (e.g. SCPs a snapshot was
    # denied): the organization side is then unknown, never "not applicable".
    organization_unknown: str | None = None
    # Why the SCPs or RCPs of the plan do not restrict this request (the management account,
    # a service-linked role, a service RCPs do not govern), for the organization side.
    organization_exempt: str | None = None
