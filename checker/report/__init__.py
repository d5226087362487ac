"""The report and its formats.

``FAIL_ON_VALUES`` lives here rather than in ``checker.report.outcome`` so that building the
command-line parser (``--fail-on``'s choices) does not load the policy model.
"""

FAIL_ON_VALUES = ("error", "warning", "never")
