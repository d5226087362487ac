"""SageMaker Pipelines definitions (``pipeline.definition()``): the RegisterModel step as the
registration request.

Resolved: ``{"Get": "Parameters.X"}`` (the plan's or the command line's value, else the
parameter's ``DefaultValue``), ``{"Std:Join": …}``, and ``{"Get": "Steps.S.ModelArtifacts.
S3ModelArtifacts"}``: the training step's ``OutputDataConfig.S3OutputPath``, where SageMaker
writes ``<job name>/output/model.tar.gz`` (the job name is chosen at run time, so it is a
wildcard), encrypted with the step's ``KmsKeyId`` (absent: the AWS managed aws/s3 key).
Anything else (``Std:JsonGet``, execution variables, other step properties) is symbolic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from checker.errors import InputError, field_path
from checker.plan.documents import read_text
from checker.plan.json_document import parse_json
from checker.plan.model import FieldPath, Positions, nearest_position
from checker.plan.source_facts import SourceNote
from checker.sources.entries import SourceEntry, parameter_values
from checker.sources.model import Located, SourceData
from checker.sources.symbolic import Symbolic, first_symbolic

_ARTIFACTS = "ModelArtifacts.S3ModelArtifacts"


def read_pipeline(entry: SourceEntry) -> SourceData:
    text = read_text(entry.path, source=entry.label)
    document, positions = parse_json(text, source=entry.label)
    return _PipelineReader(entry, document, positions).read()


class _PipelineReader:
    def __init__(self, entry: SourceEntry, document: Any, positions: Positions) -> None:
        self.entry = entry
        self.label = entry.label
        self.positions = positions
        if not isinstance(document, dict) or not isinstance(document.get("Steps"), list):
            raise InputError(
                self.label, "$", "not a pipeline definition: expected an object with Steps"
            )
        self.document = document
        self.steps: dict[str, tuple[int, dict[str, Any]]] = {}
        for index, step in enumerate(document["Steps"]):
            at: FieldPath = ("Steps", index)
            if not isinstance(step, dict):
                raise self.refuse(at, "a step must be an object")
            for key in ("Name", "Type"):
                if not isinstance(step.get(key), str):
                    raise self.refuse((*at, key), f"a step needs a {key} (a string)")
            self.steps[step["Name"]] = (index, step)
        self.parameters = self._parameters()

    def refuse(self, path: FieldPath, reason: str) -> InputError:
        position = nearest_position(path, self.positions)
        where = f" (line {position[0]})" if position else ""
        return InputError(self.label, field_path(path), reason + where)

    def where(self, path: FieldPath) -> str:
        position = nearest_position(path, self.positions)
        return f"{self.label}:{position[0]}:{position[1]}" if position else self.label

    def _parameters(self) -> dict[str, Any]:
        declared = self.document.get("Parameters") or []
        if not isinstance(declared, list):
            raise self.refuse(("Parameters",), "must be a list of parameters")
        given = {
            **parameter_values(self.entry.options.get("parameters"), self.entry),
            **self.entry.extra_parameters,
        }
        values: dict[str, Any] = {}
        for index, parameter in enumerate(declared):
            at: FieldPath = ("Parameters", index)
            if not isinstance(parameter, dict) or not isinstance(parameter.get("Name"), str):
                raise self.refuse(at, "a parameter needs a Name (a string)")
            name = parameter["Name"]
            if name in given:
                values[name] = given[name]
            elif "DefaultValue" in parameter:
                values[name] = parameter["DefaultValue"]
            else:
                values[name] = Symbolic(
                    f"pipeline parameter {name} (no value given)", self.where(at)
                )
        for name in given:
            if name not in values:
                raise InputError(
                    self.entry.plan_source,
                    field_path((*self.entry.field, "parameters")),
                    f"the pipeline {self.label} has no parameter {name!r}",
                )
        return values

    # --- values -----------------------------------------------------------------------------

    def resolve(self, value: Any, path: FieldPath) -> Any:
        if isinstance(value, list):
            return [self.resolve(item, (*path, index)) for index, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Get" and isinstance(argument, str):
                return self.get(argument, path)
            if key == "Std:Join":
                return self.join(argument, path)
            if key.startswith("Std:"):
                return Symbolic(f"{key} {json.dumps(argument)[:80]}", self.where(path))
        return {key: self.resolve(item, (*path, key)) for key, item in value.items()}

    def get(self, reference: str, path: FieldPath) -> Any:
        if reference.startswith("Parameters."):
            name = reference.removeprefix("Parameters.")
            if name not in self.parameters:
                raise self.refuse(path, f"Get {reference}: the pipeline has no such parameter")
            return self.parameters[name]
        if reference.startswith("Steps.") and reference.endswith("." + _ARTIFACTS):
            step = reference.removeprefix("Steps.").removesuffix("." + _ARTIFACTS)
            output = self.training_output(step, path)
            if isinstance(output, Symbolic):
                return output
            return f"{output.rstrip('/')}/*/output/model.tar.gz"
        return Symbolic(f"Get {reference}", self.where(path))

    def training_output(self, name: str, path: FieldPath) -> Any:
        if name not in self.steps:
            raise self.refuse(path, f"no step {name!r} in the pipeline")
        index, step = self.steps[name]
        if step["Type"] != "Training":
            return Symbolic(
                f"the model artifacts of the {step['Type']} step {name}", self.where(path)
            )
        at: FieldPath = ("Steps", index, "Arguments", "OutputDataConfig", "S3OutputPath")
        config = (step.get("Arguments") or {}).get("OutputDataConfig") or {}
        output = self.resolve(config.get("S3OutputPath"), at)
        if output is None:
            raise self.refuse(at, "the training step has no OutputDataConfig.S3OutputPath")
        return output

    def join(self, argument: Any, path: FieldPath) -> Any:
        if not isinstance(argument, dict) or not isinstance(argument.get("Values"), list):
            raise self.refuse(path, 'Std:Join takes {"On": separator, "Values": [...]}')
        values = self.resolve(argument["Values"], (*path, "Std:Join", "Values"))
        found = first_symbolic(values)
        if found is not None:
            return found
        return str(argument.get("On", "")).join(_text(item) for item in values)

    # --- the registration -------------------------------------------------------------------

    def register_step(self) -> tuple[int, dict[str, Any]]:
        registering = [item for item in self.steps.values() if item[1]["Type"] == "RegisterModel"]
        wanted = self.entry.options.get("step")
        if wanted is not None:
            if wanted not in self.steps or self.steps[wanted][1]["Type"] != "RegisterModel":
                names = ", ".join(step["Name"] for _, step in registering) or "none"
                raise self.entry.refuse(
                    "step", f"{self.label} has no RegisterModel step {wanted!r} (it has: {names})"
                )
            return self.steps[wanted]
        if len(registering) != 1:
            names = ", ".join(step["Name"] for _, step in registering)
            raise self.entry.refuse(
                None,
                f"{self.label} has {len(registering)} RegisterModel steps"
                + (f" ({names}): name one with step:" if registering else ""),
            )
        return registering[0]

    def read(self) -> SourceData:
        data = SourceData(label=self.label)
        index, step = self.register_step()
        at: FieldPath = ("Steps", index, "Arguments")
        arguments = step.get("Arguments")
        if not isinstance(arguments, dict):
            raise self.refuse(at, "a RegisterModel step needs its Arguments (an object)")
        request = self.resolve(arguments, at)
        data.registration = request
        position = nearest_position(("Steps", index), self.positions)
        depth = len(at)
        data.located["registration"] = Located(
            self.label,
            self.entry.path,
            position[0] if position else None,
            position[1] if position else None,
            f"step {step['Name']}",
            {path[depth:]: place for path, place in self.positions.items() if path[:depth] == at},
        )
        data.training_job = self.training_job(arguments, at, data)
        return data

    def training_job(
        self, arguments: Mapping[str, Any], at: FieldPath, data: SourceData
    ) -> dict[str, Any] | None:
        """The training step that made the model: its output key (``{}``: none set)."""
        trainer = _artifact_step(arguments)
        if trainer is None or trainer not in self.steps:
            return None
        index, step = self.steps[trainer]
        if step["Type"] != "Training":
            return None
        key_at: FieldPath = ("Steps", index, "Arguments", "OutputDataConfig", "KmsKeyId")
        config = (step.get("Arguments") or {}).get("OutputDataConfig") or {}
        if "KmsKeyId" not in config:
            data.notes.append(
                SourceNote(
                    rule="SOURCE-UNRESOLVED",
                    severity="info",
                    message=(
                        f"the training step {trainer} sets no OutputDataConfig.KmsKeyId: its "
                        "artifacts are encrypted with the AWS managed key aws/s3, which no "
                        "other account can use"
                    ),
                    source=self.label,
                    file=self.entry.path,
                    line=_line(self.positions, ("Steps", index)),
                    field=f"step {trainer}",
                )
            )
            return {}
        key = self.resolve(config["KmsKeyId"], key_at)
        if isinstance(key, Symbolic):
            return {"output_kms_key": key}
        text = str(key)
        if not text.startswith("arn:"):
            account = self.entry.training_account
            prefix = f"arn:{self.entry.partition}:kms:{self.entry.region}:{account}:"
            text = prefix + (text if text.startswith("alias/") else f"key/{text}")
        return {"output_kms_key": text}


def _artifact_step(arguments: Any) -> str | None:
    """The step whose model artifacts the request registers."""
    stack = [arguments]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            reference = item.get("Get")
            if isinstance(reference, str) and reference.endswith("." + _ARTIFACTS):
                return reference.removeprefix("Steps.").removesuffix("." + _ARTIFACTS)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _line(positions: Positions, path: FieldPath) -> int | None:
    position = nearest_position(path, positions)
    return position[0] if position else None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
