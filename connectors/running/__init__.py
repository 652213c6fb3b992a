"""Runners: one connector against any broker, as its own process or inside a test."""

from connectors.running.loop import Runner, RunStats
from connectors.running.process import build_runner, run_connector
from connectors.running.sink import SinkRunner
from connectors.running.source import SourceRunner, reject_headers

__all__ = [
    "RunStats",
    "Runner",
    "SinkRunner",
    "SourceRunner",
    "build_runner",
    "reject_headers",
    "run_connector",
]
