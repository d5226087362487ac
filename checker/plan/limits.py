"""Limits on what xreg reads: a plan or policy past them is refused, never half-read."""

from __future__ import annotations

# IAM policies are at most a few tens of KB; a plan with its inline documents stays far below.
MAX_FILE_BYTES = 1024 * 1024
# The deepest real document (plan → inline policy → condition values) is about ten levels.
MAX_DEPTH = 32
# Nodes YAML aliases may add in total: legitimate reuse is small, an alias bomb is not.
MAX_ALIAS_NODES = 10_000
# Digits of a number: Python's own limit on converting integer text (sys.int_info), which the
# JSON reader meets first; the YAML reader refuses at the same length.
MAX_NUMBER_DIGITS = 4300
