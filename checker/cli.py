"""The ``xreg`` command: parses arguments and hands over to one command module.

Each command lives in ``checker/commands/<name>.py`` with ``register(subparsers)``; heavy
imports (boto3, moto) happen inside the command's run function, never here, so that the
offline ``check`` path stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from checker import __version__
from checker.errors import InputError, cut_long_words

# Order is the order of ``xreg --help``.
COMMAND_MODULES: tuple[str, ...] = (
    "checker.commands.check",
    "checker.commands.plan",
    "checker.commands.fix",
    "checker.commands.init",
    "checker.commands.snapshot",
    "checker.commands.audit",
    "checker.commands.merge",
    "checker.commands.dryrun",
    "checker.commands.rules",
    "checker.commands.baseline",
)

EXIT_FAIL = 1
EXIT_BAD_INPUT = 2


def version_text() -> str:
    try:
        from checker.catalog import data_version
    except ImportError:
        return f"xreg {__version__}"
    return f"xreg {__version__} (IAM catalog {data_version()})"


class _VersionAction(argparse.Action):
    """Prints the version only when asked: reading the catalog's data date has a cost that
    every other command should not pay."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(version_text())
        parser.exit()


def _terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` finds it (COLUMNS, then the
    terminal, then 80), without importing shutil and the compression modules it brings."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help formatter is given the terminal's width.

    argparse builds a formatter for every argument it adds, and without a width the formatter
    imports shutil to measure the terminal: a cost every ``xreg check`` would pay.
    """

    def error(self, message: str) -> NoReturn:
        """One line, as every other bad input gets, instead of argparse's usage block."""
        text = cut_long_words(" ".join(message.split()))
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {text} (see {self.prog} --help)\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter: argparse.HelpFormatter = self.formatter_class(
            prog=self.prog,
            width=_terminal_columns() - 2,  # type: ignore[call-arg]
        )
        return formatter


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="xreg",
        description="Check a cross-account Amazon SageMaker model registration before it fails.",
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show the version")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except InputError as error:
        print(f"xreg: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("xreg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_FAIL
    return code


if __name__ == "__main__":
    sys.exit(main())
