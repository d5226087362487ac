"""YAML reading for xreg's own data files (rules, config): libyaml when present."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml when PyYAML was built with it: several times faster on the rule files.
_SafeLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)


def read_yaml(path: Path) -> Any:
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=_SafeLoader)
