"""What a lint rule sees: the plan, each policy with where it lives, and how to point at things.

Every policy of the plan becomes a ``PolicyUnit``: its loaded document (with positions), the
parsed policy (or the parse error), its type, the account it lives in, what it is attached to,
and how a person would put a corrected version back. Rules yield ``Hit``s; ``lint_plan`` turns
them into ``Finding``s with the rule's severity, title and fingerprint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from checker import catalog
from checker.errors import InputError, field_path
from checker.matrix.references import find_images
from checker.paths import display_path
from checker.plan.model import FieldPath, LoadedPolicy, Plan
from checker.policy.model import Policy, PolicyType, Statement
from checker.records import field, record
from checker.refs import EcrImage, parse_ecr_image
from checker.results.model import Fix, Location

_FIX_KINDS = {
    PolicyType.IDENTITY: "identity_policy",
    PolicyType.BOUNDARY: "boundary",
    PolicyType.SCP: "scp",
    PolicyType.RCP: "rcp",
}


@record
class PolicyUnit:
    loaded: LoadedPolicy
    policy: Policy | None  # None when the document does not parse
    error: InputError | None
    type: PolicyType
    owner: str  # the account the policy lives in
    attached_to: str  # resource ARN, principal ARN, or account id (SCP/RCP)
    target: str  # "bucket policy of my-bucket"
    put_back: Callable[[str], str]  # the corrected document's file name → the command

    @property
    def source(self) -> str:
        return self.loaded.source

    @property
    def document(self) -> Mapping[str, Any]:
        return self.loaded.document

    def statement_path(self, statement: Statement) -> FieldPath:
        if isinstance(self.document.get("Statement"), list):
            return ("Statement", statement.index)
        return ("Statement",)

    def raw_statement(self, statement: Statement) -> Mapping[str, Any]:
        raw = self.document.get("Statement")
        item = raw[statement.index] if isinstance(raw, list) else raw
        return item if isinstance(item, Mapping) else {}

    def raw_statements(self) -> list[dict[str, Any]]:
        """The statements as plain dicts (for corrected copies), in document order."""
        raw = self.document.get("Statement")
        items = raw if isinstance(raw, list) else [raw]
        return [dict(item) if isinstance(item, Mapping) else {} for item in items]

    def location(self, path: FieldPath = (), statement: Statement | None = None) -> Location:
        if statement is not None and not path:
            path = self.statement_path(statement)
        line, column = _position(self.loaded.positions, path)
        return Location(
            source=self.source,
            statement=statement.label if statement is not None else None,
            line=line,
            column=column,
            field=field_path(path) if path else None,
            file=display_path(self.loaded.file) if self.loaded.file else None,
        )

    def hit(
        self,
        message: str,
        statement: Statement | None = None,
        *,
        path: FieldPath = (),
        detail: str = "",
        fix: Fix | None = None,
    ) -> Hit:
        """A hit on a statement (fingerprinted by its content) or on a field of the document."""
        subject: Mapping[str, Any] | str = (
            self.raw_statement(statement) if statement is not None else field_path(path)
        )
        if statement is None:
            # A field of the document: the document tells apart two policies of one principal.
            detail = f"{self.source}|{detail}"
        return Hit(
            message=message,
            location=self.location(path, statement),
            resource=self.attached_to,
            subject=subject,
            detail=detail,
            fix=fix,
        )

    def policy_file_name(self) -> str:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(self.source.split("#")[-1]).stem).strip("-")
        return f"fixed-{stem or self.type.value}.json"

    def fix(
        self,
        *,
        statement: Mapping[str, Any] | None,
        policy: Mapping[str, Any] | None,
        description: str,
    ) -> Fix:
        file_name = self.policy_file_name()
        on_principal = self.type in (PolicyType.IDENTITY, PolicyType.BOUNDARY)
        return Fix(
            account=self.owner,
            target=self.target,
            command=self.put_back(file_name),
            statement=dict(statement) if statement is not None else None,
            policy=dict(policy) if policy is not None else None,
            policy_file=file_name,
            kind=_FIX_KINDS.get(self.type, "resource_policy"),
            description=description,
            plan_field=self.loaded.plan_field,
            principal=self.attached_to if on_principal else None,
            resource=self.attached_to,
        )

    def statement_fix(
        self, statement: Statement, fixed: Mapping[str, Any], description: str
    ) -> Fix:
        """The fix that replaces ``statement`` with ``fixed``, in the whole corrected policy."""
        return self.fix(
            statement=fixed, policy=self.with_statement(statement, fixed), description=description
        )

    def with_statement(
        self, statement: Statement, replacement: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The whole document with ``statement`` replaced (kept as an object when it was one)."""
        document = dict(self.document)
        if isinstance(document.get("Statement"), list):
            items = self.raw_statements()
            items[statement.index] = dict(replacement)
            document["Statement"] = items
        else:
            document["Statement"] = dict(replacement)
        return document


def _position(
    positions: Mapping[FieldPath, tuple[int, int]], path: FieldPath
) -> tuple[int | None, int | None]:
    """The position of ``path``, else of its nearest ancestor that has one."""
    for length in range(len(path), -1, -1):
        found = positions.get(path[:length])
        if found is not None:
            return found
    return None, None


@record
class Hit:
    """One thing a rule found; ``lint_plan`` adds the rule's severity, title and fingerprint."""

    message: str
    location: Location
    resource: str  # what the finding is about (a resource ARN, a principal, a plan field)
    subject: Mapping[str, Any] | str  # the statement's content, or a field path
    detail: str = ""  # tells apart several hits of one rule on one subject
    fix: Fix | None = None


@record
class ImageReference:
    """A container image the request names: where, and what parsing its URI gave."""

    uri: str
    path_text: str  # the field path of the request that holds it
    image: EcrImage | None  # None when the URI does not parse
    problem: ValueError | None  # NotInEcr: it is in another registry; else the URI is malformed


def _image_reference(uri: str, path_text: str) -> ImageReference:
    try:
        return ImageReference(uri, path_text, parse_ecr_image(uri), None)
    except ValueError as problem:
        return ImageReference(uri, path_text, None, problem)


# Did-you-mean look-ups a run makes: each compares a name with every name of its service
# (milliseconds), so a policy with thousands of misspelt actions gets suggestions for the
# first ones only, and its lint stays fast.
MAX_SUGGESTION_LOOKUPS = 100


@record(frozen=False)
class LintContext:
    plan: Plan
    units: list[PolicyUnit]
    _images: tuple[ImageReference, ...] | None = field(default=None, init=False)
    _suggestions: dict[tuple[str, str], list[str]] = field(default_factory=dict, init=False)
    suggestion_lookups: int = field(default=0, init=False)

    def suggest_action(self, name: str) -> list[str]:
        """``catalog.suggest_action``, once per name and at most MAX_SUGGESTION_LOOKUPS times."""
        return self._suggest("action", name, catalog.suggest_action)

    def suggest_condition_key(self, key: str) -> list[str]:
        return self._suggest("condition key", key, catalog.suggest_condition_key)

    def _suggest(self, kind: str, name: str, look_up: Callable[[str], list[str]]) -> list[str]:
        cached = self._suggestions.get((kind, name))
        if cached is not None:
            return cached
        if self.suggestion_lookups >= MAX_SUGGESTION_LOOKUPS:
            return []
        self.suggestion_lookups += 1
        found = look_up(name)
        self._suggestions[(kind, name)] = found
        return found

    @property
    def images(self) -> tuple[ImageReference, ...]:
        """The request's images, in document order; parsed once for the rules that read them."""
        if self._images is None:
            self._images = tuple(
                _image_reference(uri, path_text)
                for uri, path_text in find_images(self.plan.registration)
            )
        return self._images

    def policies_for(self, types: frozenset[str]) -> Iterator[tuple[PolicyUnit, Policy]]:
        """The parsed policies of the given types (unparsable ones have only POLICY-INVALID)."""
        for unit in self.units:
            if unit.policy is not None and unit.type.value in types:
                yield unit, unit.policy

    def plan_location(self, path: FieldPath) -> Location:
        line, column = _position(self.plan.positions, path)
        return Location(
            source=self.plan.source,
            line=line,
            column=column,
            field=field_path(path),
            file=display_path(self.plan.path),
        )

    def plan_hit(
        self,
        message: str,
        path: FieldPath,
        *,
        resource: str,
        detail: str = "",
        fix: Fix | None = None,
    ) -> Hit:
        """A hit on a field of the plan (fingerprinted by the field path, not its line)."""
        return Hit(
            message=message,
            location=self.plan_location(path),
            resource=resource,
            subject=field_path(path),
            detail=detail,
            fix=fix,
        )
