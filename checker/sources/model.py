"""What one source says, in the plan's own terms, before it is merged into the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from checker.plan.model import Positions
from checker.plan.source_facts import ResourceFact, SourceNote
from checker.records import field, record

Form = Literal["json", "yaml", "terraform", "pipeline"]
RESOURCE_KINDS = ("ecr_repositories", "s3_buckets", "kms_keys", "model_package_groups")


@record
class SourcePolicy:
    """A policy document as a source gives it (resolved; it may hold ``Symbolic`` values)."""

    document: Any
    label: str  # how reports name it: ``infra/training.yaml#Resources.Key.Properties.KeyPolicy``
    file: Path
    positions: Positions  # inside the document, in ``file``
    where: str  # ``infra/training.yaml:12:7``, or a Terraform address
    form: Form
    property: str  # the property the user edits: ``Resources.Key.Properties.KeyPolicy``


@record
class Located:
    """Where a resource, principal or request is written in its source."""

    source: str
    file: Path
    line: int | None
    column: int | None
    where: str  # property path, Terraform address or pipeline step
    positions: Positions = field(default_factory=dict)  # inside it, for a request's fields

    def text(self) -> str:
        if self.line is None:
            return f"{self.source} {self.where}"
        return f"{self.source}:{self.line}:{self.column}"


@record(frozen=False)
class SourceData:
    """Resources (by kind, then by key: ARN, or bucket name), identities (by principal ARN),
    the registration request, and notes; entries are in the plan's shape, a ``policy`` (and
    each identity policy) being a ``SourcePolicy``."""

    label: str
    resources: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {kind: {} for kind in RESOURCE_KINDS}
    )
    identities: dict[str, dict[str, Any]] = field(default_factory=dict)
    registration: dict[str, Any] | None = None
    training_job: dict[str, Any] | None = None
    located: dict[str, Located] = field(default_factory=dict)  # "kind:key" → where
    notes: list[SourceNote] = field(default_factory=list)
    facts: list[ResourceFact] = field(default_factory=list)

    def resource(self, kind: str, key: str, where: Located) -> dict[str, Any]:
        """The entry for ``key`` (created on first use, so that several template resources,
        a bucket and its policy, build one entry)."""
        entries = self.resources[kind]
        if key not in entries:
            entries[key] = {}
            self.located[f"{kind}:{key}"] = where
        return entries[key]

    def identity(self, principal: str, where: Located) -> dict[str, Any]:
        if principal not in self.identities:
            self.identities[principal] = {"principal": principal, "policies": []}
            self.located[f"identities:{principal}"] = where
        return self.identities[principal]
