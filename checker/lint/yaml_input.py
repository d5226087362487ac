"""Reading the YAML files a person gives lint (configuration, baseline, organization rules).

A file that cannot be read or is not YAML is the user's input error, said on one line and
naming the file; the caller words what an unreadable file means for it. PyYAML is imported
only when such a file is read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from checker.errors import InputError


def one_line(error: Exception) -> str:
    """An error's text with its line breaks and runs of blanks folded into single spaces."""
    return " ".join(str(error).split())


def read_yaml_input(
    path: Path, *, unreadable: Callable[[OSError], InputError], malformed_prefix: str = ""
) -> Any:
    """The document in ``path``; ``unreadable`` turns an ``OSError`` into the caller's
    ``InputError``, and a YAML syntax error is reported at ``path`` after ``malformed_prefix``."""
    import yaml

    from checker.yaml_io import read_yaml

    try:
        return read_yaml(path)
    except OSError as error:
        raise unreadable(error) from None
    except yaml.YAMLError as error:
        raise InputError(str(path), "$", f"{malformed_prefix}{one_line(error)}") from None
    except (ValueError, OverflowError) as error:
        # A value YAML cannot build: a timestamp such as 2024-13-45, an integer too long.
        raise InputError(str(path), "$", f"{malformed_prefix}{one_line(error)}") from None
