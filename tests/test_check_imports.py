"""What an offline check imports, kept as it is: ``xreg check`` of the bundled AWS example,
its output piped, loads exactly the modules listed in ``tests/piped_check_modules.txt``.

Neither boto3, botocore, moto, rich nor jsonschema is among them, and a new import on the
check's path (a module of xreg, a package, a part of the standard library) fails here until
the list is written again on purpose:

    .venv/bin/python -m tests.test_check_imports > tests/piped_check_modules.txt

xreg's modules are listed by their full names, packages and the standard library by their
top-level names. The standard library's internals differ between Python versions, so it is
compared exactly on the version the list was written with, and on any other only for modules
the list does not have.
"""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from importlib.metadata import packages_distributions

from tests.plans import FIXTURES, ROOT

LIST = ROOT / "tests" / "piped_check_modules.txt"
HEAVY = ("boto3", "botocore", "moto", "rich", "jsonschema")

# Imports the check's modules after the interpreter's start-up and writes their names to the
# file argv[2]; the report itself goes to stdout, a pipe.
_CHECK = """
import sys
started = set(sys.modules)
from checker.cli import main
code = main(["check", sys.argv[1]])
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("\\n".join(sorted(set(sys.modules) - started)))
sys.exit(code)
"""


@cache
def imported_by_a_piped_check() -> dict[str, list[str]]:
    """The modules a piped check imports, by section: xreg, packages, standard library."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        names_file = os.path.join(folder, "modules.txt")
        environment = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                _CHECK,
                str(FIXTURES / "aws-doc-sample" / "plan.yaml"),
                names_file,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=environment,
            cwd=folder,
            check=False,
        )
        assert done.returncode == 1, done.stderr  # the example has gaps: the check fails
        with open(names_file, encoding="utf-8") as written:
            names = written.read().split()
    distributions = packages_distributions()
    sections: dict[str, set[str]] = {"xreg": set(), "packages": set(), "stdlib": set()}
    for name in names:
        top = name.split(".")[0]
        if top == "checker":
            sections["xreg"].add(name)
        elif top.startswith("_"):
            continue  # private parts: their public module is listed
        elif top in sys.stdlib_module_names:
            sections["stdlib"].add(top)
        elif top in distributions:
            sections["packages"].add(top)
    return {section: sorted(found) for section, found in sections.items()}


def render(sections: dict[str, list[str]]) -> str:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    lines = [
        "# The modules `xreg check fixtures/aws-doc-sample/plan.yaml` imports, output piped.",
        "# Written by: python -m tests.test_check_imports > tests/piped_check_modules.txt",
        f"python {version}",
    ]
    for section, names in sections.items():
        lines.append(f"[{section}]")
        lines.extend(names)
    return "\n".join(lines) + "\n"


def listed() -> tuple[str, dict[str, list[str]]]:
    version = ""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in LIST.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("python "):
            version = line.removeprefix("python ")
        elif line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        else:
            current.append(line)
    return version, sections


def test_a_piped_check_imports_nothing_heavy() -> None:
    found = imported_by_a_piped_check()
    assert [name for name in HEAVY if name in found["packages"]] == []


def test_a_piped_check_imports_the_listed_xreg_modules_and_packages() -> None:
    found = imported_by_a_piped_check()
    _, expected = listed()
    assert found["xreg"] == expected["xreg"]
    assert found["packages"] == expected["packages"]


def test_a_piped_check_imports_the_listed_standard_library() -> None:
    found = imported_by_a_piped_check()
    version, expected = listed()
    if version == f"{sys.version_info.major}.{sys.version_info.minor}":
        assert found["stdlib"] == expected["stdlib"]
    else:
        assert sorted(set(found["stdlib"]) - set(expected["stdlib"])) == []


if __name__ == "__main__":
    sys.stdout.write(render(imported_by_a_piped_check()))
