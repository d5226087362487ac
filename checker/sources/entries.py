"""The ``sources:`` entries of a plan: which kind each is, which options it takes, its file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from checker.errors import InputError, field_path
from checker.plan.model import FieldPath
from checker.records import field as record_field
from checker.records import record

KINDS = ("cloudformation", "cdk", "terraform_plan", "sagemaker_pipeline")
_OPTIONS: Mapping[str, frozenset[str]] = {
    "cloudformation": frozenset({"account", "region", "parameters"}),
    "cdk": frozenset({"account", "region", "parameters", "stacks"}),
    "terraform_plan": frozenset({"account"}),
    "sagemaker_pipeline": frozenset({"step", "parameters"}),
}


@record
class SourceEntry:
    """One entry of ``sources:``, checked, with the context its reader needs."""

    kind: str
    path: Path  # resolved, inside the plan's folder
    label: str  # as the plan names it (relative to the plan's folder)
    options: Mapping[str, Any]
    field: FieldPath  # ("sources", index)
    plan_source: str
    folder: Path
    partition: str
    region: str  # the entry's region, else the plan's
    training_account: str = ""  # the plan's training account
    extra_parameters: Mapping[str, str] = record_field(
        default_factory=dict
    )  # from the command line

    def refuse(self, option: str | None, reason: str) -> InputError:
        at = (*self.field, option) if option else self.field
        return InputError(self.plan_source, field_path(at), reason)


def check_entry(
    item: Mapping[str, Any],
    field: FieldPath,
    *,
    plan_source: str,
    folder: Path,
    partition: str,
    region: str,
    extra_parameters: Mapping[str, str],
    training_account: str = "",
) -> SourceEntry:
    kinds = [kind for kind in KINDS if kind in item]
    if len(kinds) != 1:
        reason = (
            f"names {' and '.join(kinds)}: one source per entry"
            if kinds
            else f"needs one of {', '.join(KINDS)}"
        )
        raise InputError(plan_source, field_path(field), reason)
    kind = kinds[0]
    for option in item:
        if option != kind and not option.startswith("x-") and option not in _OPTIONS[kind]:
            allowed = ", ".join(sorted(_OPTIONS[kind])) or "none"
            raise InputError(
                plan_source,
                field_path((*field, option)),
                f"is not an option of a {kind} source (its options: {allowed})",
            )
    if kind in ("cloudformation", "cdk") and "account" not in item:
        raise InputError(
            plan_source,
            field_path(field),
            "missing required field 'account': the account the stack deploys to",
        )
    parameters = item.get("parameters")
    if kind == "sagemaker_pipeline" and isinstance(parameters, str):
        raise InputError(
            plan_source,
            field_path((*field, "parameters")),
            "a pipeline's parameters are an object of values or a Key=Value list",
        )
    label = item[kind]
    path = inside_folder(label, folder, plan_source, (*field, kind))
    return SourceEntry(
        kind=kind,
        path=path,
        label=label,
        options={key: value for key, value in item.items() if key != kind},
        field=field,
        plan_source=plan_source,
        folder=folder,
        partition=partition,
        region=item.get("region", region),
        extra_parameters=extra_parameters,
        training_account=training_account,
    )


def inside_folder(relative: str, folder: Path, plan_source: str, field: FieldPath) -> Path:
    """``relative`` resolved against the plan's folder; refused when it leads outside it
    (a plan reviewed as an attachment must not make xreg read files from elsewhere)."""

    def refuse(reason: str) -> InputError:
        return InputError(plan_source, field_path(field), reason)

    if "\x00" in relative:
        raise refuse("invalid file path")
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).is_absolute():
        raise refuse(f"{relative} is an absolute path: give a path relative to the plan's folder")
    try:
        resolved = (folder / relative).resolve()
    except (OSError, RuntimeError) as error:
        raise refuse(f"cannot resolve {relative}: {error}") from None
    if not resolved.is_relative_to(folder):
        raise refuse(f"{relative} leads outside the plan's folder: sources must be inside it")
    if not resolved.exists():
        raise refuse(f"source not found: {relative}")
    return resolved


def parameter_values(
    value: Any, entry: SourceEntry, *, option: str = "parameters"
) -> dict[str, str]:
    """Parameters given as an object, a ``Key=Value`` list, or (a string) a file holding a
    CloudFormation parameter list ``[{"ParameterKey": …, "ParameterValue": …}]``, an object,
    or ``Key=Value`` lines."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(key): _text(item, entry, (option, key)) for key, item in value.items()}
    if isinstance(value, list):
        return _key_values(value, entry.plan_source, (*entry.field, option))
    from checker.plan.documents import parse_text, read_text

    path = inside_folder(value, entry.folder, entry.plan_source, (*entry.field, option))
    text = read_text(path, source=value)
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        data, _ = parse_text(text, source=value, format="json")
    else:
        data = [line.strip() for line in text.splitlines() if line.strip()]
        return _key_values(data, value, ())
    if isinstance(data, dict):
        return {str(key): _plain(item, value, (str(key),)) for key, item in data.items()}
    if not isinstance(data, list):
        raise InputError(value, "$", "expected a list of parameters or an object of values")
    values: dict[str, str] = {}
    for index, item in enumerate(data):
        if isinstance(item, str):
            values.update(_key_values([item], value, (index,)))
            continue
        if not isinstance(item, dict) or "ParameterKey" not in item:
            raise InputError(
                value,
                field_path((index,)),
                'expected {"ParameterKey": …, "ParameterValue": …} or "Key=Value"',
            )
        if item.get("UsePreviousValue") and "ParameterValue" not in item:
            continue  # the deployed value: not known offline
        if "ParameterValue" not in item:
            raise InputError(value, field_path((index,)), "missing ParameterValue")
        values[str(item["ParameterKey"])] = _plain(
            item["ParameterValue"], value, (index, "ParameterValue")
        )
    return values


def _key_values(items: list[Any], source: str, field: FieldPath) -> dict[str, str]:
    values: dict[str, str] = {}
    for index, item in enumerate(items):
        if not isinstance(item, str) or "=" not in item:
            raise InputError(source, field_path((*field, index)), "expected Key=Value")
        key, _, text = item.partition("=")
        if not key.strip():
            raise InputError(source, field_path((*field, index)), "empty parameter name")
        values[key.strip()] = text
    return values


def _text(value: Any, entry: SourceEntry, field: FieldPath) -> str:
    return _plain(value, entry.plan_source, (*entry.field, *field))


def _plain(value: Any, source: str, field: FieldPath) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ",".join(value)  # a CommaDelimitedList
    raise InputError(source, field_path(field), "a parameter value must be a string or number")
