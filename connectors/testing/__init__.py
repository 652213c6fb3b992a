"""The conformance kit: contract tests every connector passes, against a real broker.

A connector's tests subclass :class:`SourceContract` or :class:`SinkContract` and override
only the factory hooks; the embedded broker comes from the ``kafka_bootstrap`` fixture of
the hub's pytest plugin (installed with ``onewindow``). See ``docs/connectors.md``.
"""

from connectors.testing.sink import SinkContract
from connectors.testing.source import Produced, SourceContract
from connectors.testing.support import CrashingPublisher, SimulatedCrash, read_back, registry

__all__ = [
    "CrashingPublisher",
    "Produced",
    "SimulatedCrash",
    "SinkContract",
    "SourceContract",
    "read_back",
    "registry",
]
