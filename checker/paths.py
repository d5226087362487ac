"""Where xreg's data lives, in a checkout (editable install) and in an installed wheel."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def rules_dir() -> Path:
    """The ``rules/`` folder: top level in a checkout, ``checker/_rules`` in a wheel."""
    bundled = PACKAGE_DIR / "_rules"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parent / "rules"


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, else as it is."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return str(path) if relative.startswith("..") else relative
