"""YAML reading for xreg's own data files (rules, config): libyaml when present."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

try:
    _SafeLoader: type[yaml.SafeLoader] = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _SafeLoader = yaml.SafeLoader


def read_yaml(path: Path) -> Any:
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=_SafeLoader)  # noqa: S506 - a safe loader
