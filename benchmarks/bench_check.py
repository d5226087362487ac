"""Benchmark of the offline check.

Measures, on this machine:
- whole-process wall time of ``xreg check`` on the bundled AWS example and on a generated
  15-container pipeline plan (median of N runs, console output to /dev/null), and of the
  example printed to a terminal (a pseudo-terminal: coloured through rich);
- evaluator throughput: ``decide_access`` decisions per second on the example's questions;
- that neither boto3, moto nor jsonschema is imported on the check path, nor rich when output
  is piped (``tests/test_check_imports.py`` keeps the whole set of modules).

The runs of the different commands are interleaved, so that a busy spell of a shared machine
slows them all alike rather than one of them.

Run: ``.venv/bin/python benchmarks/bench_check.py [--runs 9]``. Targets (2-core machine):
≤ 0.15 s for the example, ≤ 0.25 s for 15 containers, ≥ 30,000 decisions/s.
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# _common first: it puts the repository root on sys.path, for tests.*
from _common import ROOT, time_processes, xreg_command

from tests.plans import FIXTURES, pipeline_plan

EXAMPLE = FIXTURES / "aws-doc-sample" / "plan.yaml"


def evaluator_throughput(seconds: float = 2.0) -> tuple[float, int]:
    from checker.engine.decide import CheckOptions, decide_requirements
    from checker.plan.loader import load_plan
    from checker.policy import decide_access

    plan = load_plan(FIXTURES / "aws-doc-sample-fixed" / "plan.yaml")
    _, decided, _ = decide_requirements(plan, CheckOptions())  # (index, rows, references)
    questions = [item.question for item in decided]
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for question in questions:
            decide_access(question)
        count += len(questions)
    return count / (time.perf_counter() - start), len(questions)


def heavy_imports() -> list[str]:
    """Which of boto3, botocore, moto, rich and jsonschema a piped ``xreg check`` imports (none
    should)."""
    code = (
        "import sys\n"
        "from checker.cli import main\n"
        f"main(['check', {str(EXAMPLE)!r}])\n"
        "heavy = ('boto3', 'botocore', 'moto', 'rich', 'jsonschema')\n"
        "print('imported:' + ','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "imported:?"
    return [name for name in last.removeprefix("imported:").split(",") if name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    # An installed wheel is byte-compiled by pip; a checkout run with PYTHONDONTWRITEBYTECODE
    # is not, and would measure the compiler instead of xreg.
    compileall.compile_dir(str(ROOT / "checker"), quiet=1)
    command = xreg_command()
    with tempfile.TemporaryDirectory() as tmp:
        big_plan = pipeline_plan(Path(tmp) / "plan15")
        times = time_processes(
            {
                "python startup floor": ([sys.executable, "-c", "pass"], False),
                "xreg check (AWS example)": ([*command, "check", str(EXAMPLE)], False),
                "  same, to a terminal": ([*command, "check", str(EXAMPLE)], True),
                "xreg check (15 containers)": ([*command, "check", str(big_plan)], False),
            },
            args.runs,
        )
    rate, questions = evaluator_throughput()
    imported = heavy_imports()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print("                             median     best      cpu")
    targets = {"xreg check (AWS example)": 150, "xreg check (15 containers)": 250}
    for name, (median, best, cpu) in times.items():
        target = f"   target <= {targets[name]} ms" if name in targets else ""
        print(
            f"{name:<28}{median * 1000:7.1f} ms {best * 1000:6.1f} ms {cpu * 1000:6.1f} ms{target}"
        )
    print(
        f"evaluator throughput        {rate:9,.0f} decisions/s over {questions} questions"
        "   target >= 30,000"
    )
    print(f"heavy modules on piped check  {', '.join(imported) or 'none'}")


if __name__ == "__main__":
    main()
