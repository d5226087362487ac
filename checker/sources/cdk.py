"""CDK cloud assemblies (``cdk.out``): the stacks' synthesized templates, read as
CloudFormation.

``manifest.json`` lists the stacks with their environment (``aws://ACCOUNT/REGION``, or
``unknown-account`` for an environment-agnostic stack) and template file; nested assemblies
(CDK stages) are followed. An entry names the account its stacks deploy to (``account:``)
and reads the stacks it names (``stacks:``), else every stack of that account (an
environment-agnostic stack deploys wherever it is deployed: to that account).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from checker import refs
from checker.errors import InputError, field_path
from checker.plan.documents import read_text
from checker.plan.json_document import parse_json
from checker.records import record
from checker.sources.cloudformation import read_template
from checker.sources.entries import SourceEntry, inside_folder, parameter_values
from checker.sources.model import SourceData

_STACK = "aws:cloudformation:stack"
_NESTED = "cdk:cloud-assembly"
_MAX_NESTING = 8


@record
class _Stack:
    name: str
    account: str | None
    region: str | None
    template: Path
    label: str


def read_cdk(entry: SourceEntry) -> SourceData:
    folder = entry.path
    if not folder.is_dir():
        raise entry.refuse("cdk", f"{entry.label} is not a folder (give the cdk.out folder)")
    stacks = list(_stacks(folder, entry, entry.label, 0))
    chosen = _choose(stacks, entry)
    parameters = parameter_values(entry.options.get("parameters"), entry)
    data = SourceData(label=entry.label)
    for stack in chosen:
        account = stack.account or entry.options["account"]
        read_template(
            stack.template,
            stack.label,
            account=str(account),
            region=stack.region or entry.region,
            partition=entry.partition,
            parameters=parameters,
            data=data,
        )
    return data


def _stacks(folder: Path, entry: SourceEntry, label: str, depth: int) -> Iterator[_Stack]:
    manifest_label = f"{label}/manifest.json"
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise InputError(manifest_label, "$", "not found: is this a CDK cloud assembly (cdk.out)?")
    manifest, _ = parse_json(read_text(manifest_path, source=manifest_label), source=manifest_label)
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        raise InputError(
            manifest_label, "artifacts", "a cloud assembly manifest lists its artifacts"
        )
    for name, artifact in artifacts.items():
        at = ("artifacts", name)
        if not isinstance(artifact, dict):
            raise InputError(manifest_label, field_path(at), "an artifact must be an object")
        properties = artifact.get("properties") or {}
        if artifact.get("type") == _NESTED and depth < _MAX_NESTING:
            directory = properties.get("directoryName")
            if isinstance(directory, str):
                nested = inside_folder(
                    f"{label}/{directory}", entry.folder, entry.plan_source, (*entry.field, "cdk")
                )
                yield from _stacks(nested, entry, f"{label}/{directory}", depth + 1)
            continue
        if artifact.get("type") != _STACK:
            continue
        template = properties.get("templateFile")
        if not isinstance(template, str):
            raise InputError(
                manifest_label,
                field_path((*at, "properties", "templateFile")),
                "a stack needs its templateFile",
            )
        account, region = _environment(artifact.get("environment"), manifest_label, at)
        path = inside_folder(
            f"{label}/{template}", entry.folder, entry.plan_source, (*entry.field, "cdk")
        )
        yield _Stack(
            name=str(properties.get("stackName") or artifact.get("displayName") or name),
            account=account,
            region=region,
            template=path,
            label=f"{label}/{template}",
        )


def _environment(value: Any, label: str, at: tuple[str, ...]) -> tuple[str | None, str | None]:
    """``aws://ACCOUNT/REGION``; ``unknown-account`` / ``unknown-region`` are not known."""
    if value is None:
        return None, None
    if not isinstance(value, str) or not value.startswith("aws://") or value.count("/") != 3:
        raise InputError(label, field_path((*at, "environment")), "expected aws://ACCOUNT/REGION")
    account, region = value.removeprefix("aws://").split("/")
    return (
        account if refs.is_account_id(account) else None,
        region if region and not region.startswith("unknown") else None,
    )


def _choose(stacks: list[_Stack], entry: SourceEntry) -> list[_Stack]:
    """The stacks named by ``stacks:``, else every stack that deploys to the entry's account
    (its environment names that account, or it is environment-agnostic)."""
    names = entry.options.get("stacks")
    account = entry.options["account"]
    if names is None:
        chosen = [stack for stack in stacks if stack.account in (None, account)]
        if not chosen:
            raise InputError(
                entry.plan_source,
                field_path(entry.field),
                f"{entry.label} has no stack that deploys to account {account}",
            )
        return chosen
    by_name = {stack.name: stack for stack in stacks}
    chosen = []
    for index, name in enumerate(names):
        at = field_path((*entry.field, "stacks", index))
        if name not in by_name:
            known = ", ".join(sorted(by_name)) or "none"
            raise InputError(
                entry.plan_source, at, f"{entry.label} has no stack {name!r} (its stacks: {known})"
            )
        stack = by_name[name]
        if stack.account not in (None, account):
            raise InputError(
                entry.plan_source,
                at,
                f"the stack {name} deploys to account {stack.account}, not {account}",
            )
        chosen.append(stack)
    return chosen
