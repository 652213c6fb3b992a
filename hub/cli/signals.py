"""SIGTERM and SIGINT as a stop request the long-running commands poll."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType


def stop_on_signals(*, announce: bool = False) -> threading.Event:
    """Return an event set on SIGTERM or SIGINT; ``announce`` logs each signal received."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        if announce:
            logging.getLogger(__name__).info("signal %d: finishing the current batch", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop
