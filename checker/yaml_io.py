"""YAML reading for xreg's own data files (rules, config) and for plans: libyaml when present."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def safe_loader() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    """libyaml's safe loader when PyYAML was built with it (several times faster on the rule
    files), else the pure Python one. Picked on each call, so a test can take libyaml away."""
    loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
        yaml, "CSafeLoader", yaml.SafeLoader
    )
    return loader


def read_yaml(path: Path) -> Any:
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=safe_loader())
