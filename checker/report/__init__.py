"""The report's renderers: console, JSON, SARIF, JUnit, Markdown and HTML, each a function
of a ``checker.results.model.Report``."""
