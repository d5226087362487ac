"""The error of a condition value that does not parse for its operator.

Its own module, below both the operators (``conditions``) that catch it and the parsers of
typed values (``typed_values``) that raise it, so neither imports the other to share it.
"""

from __future__ import annotations


class UnparseableValue(Exception):
    """A value that does not parse for its operator: the comparison is false."""
