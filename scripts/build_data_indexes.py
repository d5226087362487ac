"""Regenerate the JSON indexes of xreg's YAML data: ``checker/data/lint_rules.json`` (from
``rules/lint/*.yaml``) and ``checker/data/matrix.json`` (from ``rules/matrix.yaml``).

Each index is its files, validated against their schema, as JSON with the digest of each
file: ``xreg check`` reads it instead of parsing and validating the YAML on every run, as long
as the digests match. Run this after editing a rule file or the matrix;
``tests/test_data_index.py`` fails while an index is stale.

Usage::

    python scripts/build_data_indexes.py
"""

from __future__ import annotations

import json
import sys

from checker.data_index import build_index
from checker.lint.spec import RULE_FILES
from checker.matrix.spec import MATRIX_FILE


def main() -> int:
    for data_set in (RULE_FILES, MATRIX_FILE):
        index = build_index(data_set)
        text = json.dumps(index, indent=1, sort_keys=True) + "\n"
        data_set.index.write_text(text, encoding="utf-8")
        print(f"{data_set.index}: {len(index['files'])} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
