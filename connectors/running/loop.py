"""The loop both runners share: start, step until stopped (or idle, with ``once``), stop."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass
class RunStats:
    """What a runner did: events delivered, inputs dead-lettered, steps taken."""

    delivered: int = 0
    dead_lettered: int = 0
    steps: int = 0


class Runner(ABC):
    """Runs one connector; ``step`` does one batch and says how much it handled."""

    def __init__(self, name: str, idle_wait: float) -> None:
        self.name = name
        self.idle_wait = idle_wait
        self.stats = RunStats()

    @abstractmethod
    def start(self) -> None:
        """Start the connector with its validated config."""

    @abstractmethod
    def step(self) -> int:
        """Handle one batch end to end, committing it; returns how many inputs it held."""

    def caught_up(self) -> bool:
        """After a step that found nothing: is there really nothing left (for ``once``)?"""
        return True

    @abstractmethod
    def close(self) -> None:
        """Stop the connector and release the broker clients."""

    def run(self, stop: threading.Event, once: bool = False) -> RunStats:
        """Step until ``stop`` is set; with ``once``, until the first step that finds nothing."""
        self.start()
        try:
            while not stop.is_set():
                self.stats.steps += 1
                if self.step():
                    continue
                if once and self.caught_up():
                    break
                stop.wait(self.idle_wait)
        finally:
            self.close()
        return self.stats

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
