"""Benchmark of the offline check.

Measures, on this machine:
- whole-process wall time of ``xreg check`` on the bundled AWS example and on a generated
  15-container pipeline plan (median of N runs, console output to /dev/null), and of the
  example printed to a terminal (a pseudo-terminal: coloured through rich);
- evaluator throughput: ``decide_access`` decisions per second on the example's questions;
- that neither boto3 nor moto is imported on the check path, nor rich when output is piped.

The runs of the different commands are interleaved, so that a busy spell of a shared machine
slows them all alike rather than one of them.

Run: ``.venv/bin/python benchmarks/bench_check.py [--runs 9]``. Targets (2-core machine):
≤ 0.15 s for the example, ≤ 0.25 s for 15 containers, ≥ 30,000 decisions/s.
"""

from __future__ import annotations

import argparse
import compileall
import os
import pty
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "aws-doc-sample" / "plan.yaml"
PIPELINE_SOURCE = ROOT / "fixtures" / "pipeline-three-containers"


def xreg_command() -> list[str]:
    script = Path(sys.executable).parent / "xreg"
    return [str(script)] if script.exists() else [sys.executable, "-m", "checker.cli"]


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:  # the terminal closed
        pass


def run_once(args: list[str], *, terminal: bool) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of the command.

    CPU time is reported beside wall time because it does not count waiting for a core that
    another process holds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if terminal:
        main_fd, child_fd = pty.openpty()
        reader = threading.Thread(target=_drain, args=(main_fd,), daemon=True)
        reader.start()
        start = time.perf_counter()
        subprocess.run(args, stdout=child_fd, stderr=subprocess.DEVNULL, check=False)
        wall = time.perf_counter() - start
        os.close(child_fd)
        reader.join(timeout=5)
        os.close(main_fd)
    else:
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def time_processes(
    commands: dict[str, tuple[list[str], bool]], runs: int
) -> dict[str, tuple[float, float, float]]:
    """Median wall, best wall and median CPU time of each command, runs interleaved."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (args, terminal) in commands.items():
            wall, cpu = run_once(args, terminal=terminal)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {
        name: (statistics.median(walls[name]), min(walls[name]), statistics.median(cpus[name]))
        for name in commands
    }


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
    """Which of boto3, botocore, moto and rich a piped ``xreg check`` imports (none should)."""
    code = (
        "import sys\n"
        "from checker.cli import main\n"
        f"main(['check', {str(EXAMPLE)!r}])\n"
        "heavy = ('boto3', 'botocore', 'moto', 'rich')\n"
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
        big_plan = fifteen_container_plan(Path(tmp) / "plan15")
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
