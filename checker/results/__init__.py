"""The project's shared vocabulary of results, below the engine, lint, fix and matrix:
findings, requirement rows, fixes and the report (``model``), what each row means for a gate
(``outcome``, ``gate``), and the help a report carries for its rules (``rule_help``).
Renderers in ``checker.report`` are functions of these records."""
