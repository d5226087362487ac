"""The severities a run can be told to fail on (``--fail-on`` and the config's ``fail-on``).

Kept apart from ``outcome`` because the command-line parser needs only these names, not the
policy model that the verdict rules import."""

FAIL_ON_VALUES = ("error", "warning", "never")
