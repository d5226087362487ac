"""The engine: every requirement of a loaded plan, decided.

``decide`` turns each requirement of the permission matrix into a question for the evaluator
and answers it, with ``questions``, ``policies``, ``objects``, ``organization``,
``missing_facts`` and ``source_effects`` supplying the facts; ``results``, ``locate`` and
``verdict`` make the report's rows. ``checker.check`` puts it together with the fix planner,
which works on the engine's decisions and so sits between the two. Import from the module
that defines a name: this face imports nothing.
"""
