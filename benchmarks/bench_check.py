"""Benchmark of the offline check.

Measures, on this machine:
- whole-process wall time of ``xreg check`` on the bundled AWS example and on a generated
  15-container pipeline plan (median of N runs, console output to /dev/null);
- evaluator throughput: ``decide_access`` decisions per second on the example's questions;
- that neither boto3 nor moto is imported on the check path.

Run: ``.venv/bin/python benchmarks/bench_check.py [--runs 9]``. Targets (2-core machine):
≤ 0.15 s for the example, ≤ 0.25 s for 15 containers, ≥ 30,000 decisions/s.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "aws-doc-sample" / "plan.yaml"
PIPELINE_SOURCE = ROOT / "fixtures" / "pipeline-three-containers"


def xreg_command() -> list[str]:
    script = Path(sys.executable).parent / "xreg"
    return [str(script)] if script.exists() else [sys.executable, "-m", "checker.cli"]


def time_process(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the child process.

    CPU time is reported beside wall time because it does not count waiting for a core that
    another process holds."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def fifteen_container_plan(folder: Path) -> Path:
    """The three-container fixture widened to 15 containers over 5 repositories and buckets."""
    shutil.copytree(PIPELINE_SOURCE, folder, dirs_exist_ok=True)
    plan = (folder / "plan.yaml").read_text()
    head, _, rest = plan.partition("    Containers:\n")
    _, _, tail = rest.partition("    SupportedContentTypes:")
    containers = "".join(
        f"      - Image: 222222222222.dkr.ecr.us-east-2.amazonaws.com/"
        f"{'feature-pipeline' if i % 2 else 'churn-model'}:step-{i}\n"
        f"        ModelDataUrl: s3://churn-{'features' if i % 2 else 'models'}"
        f"/step-{i}/model.tar.gz\n"
        for i in range(15)
    )
    (folder / "plan.yaml").write_text(
        head + "    Containers:\n" + containers + "    SupportedContentTypes:" + tail
    )
    return folder / "plan.yaml"


def evaluator_throughput(seconds: float = 2.0) -> tuple[float, int]:
    from checker.engine import CheckOptions, decide_requirements
    from checker.plan.loader import load_plan
    from checker.policy import decide_access

    plan = load_plan(ROOT / "fixtures" / "aws-doc-sample-fixed" / "plan.yaml")
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
    code = (
        "import sys, io, contextlib\n"
        "from checker.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['check', {str(EXAMPLE)!r}])\n"
        "print(','.join(sorted(m for m in ('boto3', 'botocore', 'moto') if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    return [name for name in result.stdout.strip().split(",") if name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    # An installed wheel is byte-compiled by pip; a checkout run with PYTHONDONTWRITEBYTECODE
    # is not, and would measure the compiler instead of xreg.
    compileall.compile_dir(str(ROOT / "checker"), quiet=1)
    command = xreg_command()
    python_floor = time_process([sys.executable, "-c", "pass"], args.runs)
    example = time_process([*command, "check", str(EXAMPLE)], args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        big_plan = fifteen_container_plan(Path(tmp) / "plan15")
        fifteen = time_process([*command, "check", str(big_plan)], args.runs)
    rate, questions = evaluator_throughput()
    imported = heavy_imports()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print("                             wall       cpu")
    print(
        f"python startup floor        {python_floor[0] * 1000:7.1f} ms"
        f" {python_floor[1] * 1000:7.1f} ms"
    )
    print(
        f"xreg check (AWS example)    {example[0] * 1000:7.1f} ms {example[1] * 1000:7.1f} ms"
        "   target <= 150 ms"
    )
    print(
        f"xreg check (15 containers)  {fifteen[0] * 1000:7.1f} ms {fifteen[1] * 1000:7.1f} ms"
        "   target <= 250 ms"
    )
    print(
        f"evaluator throughput        {rate:9,.0f} decisions/s over {questions} questions"
        "   target >= 30,000"
    )
    print(f"heavy modules on check path {', '.join(imported) or 'none'}")


if __name__ == "__main__":
    main()
