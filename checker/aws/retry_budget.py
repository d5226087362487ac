"""Retries of one account's reads, within one budget for the whole account.

botocore's own retry modes keep a quota per client and, in adaptive mode, a rate limiter
that sleeps on the wall clock: an account that throttles every call can hold an audit for
hours. Here every client and thread of one account draws on one count of retries; each
retry waits an exponential backoff with full jitter; once the count is spent a throttled
read fails at once, and the resource it would have read is unknown (the run fails, as for
any unreadable read) rather than slowly retried.

Which errors are worth a retry stays botocore's call (throttling codes, 429, transient 5xx,
connection errors), as do the attempts per call (``--max-attempts``).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

from checker.aws.boto import RetryEventAdapter, StandardRetryConditions

DEFAULT_RETRY_BUDGET = 100
BASE_DELAY = 1.0  # seconds: the first retry waits up to this long
MAX_DELAY = 20.0  # seconds: no retry waits longer
# Set in the error answer of a call refused a retry because the budget was spent.
SPENT = "XregRetryBudgetSpent"


class RetryBudget:
    """At most ``limit`` retries in all, shared by every caller; thread-safe.

    ``sleep`` and ``jitter`` (a number in [0, 1)) are the clock and the randomness, given
    so that tests can count the waits instead of waiting."""

    def __init__(
        self,
        limit: int = DEFAULT_RETRY_BUDGET,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        base: float = BASE_DELAY,
        cap: float = MAX_DELAY,
    ) -> None:
        self.limit = limit
        self._sleep = sleep
        self._jitter = jitter
        self._base = base
        self._cap = cap
        self._lock = threading.Lock()
        self._used = 0
        self._refused = 0

    @property
    def used(self) -> int:
        """Retries taken so far."""
        with self._lock:
            return self._used

    @property
    def refused(self) -> int:
        """Retries wanted after the budget was spent."""
        with self._lock:
            return self._refused

    def take(self) -> bool:
        """One retry from the budget; False when none is left."""
        with self._lock:
            if self._used >= self.limit:
                self._refused += 1
                return False
            self._used += 1
            return True

    def delay(self, attempt: int) -> float:
        """How long to wait after failed attempt ``attempt`` (1-based): full jitter over
        an exponential ceiling."""
        ceiling = min(self._cap, self._base * 2.0 ** max(0, attempt - 1))
        return self._jitter() * ceiling

    def wait(self, attempt: int) -> None:
        self._sleep(self.delay(attempt))


class BudgetRetryHandler:
    """botocore's ``needs-retry`` handler for one client, drawing on an account's budget."""

    def __init__(self, budget: RetryBudget, max_attempts: int) -> None:
        self._budget = budget
        self._conditions = StandardRetryConditions(max_attempts=max_attempts)
        self._adapter = RetryEventAdapter()

    def __call__(self, **kwargs: Any) -> float | None:
        context = self._adapter.create_retry_context(**kwargs)
        retry = bool(self._conditions.is_retryable(context))
        if retry and self._budget.take():
            self._adapter.adapt_retry_response_from_context(context)
            self._budget.wait(context.attempt_number)
            return 0.0  # waited already: botocore's own sleep is then sleep(0)
        if retry and context.parsed_response is not None:
            context.parsed_response.setdefault("ResponseMetadata", {})[SPENT] = True
        self._adapter.adapt_retry_response_from_context(context)
        return None


def install(client: Any, budget: RetryBudget, max_attempts: int) -> Any:
    """``client`` with botocore's retry handler replaced by one on ``budget``."""
    events = client.meta.events
    service = client.meta.service_model.service_id.hyphenize()
    # The id botocore registers its retry handler under, whichever retry mode made it.
    unique_id = f"retry-config-{service}"
    events.unregister(f"needs-retry.{service}", unique_id=unique_id)
    events.register(
        f"needs-retry.{service}", BudgetRetryHandler(budget, max_attempts), unique_id=unique_id
    )
    return client


def spent(response: Any) -> bool:
    """Whether an error answer was refused a retry because the budget was spent."""
    return bool(response.get("ResponseMetadata", {}).get(SPENT))
