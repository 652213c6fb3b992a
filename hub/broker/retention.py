"""A watch on what the embedded broker keeps: a warning whenever it drops records.

librdkafka's mock cluster keeps the newest 5 MiB of a partition (see
:mod:`hub.broker.embedded`) and drops older records without a word, so a consumer that
was slower than the producers by that much loses them. The watch reads where every
partition starts, every few seconds, and logs a warning for each one whose first offset
moved, once per move. ``onewindow up`` runs it beside its embedded broker::

    watch = RetentionWatch(LagReader(broker.bootstrap_servers), topics).start()
    ...
    watch.stop()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from hub.broker.embedded import RETAINED_BYTES
from hub.broker.lag import LagReader, Partition
from hub.errors import BrokerError

logger = logging.getLogger(__name__)

#: Seconds between two readings: a partition fills its 5 MiB in no less at trial rates.
WATCH_INTERVAL_S = 10.0


class RetentionWatch:
    """Warns, from a thread of its own, when a partition of ``topics`` loses records."""

    def __init__(
        self, reader: LagReader, topics: Iterable[str], interval: float = WATCH_INTERVAL_S
    ) -> None:
        self._reader = reader
        self._topics = sorted(set(topics))
        self._interval = interval
        self._starts: dict[Partition, int] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention-watch", daemon=True)

    def start(self) -> RetentionWatch:
        """Take where the partitions start now (already reported) and watch from there."""
        self._starts = self._reader.log_starts(self._topics)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching; returns once the thread has ended."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def check(self) -> dict[Partition, int]:
        """The partitions whose first offset moved since the last reading, each warned of."""
        starts = self._reader.log_starts(self._topics)
        moved = {
            place: start for place, start in starts.items() if start > self._starts.get(place, 0)
        }
        self._starts.update(starts)
        for (topic, number), start in sorted(moved.items()):
            logger.warning(
                "the embedded broker dropped the records of %s[%d] before offset %d (it keeps "
                "the newest %d MiB of a partition): a consumer that had not read them will "
                "not; the archive keeps what the archiver had read",
                topic,
                number,
                start,
                RETAINED_BYTES // 2**20,
            )
        return moved

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self.check()
            except BrokerError as exc:  # the next reading tries again
                logger.warning("cannot read where the embedded broker's partitions start: %s", exc)
