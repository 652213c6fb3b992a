"""Retrying a connector call: exponential backoff, ``retry_after`` honoured, then give up.

Only :class:`~hub.errors.RetriableError` (and its :class:`~hub.errors.BackpressureError`)
is retried; any other error is final at once::

    >>> from hub.errors import RetriableError
    >>> attempts = []
    >>> def flaky() -> str:
    ...     attempts.append(1)
    ...     if len(attempts) < 3:
    ...         raise RetriableError("busy")
    ...     return "done"
    >>> with_retries(flaky, RetryPolicy(initial_backoff=0), "write")
    'done'
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from connectors.base import RetryPolicy
from hub.errors import BackpressureError, ConnectorError, RetriableError

logger = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], object]


def with_retries(
    call: Callable[[], T], policy: RetryPolicy, what: str, sleep: Sleep = time.sleep
) -> T:
    """The result of ``call``, retried per ``policy``; a final ConnectorError when spent."""
    attempt = 1
    while True:
        try:
            return call()
        except RetriableError as exc:
            if attempt >= policy.max_attempts:
                raise ConnectorError(f"{what} failed {attempt} times; last: {exc}") from exc
            wait = pause_after(exc, attempt, policy)
            logger.warning("%s failed (%s); try %d in %.2fs", what, exc, attempt + 1, wait)
            sleep(wait)
            attempt += 1


def pause_after(error: RetriableError, attempt: int, policy: RetryPolicy) -> float:
    """Backpressure waits as long as the target asked; anything else backs off exponentially."""
    if isinstance(error, BackpressureError):
        return max(error.retry_after, 0.0)
    return policy.backoff(attempt)
