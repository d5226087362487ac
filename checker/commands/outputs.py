"""The output options every reporting command shares: ``--format``, ``-o``, ``--fail-on``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from checker.errors import InputError
from checker.records import replace
from checker.results.gate import FAIL_ON_VALUES

if TYPE_CHECKING:
    # For the hints only: the report model loads the policy model, which building the
    # parser (--help, --version, merge) has no use for.
    from checker.results.model import Report

CONSOLE = "console"
ConsolePrinter = Callable[["Report", IO[str]], None]


def add_output_arguments(
    parser: argparse.ArgumentParser, *, fail_on: bool = True, detail: bool = True
) -> None:
    parser.add_argument(
        "--format",
        "-f",
        action="append",
        default=None,
        metavar="FORMAT",
        help="console, json, sarif, junit, markdown, html; repeat or comma-separate for several",
    )
    parser.add_argument(
        "-o",
        "--output",
        action="append",
        default=None,
        metavar="FILE",
        help="where the Nth non-console format goes (- for standard output); default: "
        "standard output when one format is asked and it is not a terminal, else "
        "reports/xreg-report.<ext>",
    )
    parser.add_argument(
        "--color",
        "--colour",
        dest="color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the console view: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces "
        "it), always or never",
    )
    if detail:
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "-q", "--quiet", action="store_true", help="console: the verdict and the gaps only"
        )
        group.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            help="console: also why each access is decided as it is",
        )
    if fail_on:
        parser.add_argument(
            "--fail-on",
            choices=FAIL_ON_VALUES,
            default=None,
            help="the finding severity that fails the run (default error; never: exit 0 unless "
            "SageMaker would refuse the request itself)",
        )


def requested_formats(args: argparse.Namespace) -> list[str]:
    """The formats asked for; an unknown one is refused before any work is done."""
    from checker.report.formats import FORMATS

    names: list[str] = []
    for item in args.format or [CONSOLE]:
        names.extend(part.strip() for part in item.split(",") if part.strip())
    for name in names:
        if name != CONSOLE and name not in FORMATS:
            known = ", ".join([CONSOLE, *FORMATS])
            raise InputError("--format", "$", f"unknown format {name!r} (known: {known})")
    return names


def write_outputs(report: Report, args: argparse.Namespace, print_console: ConsolePrinter) -> None:
    """Each file format to its ``-o`` (in order) or ``reports/``, then the console view."""
    from checker.report.formats import FORMATS
    from checker.report.terminal import set_colour_mode

    set_colour_mode(getattr(args, "color", "auto"))
    formats = requested_formats(args)
    outputs = list(args.output or [])
    file_formats = [name for name in formats if name != CONSOLE]
    single = not outputs and formats == file_formats and len(file_formats) == 1
    if single and not sys.stdout.isatty():
        outputs = ["-"]  # one format asked for and the output piped: it is the output
    if len(outputs) > len(file_formats):
        count = len(file_formats)
        raise InputError(
            "-o", "$", f"{len(outputs)} outputs for {count} file format{'s' if count != 1 else ''}"
        )
    if "sarif" in file_formats and not report.rule_help:
        from checker.lint.rule_catalogue import rule_catalogue

        report = replace(report, rule_help=rule_catalogue())
    for position, name in enumerate(file_formats):
        text = FORMATS[name].renderer()(report)
        target = outputs[position] if position < len(outputs) else None
        destination = (
            "-"
            if target == "-"
            else str(Path(target) if target else Path("reports") / FORMATS[name].default_file)
        )
        wrote = write_text_output(text, destination, cannot="cannot write the report")
        if wrote and CONSOLE not in formats and target is None:
            print(f"xreg: wrote {destination}", file=sys.stderr)
    if CONSOLE in formats:
        print_console(report, sys.stdout)


def write_text_output(
    text: str, target: str, *, make_parents: bool = True, cannot: str = "cannot write"
) -> bool:
    """``text`` to standard output when ``target`` is ``-``, else to the file ``target`` (its
    folder made first unless ``make_parents`` is false); whether a file was written. A file
    that cannot be written is the user's input error, ``cannot`` saying what failed."""
    if target == "-":
        sys.stdout.write(text)
        return False
    path = Path(target)
    try:
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(target, "$", f"{cannot}: {error.strerror}") from None
    return True


def exit_status(report: Report, fail_on: str) -> int:
    """0 pass, 1 fail; ``never`` reports without failing the run, unless SageMaker would
    refuse the request itself."""
    if fail_on == "never" and not _request_refused(report):
        return 0
    return 0 if report.verdict == "pass" else 1


def _request_refused(report: Report) -> bool:
    from checker.matrix.validity import REQUEST_RULES

    return any(f.rule in REQUEST_RULES and not f.suppressed for f in report.findings)
