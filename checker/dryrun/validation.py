"""Validate the ``create_model_package`` request before it is sent, as SageMaker would.

botocore's client checks types, required and unknown members and minima before sending;
SageMaker also enforces maxima, enums and patterns and answers ``ValidationException``.
The checks are the lint rules' own (``checker.plan.request_model``, botocore's model kept as
data); this module only words the result the way the service does.
"""

from __future__ import annotations

from checker.errors import field_path
from checker.plan.request_model import RequestProblem


def validation_message(problems: list[RequestProblem]) -> str:
    """``N validation error(s) detected: Value at 'Field' failed to satisfy constraint: …``."""
    count = len(problems)
    details = "; ".join(
        f"Value at '{field_path(problem.path)}' failed to satisfy constraint: "
        f"Member {problem.message}"
        for problem in problems
    )
    return f"{count} validation error{'s' if count != 1 else ''} detected: {details}"
