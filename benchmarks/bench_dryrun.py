"""Benchmark of ``xreg dry-run``: whole-process time, moto's import included.

Measures, on this machine, for each case: the median and best wall time of N runs and the
median CPU time (user + system) of the process, console output to /dev/null:
- the AWS documentation's example (``fixtures/aws-doc-sample``), which fails at step 4;
- its fixed version, which replays every step;
- a generated 15-container pipeline;
and two floors: Python's startup, and importing boto3 and moto (which every dry-run pays).
CPU time is reported because the machine is shared: wall time also counts waiting for a core;
the runs of the different cases are interleaved for the same reason.

Run: ``.venv/bin/python benchmarks/bench_dryrun.py [--runs 7]``. Target (2-core machine):
≤ 1.5 s for the example, moto's import included.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

# _common first: it puts the repository root on sys.path, for tests.*
from _common import time_processes, xreg_command

from tests.plans import FIXTURES, pipeline_plan

EXAMPLE = FIXTURES / "aws-doc-sample" / "plan.yaml"
FIXED = FIXTURES / "aws-doc-sample-fixed" / "plan.yaml"
TARGET_SECONDS = 1.5


def report(label: str, numbers: tuple[float, float, float], target: str = "") -> None:
    median, best, cpu = numbers
    print(f"{label:<32} median {median:6.2f} s   best {best:6.2f} s   cpu {cpu:6.2f} s   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    command = xreg_command()
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load average {load:.2f} at start")
    with tempfile.TemporaryDirectory() as folder:
        plan = pipeline_plan(Path(folder) / "plan15")
        times = time_processes(
            {
                "python startup": ([sys.executable, "-c", "pass"], False),
                "import boto3 + moto": ([sys.executable, "-c", "import boto3, moto"], False),
                "xreg dry-run (AWS example)": ([*command, "dry-run", str(EXAMPLE)], False),
                "xreg dry-run (fixed example)": ([*command, "dry-run", str(FIXED)], False),
                "xreg dry-run (15 containers)": ([*command, "dry-run", str(plan)], False),
            },
            args.runs,
            env={**os.environ, "NO_COLOR": "1"},
        )
    targets = {"xreg dry-run (AWS example)": f"target <= {TARGET_SECONDS} s"}
    for label, numbers in times.items():
        report(label, numbers, targets.get(label, ""))


if __name__ == "__main__":
    main()
