"""Benchmark of ``xreg dry-run``: whole-process time, moto's import included.

Measures, on this machine, for each case: the median and best wall time of N runs and the
median CPU time (user + system) of the process, console output to /dev/null:
- the AWS documentation's example (``fixtures/aws-doc-sample``), which fails at step 4;
- its fixed version, which replays every step;
- a generated 15-container pipeline;
and two floors: Python's startup, and importing boto3 and moto (which every dry-run pays).
CPU time is reported because the machine is shared: wall time also counts waiting for a core.

Run: ``.venv/bin/python benchmarks/bench_dryrun.py [--runs 7]``. Target (2-core machine):
≤ 1.5 s for the example, moto's import included.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "aws-doc-sample" / "plan.yaml"
FIXED = ROOT / "fixtures" / "aws-doc-sample-fixed" / "plan.yaml"
PIPELINE = ROOT / "fixtures" / "pipeline-three-containers"
TARGET_SECONDS = 1.5


def xreg_command() -> list[str]:
    script = Path(sys.executable).parent / "xreg"
    return [str(script)] if script.exists() else [sys.executable, "-m", "checker.cli"]


def time_process(args: list[str], runs: int) -> tuple[float, float, float]:
    """(median wall, best wall, median CPU) in seconds."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), min(walls), statistics.median(cpus)


def fifteen_container_plan(folder: Path) -> Path:
    shutil.copytree(PIPELINE, folder, dirs_exist_ok=True)
    path = folder / "plan.yaml"
    data = yaml.safe_load(path.read_text())
    data["registration"]["InferenceSpecification"]["Containers"] = [
        {
            "Image": "222222222222.dkr.ecr.us-east-2.amazonaws.com/"
            f"{'feature-pipeline' if index % 2 else 'churn-model'}:step-{index}",
            "ModelDataUrl": f"s3://churn-{'features' if index % 2 else 'models'}"
            f"/step-{index}/model.tar.gz",
        }
        for index in range(15)
    ]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


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
    report("python startup", time_process([sys.executable, "-c", "pass"], args.runs))
    report(
        "import boto3 + moto",
        time_process([sys.executable, "-c", "import boto3, moto"], args.runs),
    )
    report(
        "xreg dry-run (AWS example)",
        time_process([*command, "dry-run", str(EXAMPLE)], args.runs),
        f"target <= {TARGET_SECONDS} s",
    )
    report(
        "xreg dry-run (fixed example)", time_process([*command, "dry-run", str(FIXED)], args.runs)
    )
    with tempfile.TemporaryDirectory() as folder:
        plan = fifteen_container_plan(Path(folder) / "plan15")
        report(
            "xreg dry-run (15 containers)",
            time_process([*command, "dry-run", str(plan)], args.runs),
        )


if __name__ == "__main__":
    main()
