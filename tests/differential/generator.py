"""Random access questions, each in two forms: xreg's ``AccessQuestion`` and the oracle's
``Simulation`` (``@cloud-copilot/iam-simulate``), built from the same policy documents and
the same request context.

Seeded and reproducible: case ``n`` of seed ``s`` is always the same. Every case is fully
known (each context key a condition may read is either given or known absent), so xreg must
reach a definite decision and the two evaluators can be compared verdict for verdict.

What is never generated (``GAPS`` says why for each): the oracle's known gaps, and requests
whose meaning differs between the two models.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from checker.policy import AccessQuestion, PolicyType, Request, RequestContext, parse_policy

T = "111111111111"  # owns the bucket, the key and the repository
R = "222222222222"  # owns the model package group; cross-account for T's resources
ACCOUNTS = (T, R)
REGION = "us-east-1"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"

# Excluded from generation, with the reason. The first four are the oracle's gaps; the
# others are questions the two models pose differently (so neither answer is "wrong").
GAPS: dict[str, str] = {
    "NotPrincipal": (
        "NotPrincipal: iam-simulate matches it as an inverted Principal; IAM's checks of the "
        "account, role and session levels (IAM User Guide, 'NotPrincipal') are not modelled"
    ),
    "KMS grants": "iam-simulate has no input for KMS grants",
    "management account and service-linked roles": (
        "iam-simulate applies SCPs and RCPs to every principal; AWS spares the management "
        "account and service-linked roles (Organizations User Guide, SCPs and RCPs), and the "
        "oracle has no input saying which account manages the organization"
    ),
    "ACLs and object ownership": "iam-simulate has no input for S3 ACLs or object owners",
    "partitions": "only the aws partition: iam-simulate's data covers aws only",
    "account root requester": (
        "xreg reads an account root requester as 'some principal of the account'; the "
        "oracle as the root user"
    ),
    "wildcard request resource": (
        "xreg reads a wildcard request resource as every ARN it matches; the oracle "
        "simulates the patterns the policies name"
    ),
    "boundary with Principal '*' in the same account": (
        "IAM User Guide, 'Permissions boundaries' says which resource-policy grants a "
        "boundary caps for a user, role or session ARN, and says nothing of '*': xreg caps "
        "it (the conservative reading), iam-simulate does not"
    ),
    "single-valued operator on a multivalued key": (
        "the IAM User Guide asks for a set operator; the two evaluators read the misuse differently"
    ),
    "wildcard in an ARN's resource type": (
        "IAM User Guide, 'IAM identifiers': a wildcard in the resource-type part (before "
        "'/') is incorrect usage"
    ),
    "KMS request on resource '*'": "a key request names its key",
    "NotResource holding a variable": (
        "IAM User Guide, 'Policy variables': an unresolvable variable 'might cause the entire "
        "statement to be invalid'. iam-simulate drops the statement once it compares the "
        "entry; xreg takes the reading that never allows more: a Deny still applies, an "
        "Allow grants nothing"
    ),
    "epoch dates": (
        "iam-simulate compares an epoch value in seconds with ISO dates in milliseconds "
        "(condition/date/date.js); IAM takes both (IAM User Guide, 'Date condition "
        "operators'). Shown by test_oracle_reads_epoch_dates_in_the_wrong_unit"
    ),
    "a single IP address as a NotIpAddress value for a request of the other family": (
        "iam-simulate's NotIpAddress is false for an IPv6 request against a bare IPv4 "
        "address (condition/ipaddress/ip.js); that address is not the request's. Shown by "
        "test_oracle_not_ip_address_misses_the_other_family"
    ),
    "variable in an ARN condition value": (
        "iam-simulate splits an ArnEquals/ArnLike value on ':' before substituting, so "
        "'arn:aws:iam::${aws:PrincipalAccount}:role/*' never matches (condition/arn/arn.js); "
        "IAM substitutes variables in ARN operators' values (IAM User Guide, 'Policy "
        "variables', where you can use them). Shown by "
        "test_oracle_does_not_substitute_in_arn_condition_values"
    ),
}


@dataclass(frozen=True)
class Target:
    """What is asked: the action, the resource, whose it is, and its policy's kind."""

    action: str
    resource: str
    account: str | None  # None: the caller's (no resource-level permissions)
    policy_type: PolicyType | None  # None: no resource policy takes part
    rcp_service: bool  # whether RCPs govern the service


BUCKET = "arn:aws:s3:::bucket-a"
OBJECT = f"{BUCKET}/models/model.tar.gz"
KEY = f"arn:aws:kms:{REGION}:{T}:key/{KEY_ID}"
REPO = f"arn:aws:ecr:{REGION}:{T}:repository/model"
GROUP = f"arn:aws:sagemaker:{REGION}:{R}:model-package-group/grp"

TARGETS = (
    Target("s3:GetObject", OBJECT, T, PolicyType.BUCKET, True),
    Target("s3:PutObject", OBJECT, T, PolicyType.BUCKET, True),
    Target("s3:ListBucket", BUCKET, T, PolicyType.BUCKET, True),
    Target("kms:Decrypt", KEY, T, PolicyType.KEY, True),
    Target("kms:GenerateDataKey", KEY, T, PolicyType.KEY, True),
    Target("ecr:BatchGetImage", REPO, T, PolicyType.REPOSITORY, True),
    Target("ecr:GetDownloadUrlForLayer", REPO, T, PolicyType.REPOSITORY, True),
    Target("sagemaker:DescribeModelPackageGroup", GROUP, R, PolicyType.MODEL_PACKAGE_GROUP, False),
    Target("ecr:GetAuthorizationToken", "*", None, None, True),
)

ACTION_PATTERNS = (
    "s3:GetObject",
    "s3:getobject",
    "s3:Get*",
    "s3:?etObject",
    "s3:PutObject",
    "s3:List*",
    "s3:*",
    "kms:Decrypt",
    "kms:Generate*",
    "kms:*",
    "ecr:BatchGetImage",
    "ecr:Get*",
    "ecr:*",
    "sagemaker:Describe*",
    "sagemaker:*ModelPackage*",
    "*",
)

RESOURCE_PATTERNS = (
    "*",
    OBJECT,
    BUCKET,
    f"{BUCKET}/*",
    f"{BUCKET}/models/*",
    "arn:aws:s3:::bucket-?/*",
    "arn:aws:s3:::bucket-a*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::other/*",
    f"{BUCKET}/${{aws:username}}/*",
    f"{BUCKET}/${{aws:PrincipalTag/team}}/*",
    f"{BUCKET}/${{aws:PrincipalTag/team, 'models'}}/*",
    KEY,
    f"arn:aws:kms:*:{T}:key/*",
    "arn:aws:kms:us-east-1:*:*",
    f"arn:aws:kms:{REGION}:{R}:key/*",
    REPO,
    f"arn:aws:ecr:{REGION}:{T}:repository/mo*",
    "arn:aws:ecr:*:*:repository/*",
    f"arn:aws:ecr:{REGION}:{T}:*",
    GROUP,
    f"arn:aws:sagemaker:{REGION}:{R}:model-package-group/*",
    "arn:aws:sagemaker:*:*:*",
    # Neither a variable before the resource part nor a wildcard across colons (IAM User
    # Guide, "IAM JSON policy elements: Resource" and "Variables and tags").
    f"arn:aws:ecr:{REGION}:${{aws:PrincipalAccount}}:repository/model",
    f"arn:aws:sagemaker:{REGION}:${{aws:PrincipalAccount}}:*",
    "arn:aws:s3:?:bucket-a",
    "arn:aws:s3:?:bucket-a/*",
)

# NotResource draws no variable: AWS "might" drop a statement whose variable has no value (see
# GAPS), so the two evaluators may both be right.
# Nor a pattern with fewer than six parts, which iam-simulate reads differently per policy type.
PLAIN_PATTERNS = tuple(
    p for p in RESOURCE_PATTERNS if "${" not in p and (p == "*" or p.count(":") >= 5)
)


@dataclass(frozen=True)
class Requester:
    arn: str
    account: str
    kind: str  # user, session
    principal_arn: str  # aws:PrincipalArn: a session's is its role's ARN, path included
    role_arn: str | None = None


def requesters(account: str) -> tuple[Requester, ...]:
    return (
        Requester(
            f"arn:aws:iam::{account}:user/alice",
            account,
            "user",
            f"arn:aws:iam::{account}:user/alice",
        ),
        Requester(
            f"arn:aws:sts::{account}:assumed-role/Deployer/run-1",
            account,
            "session",
            f"arn:aws:iam::{account}:role/Deployer",
            f"arn:aws:iam::{account}:role/Deployer",
        ),
        Requester(
            f"arn:aws:sts::{account}:assumed-role/Reader/pipeline-7",
            account,
            "session",
            f"arn:aws:iam::{account}:role/team/Reader",
            f"arn:aws:iam::{account}:role/team/Reader",
        ),
    )


def principal_entries() -> tuple[Any, ...]:
    entries: list[Any] = ["*", {"AWS": "*"}, {"Service": "sagemaker.amazonaws.com"}]
    for account in ACCOUNTS:
        entries += [
            {"AWS": account},
            {"AWS": f"arn:aws:iam::{account}:root"},
            {"AWS": f"arn:aws:iam::{account}:role/Deployer"},
            {"AWS": f"arn:aws:iam::{account}:role/team/Reader"},
            {"AWS": f"arn:aws:iam::{account}:user/alice"},
            {"AWS": f"arn:aws:sts::{account}:assumed-role/Deployer/run-1"},
            {"AWS": f"arn:aws:sts::{account}:assumed-role/Reader/other"},
        ]
    entries.append({"AWS": [f"arn:aws:iam::{R}:role/Deployer", T]})
    return tuple(entries)


PRINCIPAL_ENTRIES = principal_entries()


# The context keys a generated condition may read, by kind, with the values a request and a
# policy draw from. Every key of this universe is either given a value or known absent.
SINGLE_KEYS: dict[str, tuple[str, ...]] = {
    "aws:SourceVpce": ("vpce-1", "vpce-2"),
    "aws:PrincipalOrgID": ("o-aaa111", "o-bbb222"),
    "aws:PrincipalTag/team": ("ops", "models"),
    "aws:RequestedRegion": ("us-east-1", "eu-west-1"),
    "aws:SourceAccount": (T, R),
}
DERIVED_KEYS = (
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:ResourceAccount",
    "aws:PrincipalType",
    "aws:username",
)
NUMERIC_KEY = "aws:MultiFactorAuthAge"
DATE_KEY = "aws:CurrentTime"
BOOL_KEYS = ("aws:SecureTransport", "aws:MultiFactorAuthPresent", "aws:ViaAWSService")
IP_KEY = "aws:SourceIp"
ARN_KEYS = ("aws:PrincipalArn", "aws:SourceArn")
BINARY_KEY = "aws:PrincipalTag/blob"
MULTI_KEYS: dict[str, tuple[str, ...]] = {
    "aws:TagKeys": ("env", "team", "cost"),
    "aws:PrincipalOrgPaths": ("o-aaa111/r-ab12/ou-ab12-11111111/", "o-aaa111/r-ab12/"),
}
SOURCE_ARNS = (
    f"arn:aws:sagemaker:{REGION}:{T}:training-job/job-1",
    f"arn:aws:sagemaker:{REGION}:{R}:pipeline/registry",
)
ALL_KEYS = (
    *SINGLE_KEYS,
    *DERIVED_KEYS,
    NUMERIC_KEY,
    DATE_KEY,
    *BOOL_KEYS,
    IP_KEY,
    "aws:SourceArn",
    BINARY_KEY,
    *MULTI_KEYS,
)

STRING_OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
)
NUMERIC_OPERATORS = (
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
)
DATE_OPERATORS = tuple(o.replace("Numeric", "Date") for o in NUMERIC_OPERATORS)
ARN_OPERATORS = ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike")
FAMILIES = ("string", "numeric", "date", "bool", "binary", "ip", "arn", "null", "set")


@dataclass
class Case:
    """One generated question in both forms, with the features it exercises."""

    number: int
    features: set[str] = field(default_factory=set)
    question: AccessQuestion | None = None
    simulation: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, Any] = field(default_factory=dict)


class _Draw:
    """The random choices of one case, and the features they touch."""

    def __init__(self, rng: random.Random, features: set[str]) -> None:
        self.rng = rng
        self.features = features

    def pick(self, items: Sequence[Any]) -> Any:
        return items[self.rng.randrange(len(items))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def some(self, items: Sequence[Any], low: int, high: int) -> list[Any]:
        return [self.pick(items) for _ in range(self.rng.randint(low, high))]

    # -- conditions -----------------------------------------------------------------------

    def _string_values(self, key: str, operator: str) -> list[str]:
        domain = {
            **SINGLE_KEYS,
            "aws:PrincipalAccount": ACCOUNTS,
            "aws:ResourceAccount": ACCOUNTS,
            "aws:PrincipalType": ("User", "AssumedRole"),
            "aws:username": ("alice", "bob"),
        }[key]
        choices = list(domain)
        if "Like" in operator:
            choices += ["*", f"{domain[0][:3]}*", f"{domain[0][:-1]}?"]
        if "IgnoreCase" in operator:
            choices.append(domain[0].upper())
        if self.chance(0.15):
            self.features.add("condition variable")
            choices += ["${aws:PrincipalTag/team}", "${aws:username}", "${aws:PrincipalAccount}"]
        return self.some(choices, 1, 2)

    def condition_block(self) -> dict[str, dict[str, Any]]:
        block: dict[str, dict[str, Any]] = {}
        for _ in range(self.rng.randint(1, 2)):
            family = self.pick(FAMILIES)
            self.features.add(f"operator {family}")
            operator, key, values = self._condition(family)
            if operator in block and key in block[operator]:
                continue
            if self.chance(0.1):
                self.features.add("key name case")
                key = key.upper() if self.chance(0.5) else key.lower()  # keys ignore case
            block.setdefault(operator, {})[key] = values[0] if len(values) == 1 else values
        return block

    def _if_exists(self, operator: str) -> str:
        if self.chance(0.2):
            self.features.add("IfExists")
            return operator + "IfExists"
        return operator

    def _condition(self, family: str) -> tuple[str, str, list[str]]:
        if family == "string":
            operator = self.pick(STRING_OPERATORS)
            key = self.pick(
                [
                    *SINGLE_KEYS,
                    "aws:PrincipalAccount",
                    "aws:ResourceAccount",
                    "aws:PrincipalType",
                    "aws:username",
                ]
            )
            return self._if_exists(operator), key, self._string_values(key, operator)
        if family == "numeric":
            values = self.some(["60", "300", "3600", "300.0", "-1"], 1, 2)
            return self._if_exists(self.pick(NUMERIC_OPERATORS)), NUMERIC_KEY, values
        if family == "date":
            values = self.some(
                [
                    "2026-01-01T00:00:00Z",
                    "2026-06-15T12:00:00Z",
                    "2027-01-01T00:00:00Z",
                    "2026-06-15",
                ],
                1,
                2,
            )
            return self._if_exists(self.pick(DATE_OPERATORS)), DATE_KEY, values
        if family == "bool":
            return self._if_exists("Bool"), self.pick(BOOL_KEYS), [self.pick(["true", "false"])]
        if family == "binary":
            return self._if_exists("BinaryEquals"), BINARY_KEY, self.some(["QUJD", "REVG"], 1, 2)
        if family == "ip":
            operator = self.pick(["IpAddress", "NotIpAddress"])
            values = self.some(
                ["10.0.0.0/8", "192.168.1.0/24", "203.0.113.7/32", "2001:db8::/32"],
                1,
                2,
            )
            return self._if_exists(operator), IP_KEY, values
        if family == "arn":
            operator = self.pick(ARN_OPERATORS)
            key = self.pick(ARN_KEYS)
            if key == "aws:PrincipalArn":
                choices = [
                    f"arn:aws:iam::{R}:role/Deployer",
                    f"arn:aws:iam::{T}:role/team/Reader",
                    f"arn:aws:iam::{T}:user/alice",
                    "arn:aws:iam::*:role/*",
                    "arn:aws:iam::*:role/team/*",
                    f"arn:aws:iam::{R}:*",
                    f"arn:aws:iam::{T}:role/?eployer",
                ]
            else:
                choices = [*SOURCE_ARNS, f"arn:aws:sagemaker:*:{T}:*", "arn:aws:sagemaker:*:*:*"]
            return self._if_exists(operator), key, self.some(choices, 1, 2)
        if family == "null":
            key = self.pick([*SINGLE_KEYS, IP_KEY, "aws:username", *MULTI_KEYS])
            return "Null", key, [self.pick(["true", "false"])]
        qualifier = self.pick(["ForAnyValue", "ForAllValues"])
        self.features.add(qualifier)
        key = self.pick(list(MULTI_KEYS))
        operator = self.pick(["StringEquals", "StringNotEquals", "StringLike"])
        choices = list(MULTI_KEYS[key])
        if operator == "StringLike":
            choices += ["o-aaa111/*", "e*"]
        return f"{qualifier}:{operator}", key, self.some(choices, 1, 2)

    # -- statements -----------------------------------------------------------------------

    def statement(self, kind: str, *, effect: str | None = None) -> dict[str, Any]:
        """A statement for a policy of ``kind``: identity, boundary, scp, rcp, resource."""
        chosen = effect or ("Allow" if self.chance(0.78) else "Deny")
        if chosen == "Allow" and kind != "rcp" and self.chance(0.35):
            found: dict[str, Any] = {"Effect": "Allow", "Action": "*", "Resource": "*"}
        else:
            found = {"Effect": chosen}
            if kind != "rcp" and self.chance(0.15):
                self.features.add("NotAction")
                found["NotAction"] = self.some(ACTION_PATTERNS, 1, 2)
            else:
                actions = [a for a in ACTION_PATTERNS if kind != "rcp" or a != "*"]
                found["Action"] = self.some(actions, 1, 3)
            if kind != "rcp" and self.chance(0.15):
                self.features.add("NotResource")
                found["NotResource"] = self.some(PLAIN_PATTERNS, 1, 2)
            else:
                found["Resource"] = self.some(RESOURCE_PATTERNS, 1, 3)
            if self.chance(0.45):
                found["Condition"] = self.condition_block()
        if kind == "repository":
            # An ECR repository policy names no resource: its statements are the repository's.
            found.pop("Resource", None)
            found.pop("NotResource", None)
        if kind == "rcp":
            found["Principal"] = "*"
        elif kind in ("resource", "repository"):
            found["Principal"] = self.pick(PRINCIPAL_ENTRIES)
        return found

    def policy(self, kind: str, low: int, high: int) -> dict[str, Any]:
        effect = "Deny" if kind == "rcp" else None  # an RCP may only deny
        statements = [
            self.statement(kind, effect=effect) for _ in range(self.rng.randint(low, high))
        ]
        return {"Version": "2012-10-17", "Statement": statements}


RCP_FULL_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}


def _context(draw: _Draw, requester: Requester, resource_account: str) -> dict[str, Any]:
    """The request's context keys that are present, as AWS would set them."""
    known: dict[str, Any] = {
        "aws:PrincipalArn": requester.principal_arn,
        "aws:PrincipalAccount": requester.account,
        "aws:ResourceAccount": resource_account,
        "aws:PrincipalType": "User" if requester.kind == "user" else "AssumedRole",
        "aws:PrincipalIsAWSService": "false",
        "aws:SecureTransport": draw.pick(["true", "false"]),
        "aws:CurrentTime": draw.pick(["2026-03-01T08:00:00Z", "2026-09-30T23:59:59Z"]),
    }
    if requester.kind == "user":
        known["aws:username"] = "alice"
    for key, values in SINGLE_KEYS.items():
        if draw.chance(0.6):
            known[key] = draw.pick(values)
    if draw.chance(0.6):
        known[NUMERIC_KEY] = draw.pick(["30", "300", "7200"])
    for key in BOOL_KEYS[1:]:
        if draw.chance(0.6):
            known[key] = draw.pick(["true", "false"])
    if draw.chance(0.7):
        known[IP_KEY] = draw.pick(["10.1.2.3", "192.168.1.10", "198.51.100.1", "2001:db8::7"])
    if draw.chance(0.5):
        known["aws:SourceArn"] = draw.pick(SOURCE_ARNS)
    if draw.chance(0.4):
        known[BINARY_KEY] = draw.pick(["QUJD", "REVG"])
    for key, values in MULTI_KEYS.items():
        if draw.chance(0.6):
            known[key] = sorted(set(draw.some(values, 1, 3)))
    return known


def _xreg_context(known: dict[str, Any]) -> RequestContext:
    values = {k.lower(): (tuple(v) if isinstance(v, list) else (v,)) for k, v in known.items()}
    absent = frozenset(k.lower() for k in ALL_KEYS) - values.keys()
    return RequestContext(values, absent)


def _parse(document: dict[str, Any], kind: PolicyType, source: str) -> Any:
    return parse_policy(document, source=source, policy_type=kind)


def _levels(draw: _Draw, kind: str) -> list[list[dict[str, Any]]]:
    levels = []
    for _ in range(draw.rng.randint(1, 3)):
        level = []
        for _ in range(draw.rng.randint(1, 2)):
            if kind == "scp" and draw.chance(0.5):
                level.append(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
                    }
                )
            else:
                level.append(draw.policy(kind, 1, 2))
        levels.append(level)
    return levels


def _avoid_wildcard_principal(document: dict[str, Any]) -> None:
    """A boundary's cap on a same-account grant to ``*`` is undocumented (see GAPS)."""
    for statement in document["Statement"]:
        if statement.get("Effect") == "Allow" and statement.get("Principal") in ("*", {"AWS": "*"}):
            statement["Principal"] = {"AWS": f"arn:aws:iam::{T}:root"}


def generate_case(seed: int, number: int) -> Case:
    """Case ``number`` of ``seed``."""
    rng = random.Random(f"{seed}:{number}")
    case = Case(number)
    draw = _Draw(rng, case.features)
    target: Target = draw.pick(TARGETS)
    principal_account = draw.pick(ACCOUNTS)
    requester: Requester = draw.pick(requesters(principal_account))
    resource_account = target.account or principal_account
    same = resource_account == principal_account
    case.features |= {
        "same account" if same else "cross account",
        requester.kind,
        target.action.split(":")[0],
    }
    if requester.role_arn and "team/" in requester.role_arn:
        case.features.add("role path")

    identity = [draw.policy("identity", 1, 3) for _ in range(draw.rng.randint(0, 2))]
    boundary = draw.policy("boundary", 1, 2) if draw.chance(0.3) else None
    resource_policy = None
    if target.policy_type is not None and draw.chance(0.85):
        kind = "repository" if target.policy_type is PolicyType.REPOSITORY else "resource"
        resource_policy = draw.policy(kind, 1, 3)
        if same and boundary is not None:
            _avoid_wildcard_principal(resource_policy)
    scps = _levels(draw, "scp") if draw.chance(0.4) else None
    rcps = _levels(draw, "rcp") if target.rcp_service and draw.chance(0.35) else None
    for name, present in (
        ("boundary", boundary),
        ("resource policy", resource_policy),
        ("SCP", scps),
        ("RCP", rcps),
    ):
        if present is not None:
            case.features.add(name)
    # A plan may list RCPFullAWSAccess with the customer RCPs or leave it out: AWS attaches
    # it everywhere either way, so the RCP layer must mean the same.
    listed_full_access = rcps is not None and draw.chance(0.5)
    if rcps is not None and not listed_full_access:
        case.features.add("RCPs without RCPFullAWSAccess")
    known = _context(draw, requester, resource_account)

    case.documents = {
        "identity": identity,
        "boundary": boundary,
        "resource": resource_policy,
        "scps": scps,
        "rcps": rcps,
        "context": known,
    }
    case.question = AccessQuestion(
        request=Request(requester.arn, target.action, target.resource, _xreg_context(known)),
        resource_account=resource_account,
        principal_account=principal_account,
        resource_policy=(
            None
            if resource_policy is None or target.policy_type is None
            else _parse(resource_policy, target.policy_type, "resource.json")
        ),
        resource_side_applies=target.policy_type is not None,
        identity_policies=tuple(
            _parse(doc, PolicyType.IDENTITY, f"identity-{i}.json") for i, doc in enumerate(identity)
        ),
        permissions_boundary=(
            None if boundary is None else _parse(boundary, PolicyType.BOUNDARY, "boundary.json")
        ),
        scps=None
        if scps is None
        else tuple(
            tuple(_parse(doc, PolicyType.SCP, f"scp-{n}-{i}.json") for i, doc in enumerate(level))
            for n, level in enumerate(scps)
        ),
        # AWS attaches RCPFullAWSAccess to every root, OU and account; the oracle adds it
        # itself, xreg is given it when the plan lists it.
        rcps=None
        if rcps is None
        else tuple(
            (
                *(
                    [_parse(RCP_FULL_ACCESS, PolicyType.RCP, f"RCPFullAWSAccess-{n}.json")]
                    if listed_full_access
                    else []
                ),
                *(_parse(doc, PolicyType.RCP, f"rcp-{n}-{i}.json") for i, doc in enumerate(level)),
            )
            for n, level in enumerate(rcps)
        ),
    )
    case.simulation = {
        "request": {
            "principal": requester.arn,
            "action": target.action,
            "resource": {"resource": target.resource, "accountId": resource_account},
            "contextVariables": known,
        },
        "identityPolicies": [
            {"name": f"identity-{i}", "policy": doc} for i, doc in enumerate(identity)
        ],
        "serviceControlPolicies": [
            {
                "orgIdentifier": f"scp-level-{n}",
                "policies": [{"name": f"scp-{n}-{i}", "policy": d} for i, d in enumerate(level)],
            }
            for n, level in enumerate(scps or [])
        ],
        "resourceControlPolicies": [
            {
                "orgIdentifier": f"rcp-level-{n}",
                "policies": [{"name": f"rcp-{n}-{i}", "policy": d} for i, d in enumerate(level)],
            }
            for n, level in enumerate(rcps or [])
        ],
    }
    if resource_policy is not None:
        case.simulation["resourcePolicy"] = resource_policy
    if boundary is not None:
        case.simulation["permissionBoundaryPolicies"] = [{"name": "boundary", "policy": boundary}]
    return case


def generate(seed: int, count: int) -> list[Case]:
    return [generate_case(seed, n) for n in range(count)]
