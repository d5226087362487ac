"""Decisions, three-valued truth and evidence: the vocabulary every layer above speaks."""

from __future__ import annotations

from enum import StrEnum

from checker.records import field, record


class Decision(StrEnum):
    """The outcome of one access, or of one side of it (the report's ``decision`` values)."""

    ALLOWED = "allowed"
    IMPLICIT_DENY = "implicit_deny"
    EXPLICIT_DENY = "explicit_deny"
    UNKNOWN = "unknown"
    UNVERIFIED = "unverified"
    NOT_APPLICABLE = "not_applicable"

    @property
    def is_denied(self) -> bool:
        return self in (Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY)


class Tri(StrEnum):
    """Three-valued truth: a condition on a key the plan does not give is ``UNKNOWN``."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def __and__(self, other: object) -> Tri:
        if not isinstance(other, Tri):
            return NotImplemented
        if Tri.FALSE in (self, other):
            return Tri.FALSE
        if Tri.UNKNOWN in (self, other):
            return Tri.UNKNOWN
        return Tri.TRUE

    def __or__(self, other: object) -> Tri:
        if not isinstance(other, Tri):
            return NotImplemented
        if Tri.TRUE in (self, other):
            return Tri.TRUE
        if Tri.UNKNOWN in (self, other):
            return Tri.UNKNOWN
        return Tri.FALSE

    def __invert__(self) -> Tri:
        if self is Tri.UNKNOWN:
            return Tri.UNKNOWN
        return Tri.FALSE if self is Tri.TRUE else Tri.TRUE

    @staticmethod
    def of(value: bool) -> Tri:
        return Tri.TRUE if value else Tri.FALSE


@record(order=True)
class Evidence:
    """Where a decision came from: a policy source and a statement (its Sid, else ``#index``).

    For a KMS grant, ``statement`` is ``grant:<id or index>``.
    """

    source: str
    statement: str

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "statement": self.statement}


@record
class SideResult:
    """The decision of one side of an access (resource policy, identity policy, organization)."""

    decision: Decision
    reason: str
    evidence: tuple[Evidence, ...] = ()
    unknown_keys: tuple[str, ...] = ()


@record
class AccessDecision:
    """The combined decision for one (principal, action, resource), with its sides.

    ``because`` is one line a person can act on; ``evidence`` names the statements that
    decided it (for a denial: the Deny statements, or those that came closest to allowing).
    """

    decision: Decision
    because: str
    resource_policy: SideResult
    identity_policy: SideResult
    organization: SideResult
    evidence: tuple[Evidence, ...] = ()
    unknown_keys: tuple[str, ...] = field(default=())
