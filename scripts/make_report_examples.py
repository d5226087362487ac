"""Regenerate ``reports/examples/``: the AWS-documentation example's report in every format.

    python scripts/make_report_examples.py            # rewrite reports/examples/
    python scripts/make_report_examples.py --out DIR  # write them somewhere else

Runs the real ``xreg check`` on ``fixtures/aws-doc-sample/plan.yaml`` from the repository
root, so the paths inside the reports are the same wherever it is run. A test regenerates
them into a temporary folder and fails when the committed copies differ.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLAN = "fixtures/aws-doc-sample/plan.yaml"
DEFAULT_OUT = REPO / "reports" / "examples"
# (format, file name) in the order `--format` names them; console output is captured.
FILES = (
    ("json", "xreg-report.json"),
    ("sarif", "xreg-report.sarif"),
    ("junit", "xreg-junit.xml"),
    ("markdown", "xreg-report.md"),
    ("html", "xreg-report.html"),
)
CONSOLE_FILE = "xreg-report.txt"
AFTER_FIXES_FILE = "xreg-report-after-fixes.txt"
README = """\
# Example reports

What `xreg check` reports for the cross-account example of the AWS documentation page
"Register a Model Version" ([`{plan}`](../../{plan})), in every output format:

| format | file | for |
|---|---|---|
| console | [`{console}`]({console}) | a terminal |
| json | [`xreg-report.json`](xreg-report.json) | scripts; the contract of every other format |
| sarif | [`xreg-report.sarif`](xreg-report.sarif) | code scanning (GitHub, GitLab, IDEs) |
| junit | [`xreg-junit.xml`](xreg-junit.xml) | CI test dashboards |
| markdown | [`xreg-report.md`](xreg-report.md) | a pull-request comment |
| html | [`xreg-report.html`](xreg-report.html) | one self-contained page to open or attach |

`xreg fix {plan} -o DIR` writes the corrected documents (`fixed-*.json`) and
[`apply-fixes.sh`](apply-fixes.sh), the commands that apply them;
[`{after}`]({after}) is the check of the plan once they are applied.

Regenerate them with `python scripts/make_report_examples.py`; a test fails when they are out
of date. Generated files: do not edit.
"""


@contextlib.contextmanager
def _plain_environment() -> Iterator[None]:
    """The repository root as working directory, and no terminal settings that would put
    colour codes or another width into the console example."""
    saved_environment = dict(os.environ)
    previous = Path.cwd()
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES"):
        os.environ.pop(name, None)
    os.environ["NO_COLOR"] = "1"
    os.chdir(REPO)
    try:
        yield
    finally:
        os.chdir(previous)
        os.environ.clear()
        os.environ.update(saved_environment)


def make_examples(out: Path) -> int:
    """Writes every example into ``out``; returns the exit status of ``xreg check``."""
    from checker.cli import EXIT_BAD_INPUT, main

    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    formats = ",".join(["console", *(name for name, _ in FILES)])
    argv = ["check", PLAN, "--format", formats]
    for _, file_name in FILES:
        argv += ["-o", str(out / file_name)]
    console = io.StringIO()
    with _plain_environment(), contextlib.redirect_stdout(console):
        status = main(argv)
    if status == EXIT_BAD_INPUT:
        raise SystemExit(f"xreg check {PLAN} could not read the example plan")
    (out / CONSOLE_FILE).write_text(console.getvalue(), encoding="utf-8")
    with _plain_environment(), contextlib.redirect_stderr(io.StringIO()):
        if main(["fix", PLAN, "-o", str(out)]) != 0:
            raise SystemExit(f"xreg fix {PLAN} failed")
        (out / AFTER_FIXES_FILE).write_text(_after_fixes(), encoding="utf-8")
    readme = README.format(plan=PLAN, console=CONSOLE_FILE, after=AFTER_FIXES_FILE)
    (out / "README.md").write_text(readme, "utf-8")
    return status


def _after_fixes() -> str:
    """The console view of the plan as it is once every fix of the report is applied."""
    from checker.check import check_plan
    from checker.fix.apply import apply_fixes
    from checker.fix.write import report_fixes
    from checker.lint.config import load_config
    from checker.lint.hooks import check_options
    from checker.plan.loader import load_plan
    from checker.records import replace
    from checker.report.console import print_console

    plan = load_plan(Path(PLAN))
    options = check_options(load_config(Path(PLAN)))
    fixed = apply_fixes(plan, report_fixes(check_plan(plan, options)))
    fixed = replace(fixed, source=f"{PLAN} (with apply-fixes.sh run)")
    text = io.StringIO()
    print_console(check_plan(fixed, options), text)
    return text.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the folder to write")
    args = parser.parse_args(argv)
    status = make_examples(args.out)
    print(f"wrote {args.out} (xreg check exit status {status})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
