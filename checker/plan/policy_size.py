"""AWS's own size limits on policy documents: a plan whose policy AWS could not hold is refused.

A policy larger than its type allows cannot exist in AWS, so a plan that gives one describes
nothing real; refusing it also bounds the work of every later step (a pull request cannot
make the checker lint a 50,000-action statement). The limits are data, each with the AWS page
that states it (``checker/data/policy_size_limits.json``).

Each document is measured as compact JSON, the smallest form it could be sent to AWS in: a
pretty-printed or YAML file is never refused for its layout.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from checker.errors import InputError
from checker.paths import PACKAGE_DIR
from checker.plan.model import Identity, LoadedPolicy, ManagedPolicyRef, Plan
from checker.records import record


@record
class SizeLimit:
    limit: int
    measure: str  # "bytes", "characters" or "non-whitespace"
    says: str
    source: str


@cache
def size_limits() -> dict[str, SizeLimit]:
    """The limits by policy type (``bucket``, ``managed``, ``inline/role``…)."""
    path = PACKAGE_DIR / "data" / "policy_size_limits.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: SizeLimit(**entry) for name, entry in data["limits"].items()}


def measure(document: Mapping[str, Any], how: str) -> int:
    """The size of ``document`` as AWS counts it (``how``), written as compact JSON."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str)
    if how == "bytes":
        return len(text.encode("utf-8"))
    if how == "non-whitespace":
        return sum(1 for char in text if not char.isspace())
    return len(text)


_WHAT = {
    "bytes": "bytes",
    "characters": "characters",
    "non-whitespace": "characters without white space",
}
_NAMES = {
    "bucket": "bucket policy",
    "repository": "repository policy",
    "key": "key policy",
    "model_package_group": "model package group policy",
    "managed": "managed policy",
    "scp": "service control policy",
    "rcp": "resource control policy",
}


def _refuse(plan: Plan, loaded: LoadedPolicy, reason: str) -> InputError:
    # An inline document is a field of the plan; a file is a document of its own.
    if loaded.source == f"{plan.path.name}#{loaded.plan_field}":
        return InputError(plan.source, loaded.plan_field, reason)
    return InputError(loaded.source, "$", reason)


def _check(plan: Plan, loaded: LoadedPolicy, kind: str, as_what: str | None = None) -> int:
    limit = size_limits()[kind]
    size = measure(loaded.document, limit.measure)
    if size > limit.limit:
        raise _refuse(
            plan,
            loaded,
            f"the {as_what or _NAMES[kind]} is {size:,} {_WHAT[limit.measure]} as compact JSON; "
            f"AWS allows at most {limit.limit:,} ({limit.source})",
        )
    return size


def _identity_sizes(plan: Plan, identity: Identity, kind: str) -> None:
    """Each identity policy is a managed policy or one of the principal's inline policies: one
    too large for a managed policy must be inline, and the inline ones share one allowance."""
    managed = size_limits()["managed"]
    inline = size_limits()[f"inline/{kind}"]
    total = 0
    for loaded in _documents(identity.policies):
        size = measure(loaded.document, managed.measure)
        if size <= managed.limit:
            continue
        total += size
        if total > inline.limit:
            raise _refuse(
                plan,
                loaded,
                f"the identity policies of {identity.principal} too large for a managed policy "
                f"({managed.limit:,} characters) add up to {total:,} characters without white "
                f"space as compact JSON; AWS allows at most {inline.limit:,} of inline policies "
                f"to a {kind} ({inline.source})",
            )
    if identity.permissions_boundary is not None:
        _check(
            plan,
            identity.permissions_boundary,
            "managed",
            "permissions boundary (a managed policy)",
        )


def _documents(entries: Any) -> Iterator[LoadedPolicy]:
    # AWS managed policies are AWS's own documents, not the plan's: only the plan's are measured.
    for entry in entries:
        if isinstance(entry, LoadedPolicy):
            yield entry
        elif not isinstance(entry, ManagedPolicyRef):
            yield from _documents(entry)


def check_policy_sizes(plan: Plan) -> None:
    """Refuse (``InputError``, one line) the first policy of ``plan`` AWS could not hold."""
    resources: tuple[tuple[str, Any], ...] = (
        ("repository", plan.ecr_repositories),
        ("bucket", plan.s3_buckets),
        ("key", plan.kms_keys),
        ("model_package_group", plan.model_package_groups),
    )
    for kind, items in resources:
        for item in items:
            if item.policy is not None:
                _check(plan, item.policy, kind)
    for identity in plan.identities:
        principal_kind = identity.parsed.kind
        if principal_kind in ("role", "user"):
            _identity_sizes(plan, identity, principal_kind)
    for kind, accounts in (
        ("scp", plan.service_control_policies),
        ("rcp", plan.resource_control_policies),
    ):
        for entries in (accounts or {}).values():
            for loaded in _documents(entries):
                _check(plan, loaded, kind)
