"""Counting the work a call does, so that tests bound work instead of wall time.

``counted()`` traces the Python code run inside its block (``sys.settrace``): the number of
lines executed and of calls per function name. A limit turns runaway work (an alias bomb
that is not refused) into a failure instead of a hang. The counts depend only on the code
and its input, never on how busy the machine is.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


class WorkExceeded(AssertionError):
    pass


@contextmanager
def counted(limit: int | None = None) -> Iterator[Counter[str]]:
    """``counts["lines"]``: Python lines executed; ``counts[name]``: calls of functions named
    ``name``. More than ``limit`` lines raises ``WorkExceeded``."""
    counts: Counter[str] = Counter()

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            counts["lines"] += 1
            if limit is not None and counts["lines"] > limit:
                raise WorkExceeded(f"more than {limit} lines of Python executed")
        return local

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        counts[frame.f_code.co_name] += 1
        return local

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield counts
    finally:
        sys.settrace(previous)
