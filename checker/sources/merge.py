"""Merging what the sources say into the plan's data, before the plan is built.

The plan's own entries keep their places (their positions in the plan file stay right);
each source's resources and identities follow them. A resource or principal the plan gives
itself overrides what a source says about it, and the report says so. Sources are read in
order; a later source's fields replace an earlier one's for the same resource.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from checker.errors import InputError, field_path
from checker.plan.model import FieldPath, Positions, nearest_position
from checker.plan.source_facts import (
    FieldOrigin,
    PolicyOrigin,
    ResourceFact,
    SourceFacts,
    SourceNote,
    UnresolvedStatement,
)
from checker.records import field, record
from checker.sources.entries import SourceEntry, check_entry
from checker.sources.model import RESOURCE_KINDS, Located, SourceData, SourcePolicy
from checker.sources.symbolic import concrete, symbolic_paths

_KEY_FIELD = {
    "ecr_repositories": "arn",
    "s3_buckets": "name",
    "kms_keys": "arn",
    "model_package_groups": "arn",
}
_RESOURCE_WORD = {
    "ecr_repositories": "ECR repository",
    "s3_buckets": "bucket",
    "kms_keys": "KMS key",
    "model_package_groups": "model package group",
}


@record
class Merged:
    """The plan's data with the sources merged in, and what the plan builder needs to
    know about the fields that came from a source."""

    data: dict[str, Any]
    policies: Mapping[FieldPath, SourcePolicy]  # plan field of a policy → the source's policy
    origins: Mapping[FieldPath, Located]  # plan field of a derived entry → where it is written
    facts: SourceFacts = field(default_factory=SourceFacts)

    def origin(self, path: FieldPath) -> tuple[Located, FieldPath] | None:
        """The source entry ``path`` lies in, and the rest of the path inside it."""
        for end in range(len(path), 0, -1):
            located = self.origins.get(path[:end])
            if located is not None:
                return located, path[end:]
        return None


def _reader(kind: str) -> Callable[[SourceEntry], SourceData]:
    if kind == "cloudformation":
        from checker.sources.cloudformation import read_cloudformation

        return read_cloudformation
    if kind == "terraform_plan":
        from checker.sources.terraform import read_terraform_plan

        return read_terraform_plan
    if kind == "cdk":
        from checker.sources.cdk import read_cdk

        return read_cdk
    from checker.sources.pipeline import read_pipeline

    return read_pipeline


def _read(entry: SourceEntry) -> SourceData:
    try:
        return _reader(entry.kind)(entry)
    except InputError:
        raise
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        # The readers check the shapes they rely on; a shape they did not foresee is still
        # the input's fault, and gets the one line every bad input gets.
        raise InputError(
            entry.label, "$", f"cannot read this {entry.kind} source: unexpected {error!r}"
        ) from None


def apply_sources(
    data: dict[str, Any],
    positions: Positions,
    *,
    plan_path: Path,
    plan_source: str,
    extra_parameters: Mapping[str, str] | None = None,
) -> Merged:
    folder = plan_path.parent.resolve()
    partition = data.get("partition", "aws")
    readings: list[tuple[SourceEntry, SourceData]] = []
    for index, item in enumerate(data["sources"]):
        entry = check_entry(
            item,
            ("sources", index),
            plan_source=plan_source,
            folder=folder,
            partition=partition,
            region=data["region"],
            extra_parameters=extra_parameters or {},
            training_account=data["accounts"]["training"],
        )
        readings.append((entry, _read(entry)))
    return _Merger(data, positions, plan_source, readings).merge()


class _Merger:
    def __init__(
        self,
        data: dict[str, Any],
        positions: Positions,
        plan_source: str,
        readings: list[tuple[SourceEntry, SourceData]],
    ) -> None:
        self.data = data
        self.positions = positions
        self.plan_source = plan_source
        self.readings = readings
        self.policies: dict[FieldPath, SourcePolicy] = {}
        self.origins: dict[FieldPath, Located] = {}
        self.field_origins: dict[str, FieldOrigin] = {}
        self.policy_origins: dict[str, PolicyOrigin] = {}
        self.unresolved: dict[str, tuple[UnresolvedStatement, ...]] = {}
        self.notes: list[SourceNote] = []
        self.facts: list[ResourceFact] = []

    def merge(self) -> Merged:
        merged = dict(self.data)
        plan_resources = self.data.get("resources", {})
        resources = dict(plan_resources)
        for kind in RESOURCE_KINDS:
            entries = list(plan_resources.get(kind, []))
            given = {item.get(_KEY_FIELD[kind]): index for index, item in enumerate(entries)}
            for key, (entry, located) in self.combined_resources(kind).items():
                if key in given:
                    self.overridden(
                        ("resources", kind, given[key]), located, _RESOURCE_WORD[kind], key
                    )
                    continue
                at: FieldPath = ("resources", kind, len(entries))
                entries.append(self.place(entry, at, located))
            if entries:
                resources[kind] = entries
        if resources:
            merged["resources"] = resources
        identities = list(self.data.get("identities", []))
        given = {item.get("principal"): index for index, item in enumerate(identities)}
        for principal, (entry, located) in self.combined_identities().items():
            if principal in given:
                self.overridden(("identities", given[principal]), located, "principal", principal)
                continue
            at = ("identities", len(identities))
            identities.append(self.place_identity(entry, at, located))
        if identities:
            merged["identities"] = identities
        self.registration(merged)
        for _, reading in self.readings:
            self.notes.extend(reading.notes)
            self.facts.extend(reading.facts)
        facts = SourceFacts(
            unresolved=self.unresolved,
            resources=tuple(self.facts),
            notes=tuple(self.notes),
            origins=self.field_origins,
            policies=self.policy_origins,
        )
        return Merged(merged, self.policies, self.origins, facts)

    # --- combining the sources --------------------------------------------------------------

    def combined_resources(self, kind: str) -> dict[str, tuple[dict[str, Any], Located]]:
        combined: dict[str, tuple[dict[str, Any], Located]] = {}
        for _, reading in self.readings:
            for key, entry in reading.resources[kind].items():
                located = reading.located[f"{kind}:{key}"]
                if key in combined:
                    earlier, _ = combined[key]
                    # A field a later source leaves unset (a bucket with no policy resource
                    # beside it) does not erase what an earlier one said.
                    given = {name: value for name, value in entry.items() if value is not None}
                    combined[key] = ({**earlier, **given}, located)
                else:
                    combined[key] = (dict(entry), located)
        return combined

    def combined_identities(self) -> dict[str, tuple[dict[str, Any], Located]]:
        combined: dict[str, tuple[dict[str, Any], Located]] = {}
        for _, reading in self.readings:
            for principal, entry in reading.identities.items():
                located = reading.located[f"identities:{principal}"]
                if principal in combined:
                    earlier, first = combined[principal]
                    merged = dict(earlier)
                    merged["policies"] = [*earlier["policies"], *entry["policies"]]
                    if entry.get("permissions_boundary") is not None:
                        merged["permissions_boundary"] = entry["permissions_boundary"]
                    combined[principal] = (merged, first)
                else:
                    combined[principal] = (dict(entry), located)
        return combined

    # --- placing derived entries --------------------------------------------------------------

    def place(self, entry: dict[str, Any], at: FieldPath, located: Located) -> dict[str, Any]:
        self.origins[at] = located
        self.field_origins[field_path(at)] = _origin(located)
        placed = {key: value for key, value in entry.items() if key != "policy"}
        policy = entry.get("policy")
        if isinstance(policy, SourcePolicy):
            placed["policy"] = self.policy(policy, (*at, "policy"), resource_policy=True)
        return concrete(placed)  # type: ignore[no-any-return]

    def place_identity(
        self, entry: dict[str, Any], at: FieldPath, located: Located
    ) -> dict[str, Any]:
        self.origins[at] = located
        self.field_origins[field_path(at)] = _origin(located)
        policies: list[Any] = []
        for number, policy in enumerate(entry["policies"]):
            if isinstance(policy, SourcePolicy):
                policy = self.policy(policy, (*at, "policies", number), resource_policy=False)
            policies.append(policy)
        placed: dict[str, Any] = {"principal": entry["principal"], "policies": policies}
        boundary = entry.get("permissions_boundary")
        if isinstance(boundary, SourcePolicy):
            placed["permissions_boundary"] = self.policy(
                boundary, (*at, "permissions_boundary"), resource_policy=False
            )
        return placed

    def policy(self, policy: SourcePolicy, at: FieldPath, *, resource_policy: bool) -> Any:
        """The document to put in the plan; its unresolved statements are recorded."""
        self.policies[at] = policy
        document = policy.document
        found = list(symbolic_paths(document))
        if not found:
            position = policy.positions.get(())
            self.policy_origins[field_path(at)] = PolicyOrigin(
                source=policy.label.partition("#")[0],
                file=policy.file,
                property=policy.property,
                form=policy.form,
                line=position[0] if position else None,
                column=position[1] if position else None,
            )
            return document
        unresolved: list[UnresolvedStatement] = []
        statements = document.get("Statement") if isinstance(document, dict) else None
        stand_in = False
        for path, symbolic in found:
            reason = f"the policy {policy.label} depends on {symbolic.describe()}"
            index = _statement_index(path, statements)
            if index is None and not (len(path) >= 1 and path[0] in ("Version", "Id")):
                stand_in = True
                unresolved.append(UnresolvedStatement(None, None, reason))
                continue
            effect = None
            if index is not None and isinstance(statements, list | dict):
                statement = statements[index] if isinstance(statements, list) else statements
                raw = statement.get("Effect") if isinstance(statement, dict) else None
                effect = raw if raw in ("Allow", "Deny") else None
            unresolved.append(UnresolvedStatement(index, effect, reason))
        self.unresolved[policy.label] = tuple(unresolved)
        if stand_in:
            return _stand_in(resource_policy, policy.label)
        return concrete(document)

    # --- overrides and the registration -------------------------------------------------------

    def overridden(self, at: FieldPath, located: Located, word: str, key: str) -> None:
        position = nearest_position(at, self.positions)
        self.notes.append(
            SourceNote(
                rule="SOURCE-OVERRIDDEN",
                severity="info",
                message=(
                    f"{field_path(at)} overrides what {located.text()} says about the "
                    f"{word} {key}: the plan's entry is checked, the source's is not"
                ),
                source=self.plan_source,
                line=position[0] if position else None,
                column=position[1] if position else None,
                field=field_path(at),
            )
        )

    def registration(self, merged: dict[str, Any]) -> None:
        given: tuple[SourceEntry, SourceData] | None = None
        for entry, reading in self.readings:
            if reading.registration is None:
                continue
            if given is not None:
                raise InputError(
                    self.plan_source,
                    field_path(entry.field),
                    f"gives a registration request, but {field_path(given[0].field)} "
                    "already does: name the one to check (one pipeline source)",
                )
            given = (entry, reading)
        if given is None:
            if "registration" not in merged:
                raise InputError(
                    self.plan_source,
                    "$",
                    "missing required field 'registration' (or a sagemaker_pipeline source)",
                )
            return
        entry, reading = given
        located = reading.located["registration"]
        if "registration" in self.data:
            self.overridden(("registration",), located, "registration request of", "the pipeline")
            return
        assert reading.registration is not None
        merged["registration"] = concrete(reading.registration)
        self.origins[("registration",)] = located
        self.field_origins["registration"] = _origin(located)
        for path, symbolic in symbolic_paths(reading.registration, ("registration",)):
            self.notes.append(
                SourceNote(
                    rule="SOURCE-UNRESOLVED-REQUEST",
                    severity="error",
                    message=(
                        f"{field_path(path)} is {symbolic.describe()}: the accesses it "
                        "names cannot be checked"
                    ),
                    source=located.source,
                    file=located.file,
                    line=located.line,
                    column=located.column,
                    field=located.where,
                )
            )
        if reading.training_job is not None and "training_job" not in self.data:
            merged["training_job"] = concrete(reading.training_job)


def _statement_index(path: FieldPath, statements: Any) -> int | None:
    if len(path) < 2 or path[0] != "Statement":
        return None
    if isinstance(statements, list) and isinstance(path[1], int):
        return path[1] if len(path) > 2 else None
    if isinstance(statements, dict):
        return 0
    return None


def _stand_in(resource_policy: bool, label: str) -> dict[str, Any]:
    """A document standing for a policy whose statements are unknown. It denies everything,
    so nothing it stands for is taken to allow; every decision it takes part in is made
    unknown (its statements are recorded as unresolved)."""
    statement: dict[str, Any] = {"Sid": "Unresolved", "Effect": "Deny", "Action": "*"}
    if resource_policy:
        statement["Principal"] = "*"
    statement["Resource"] = "*"
    return {"Version": "2012-10-17", "Id": f"unresolved {label}", "Statement": [statement]}


def _origin(located: Located) -> FieldOrigin:
    return FieldOrigin(
        source=located.source,
        file=located.file,
        line=located.line,
        column=located.column,
        where=located.where,
        positions=located.positions,
    )
