"""Timing whole ``xreg`` processes, shared by the benchmarks.

Importing this module also puts the repository root on ``sys.path``, so that a benchmark run
as a script can use the tests' plan builders and moto server (``tests.plans``,
``tests.moto_server``).
"""

from __future__ import annotations

import os
import pty
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def xreg_command() -> list[str]:
    script = Path(sys.executable).parent / "xreg"
    return [str(script)] if script.exists() else [sys.executable, "-m", "checker.cli"]


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:  # the terminal closed
        pass


def run_once(
    args: list[str], *, terminal: bool, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of the command.

    CPU time is reported beside wall time because it does not count waiting for a core that
    another process holds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if terminal:
        main_fd, child_fd = pty.openpty()
        reader = threading.Thread(target=_drain, args=(main_fd,), daemon=True)
        reader.start()
        start = time.perf_counter()
        subprocess.run(args, stdout=child_fd, stderr=subprocess.DEVNULL, check=False, env=env)
        wall = time.perf_counter() - start
        os.close(child_fd)
        reader.join(timeout=5)
        os.close(main_fd)
    else:
        start = time.perf_counter()
        subprocess.run(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
        )
        wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def time_processes(
    commands: dict[str, tuple[list[str], bool]], runs: int, env: dict[str, str] | None = None
) -> dict[str, tuple[float, float, float]]:
    """Median wall, best wall and median CPU time of each command (its arguments, and whether
    it writes to a terminal), in ``env`` (None: this process's environment).

    The runs of the different commands are interleaved, so that a busy spell of a shared
    machine slows them all alike rather than one of them."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (args, terminal) in commands.items():
            wall, cpu = run_once(args, terminal=terminal, env=env)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {
        name: (statistics.median(walls[name]), min(walls[name]), statistics.median(cpus[name]))
        for name in commands
    }
