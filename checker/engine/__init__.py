"""The engine: from a loaded plan to its report.

``check.check_plan`` is the offline check (decide, fix, report); ``decide`` turns each
requirement of the permission matrix into a question for the evaluator and answers it, with
``questions``, ``policies``, ``objects``, ``organization`` and ``missing_facts`` supplying the
facts; ``results``, ``locate`` and ``verdict`` make the report's rows. Import from the module
that defines a name: this face imports nothing, so that the fix planner, which works on the
engine's decisions, can sit between ``decide`` and ``check``.
"""
