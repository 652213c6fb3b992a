"""Fixtures of the processor tests: a manual clock and a small hub on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_processor_harness import MONDAY, Hub

from hub.clock import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    """A clock standing on Monday morning in China."""
    return ManualClock(MONDAY)


@pytest.fixture
def hub(tmp_path: Path, clock: ManualClock) -> Hub:
    """The processors on a fresh SQLite file."""
    return Hub(tmp_path, clock)
