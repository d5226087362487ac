"""Regenerate ``checker/data/create_model_package.json`` from the installed botocore.

``xreg check`` validates the ``registration`` against botocore's own sagemaker service model, but
importing botocore and loading that model costs hundreds of milliseconds. This script keeps just
the CreateModelPackage input shape tree (types, required members, lengths, enums, patterns),
without documentation, so the offline path reads a small JSON file instead.
``tests/lint/test_request_model.py`` regenerates it and compares, so it cannot drift.

Usage::

    python scripts/build_request_model.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

OPERATION = "CreateModelPackage"
OUTPUT = Path(__file__).resolve().parent.parent / "checker" / "data" / "create_model_package.json"
# Shape metadata that validation uses; everything else (documentation, flags) is left out.
KEPT_METADATA = ("min", "max", "pattern", "enum")


def shape_entry(shape: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": shape.type_name}
    for key in KEPT_METADATA:
        if key in shape.metadata:
            entry[key] = shape.metadata[key]
    if shape.type_name == "structure":
        entry["members"] = {name: member.name for name, member in shape.members.items()}
        required = list(shape.metadata.get("required", ()))
        if required:
            entry["required"] = required
    elif shape.type_name == "list":
        entry["member"] = shape.member.name
    elif shape.type_name == "map":
        entry["key"] = shape.key.name
        entry["value"] = shape.value.name
    return entry


def build_shapes(operation: str = OPERATION) -> dict[str, Any]:
    """The input shape tree of ``operation`` from botocore's sagemaker model."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sagemaker")
    root = model.operation_model(operation).input_shape
    shapes: dict[str, Any] = {}
    pending = [root]
    while pending:
        shape = pending.pop()
        if shape.name in shapes:
            continue
        shapes[shape.name] = shape_entry(shape)
        if shape.type_name == "structure":
            pending.extend(shape.members.values())
        elif shape.type_name == "list":
            pending.append(shape.member)
        elif shape.type_name == "map":
            pending.extend((shape.key, shape.value))
    return {"operation": operation, "input": root.name, "shapes": dict(sorted(shapes.items()))}


def build() -> dict[str, Any]:
    import botocore

    return {"botocore_version": botocore.__version__, **build_shapes()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    data = build()
    args.output.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(data['shapes'])} shapes from botocore {data['botocore_version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
