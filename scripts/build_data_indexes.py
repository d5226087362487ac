"""Regenerate ``checker/data/lint_rules.json`` from ``rules/lint/*.yaml``.

The index is the rule files, validated against ``checker/schemas/lint-rule.schema.json``, as
JSON with the digest of each file: ``xreg check`` reads it instead of parsing and validating
the YAML on every run, as long as the digests match. Run this after editing a rule file;
``tests/lint/test_rule_index.py`` fails while the index is stale.

Usage::

    python scripts/build_lint_rule_index.py
"""

from __future__ import annotations

import json
import sys

from checker.lint.spec import INDEX, build_index


def main() -> int:
    index = build_index()
    INDEX.write_text(json.dumps(index, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    rules = sum(len(entry["data"]["rules"]) for entry in index["files"])
    print(f"{INDEX}: {rules} rules from {len(index['files'])} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
