"""Whether the processors have caught up: ``/readyz``'s check and the lag gauge.

Both come from one reading of the consumer groups' lag (:mod:`hub.broker.lag`), kept for
:data:`MAX_AGE_S` seconds, so probes and scrapes from several places cost the broker one
round of admin requests every couple of seconds at most. The processors are one consumer
group, the worker's faust app, reading every topic a read model reads (which covers
every processor's topics)::

    watch = LagWatch(LagReader(settings.kafka), processor_groups(), threshold=10_000)
    hooks = Hooks(
        readiness={"processors": watch.check},
        gauges={"onewindow_consumer_lag": watch.gauge()},
    )
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence

from hub.api.metrics import GaugeSource
from hub.broker.lag import GroupLag, LagReader
from hub.errors import BrokerError

#: How long one reading answers probes and scrapes, in seconds.
MAX_AGE_S = 2.0
LAG_HELP = "Messages the consumer group has yet to process, per topic it reads"


def processor_groups() -> dict[str, list[str]]:
    """The stream processors' consumer group and the topics it reads."""
    from projections.app import APP_ID  # loads faust; only a process with a broker gets here
    from projections.registry import PROJECTIONS

    topics = {event.topic.value for p in PROJECTIONS.values() for event in p.steps}
    return {APP_ID: sorted(topics)}


class LagWatch:
    """The lag of some consumer groups, read at most every ``max_age`` seconds."""

    def __init__(
        self,
        reader: LagReader,
        groups: Mapping[str, Sequence[str]],
        threshold: int,
        max_age: float = MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reader = reader
        self.groups = dict(groups)
        self.threshold = threshold
        self.max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._taken: float | None = None
        self._reading: list[GroupLag] | BrokerError = []

    def reading(self) -> list[GroupLag] | BrokerError:
        """Each group's lag, or why it cannot be read; at most ``max_age`` seconds old."""
        with self._lock:
            now = self._clock()
            if self._taken is None or now - self._taken >= self.max_age:
                self._reading = self._read()
                self._taken = now
            return self._reading

    def _read(self) -> list[GroupLag] | BrokerError:
        try:
            return [self.reader.read(group, topics) for group, topics in self.groups.items()]
        except BrokerError as exc:  # an answer for the probe, not a failed request
            return exc

    def check(self) -> str | None:
        """None when every group is at most ``threshold`` messages behind, else why not."""
        reading = self.reading()
        if isinstance(reading, BrokerError):
            return f"lag unknown: {reading}"
        late = [lag for lag in reading if lag.total > self.threshold]
        return "; ".join(self._describe(lag) for lag in late) or None

    def _describe(self, lag: GroupLag) -> str:
        topics = ", ".join(f"{topic} {count}" for topic, count in lag.by_topic().items() if count)
        return (
            f"group {lag.group} is {lag.total} messages behind "
            f"(more than {self.threshold}): {topics}"
        )

    def gauge(self) -> GaugeSource:
        """``onewindow_consumer_lag`` per group and topic; no samples while unreadable."""
        return GaugeSource(LAG_HELP, self._samples, ("group", "topic"))

    def _samples(self) -> dict[tuple[str, ...], float]:
        reading = self.reading()
        if isinstance(reading, BrokerError):
            return {}
        return {
            (lag.group, topic): float(count)
            for lag in reading
            for topic, count in lag.by_topic().items()
        }
