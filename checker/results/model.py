"""The report: one object that every output format renders (see docs/report-format.md)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from checker.policy.decision import Decision, Evidence
from checker.records import field, record
from checker.results.rule_help import RuleHelp


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


class Level(StrEnum):
    REQUIRED = "required"  # AWS needs it: a denial fails the verdict
    DOCUMENTED = "documented"  # the AWS documentation asks for it: a denial is a warning


@record
class Location:
    """Where a finding or a requirement's deciding statement sits.

    ``source`` is as reports name files (relative to the plan's folder, or the plan file
    itself); ``file`` is the path a code-scanning tool should open, relative to the working
    directory. ``field`` is a field path inside ``source``.
    """

    source: str
    statement: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    file: str | None = None


@record
class Fix:
    """How to fix a gap: the statement to add (or the narrowed Deny), the whole corrected
    policy document, and the command that applies it, in the account it must run in."""

    account: str
    target: str  # "bucket policy of my-bucket", "identity policy of arn:…:role/X"
    command: str  # the shell text; a fix of several steps has one command per line
    statement: dict[str, Any] | None = None
    policy: dict[str, Any] | None = None  # the full corrected document
    policy_file: str | None = None  # the file name the command reads (file://…)
    kind: str = "resource_policy"  # resource_policy | identity_policy | kms_grant | scp | manual
    description: str = ""
    id: str = ""  # F-3a9c: derived from what it changes, so it is the same in every run
    plan_field: str | None = None  # the plan field of the policy it replaces (None: a new policy)
    principal: str | None = None  # for a new identity policy or a grant: whose
    grant: dict[str, Any] | None = None  # for kind kms_grant: GranteePrincipal, Operations
    resource: str | None = None  # the ARN of the resource it changes
    # For a grant that replaces another: the grant to revoke (GranteePrincipal, GrantId).
    revoke_grant: dict[str, Any] | None = None


@record
class Finding:
    rule: str
    severity: Severity
    message: str
    location: Location
    fingerprint: str
    fix: Fix | None = None
    title: str | None = None
    suppressed: str | None = None  # the suppression's reason, when a baseline suppresses it


@record
class Sides:
    resource_policy: Decision
    identity_policy: Decision
    organization: Decision


@record
class RequirementResult:
    """One row of the permission matrix, decided."""

    id: str
    phase: str  # register | deploy
    level: Level
    principal: str
    action: str
    resource: str
    resource_owner: str
    decision: Decision
    sides: Sides
    because: str
    evidence: tuple[Evidence, ...] = ()
    title: str = ""
    unknown_keys: tuple[str, ...] = ()
    fix: Fix | None = None  # the first of ``fixes``
    location: Location | None = None  # the statement or plan field to point at
    referenced_by: tuple[str, ...] = ()  # plan field paths that made this requirement
    # Every fix the row needs (resource side, identity side, organization side): together
    # they make it pass.
    fixes: tuple[Fix, ...] = ()
    accepted: str | None = None  # a baseline's reason, when it accepts this denied access


@record
class Summary:
    requirements: int
    allowed: int
    denied: int
    unknown: int
    unverified: int
    errors: int
    warnings: int
    infos: int = 0


@record
class Report:
    plan: str
    verdict: str  # pass | fail
    requirements: tuple[RequirementResult, ...]
    findings: tuple[Finding, ...]
    summary: Summary
    command: str = "check"
    tool_version: str = "0.1.0"
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. the dry-run trace, audit groups
    # Help for the rule ids the report names, attached by whoever renders a format that
    # shows it (``checker.lint.rule_catalogue``); never part of the JSON report.
    rule_help: Mapping[str, RuleHelp] = field(default_factory=dict)
