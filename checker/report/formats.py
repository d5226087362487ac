"""Output formats: name → (module, function, default file name).

Renderers are imported only when their format is asked for. Each is a function
``render(report: Report) -> str`` of the same report object.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from checker.records import record
from checker.results.model import Report


@record
class OutputFormat:
    name: str
    module: str
    function: str
    default_file: str

    def renderer(self) -> Callable[[Report], str]:
        render: Callable[[Report], str] = getattr(
            importlib.import_module(self.module), self.function
        )
        return render


FORMATS: dict[str, OutputFormat] = {
    spec.name: spec
    for spec in (
        OutputFormat("json", "checker.report.json_report", "render_json", "xreg-report.json"),
        OutputFormat("sarif", "checker.report.sarif", "render_sarif", "xreg-report.sarif"),
        OutputFormat("junit", "checker.report.junit", "render_junit", "xreg-junit.xml"),
        OutputFormat("markdown", "checker.report.markdown", "render_markdown", "xreg-report.md"),
        OutputFormat("html", "checker.report.html", "render_html", "xreg-report.html"),
    )
}
