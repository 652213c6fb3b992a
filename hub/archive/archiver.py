"""The archiver: a consumer group of its own that copies every message into the archive.

It reads every declared topic from the beginning, appends each batch to the archive in
one transaction, and only then commits the offsets: at least once, and the archive's
identity of a message (event id, or partition and offset) makes the second copy a no-op.
It runs on a thread of its own beside the stream processors::

    archiver = Archiver(bootstrap, ArchiveStore(engine), topics=[s.name for s in specs])
    archiver.start()
    ...
    archiver.stop()  # finishes the batch in hand, commits, leaves the group
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from confluent_kafka import Consumer, KafkaException, Message, TopicPartition

from hub.archive.store import ArchiveStore
from hub.broker.clients import consumer_config
from hub.consuming.message import RawMessage
from hub.errors import BrokerError, HubError
from hub.settings import KafkaSettings

logger = logging.getLogger(__name__)

GROUP_ID = "onewindow-archiver"
BATCH = 2000
_POLL = 0.5


class Archiver:
    """Copies every message of ``topics`` into ``store``, committing only what is stored.

    ``read`` counts the messages read, ``archived`` those that were new to the archive.
    ``start_at`` names offsets to begin at, partition by partition: after a restore, the
    end of what the archive already holds (see :attr:`RestoreSummary.ends`).
    """

    def __init__(
        self,
        connection: str | KafkaSettings,
        store: ArchiveStore,
        topics: Sequence[str],
        group_id: str = GROUP_ID,
        start_at: Mapping[tuple[str, int], int] | None = None,
        **overrides: Any,
    ) -> None:
        self.store = store
        self.topics = list(topics)
        self.start_at = dict(start_at or {})
        self.read = 0
        self.archived = 0
        self.error: HubError | None = None
        # read_uncommitted: the archive keeps whatever lay on the log, as it lay there.
        config = consumer_config(
            connection, group_id, **({"isolation.level": "read_uncommitted"} | overrides)
        )
        try:
            self._consumer = Consumer(config)
        except KafkaException as exc:
            raise BrokerError(f"cannot create the archiver's consumer: {exc}") from exc
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="onewindow-archiver", daemon=True)

    def start(self) -> None:
        """Subscribe and start copying on a background thread."""
        try:
            self._consumer.subscribe(self.topics, on_assign=self._on_assign)
        except KafkaException as exc:
            raise BrokerError(f"the archiver cannot subscribe to {self.topics}: {exc}") from exc
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the batch in hand, leave the group; re-raises the error that ended the loop."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self.error is not None:
            raise self.error

    def archive_batch(self, timeout: float = _POLL) -> int:
        """Read one batch, store it, commit it; returns how many messages were read."""
        batch = [m for m in self._consumer.consume(BATCH, timeout) if _ok(m)]
        if not batch:
            return 0
        self.read += len(batch)
        self.archived += self.store.append([(RawMessage.from_kafka(m), _time(m)) for m in batch])
        self._commit(batch)
        return len(batch)

    def _on_assign(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        for assigned in partitions:
            start = self.start_at.get((assigned.topic, assigned.partition))
            if start is not None:
                assigned.offset = start
        consumer.assign(partitions)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self.archive_batch()
        except HubError as exc:
            # Stopping here is safe: nothing unstored was committed, so a restart re-reads it.
            logger.error("the archiver stopped: %s", exc)
            self.error = exc
        finally:
            self._consumer.close()

    def _commit(self, batch: list[Message]) -> None:
        ends: dict[tuple[str, int], int] = {}
        for message in batch:
            ends[(message.topic() or "", message.partition() or 0)] = (message.offset() or 0) + 1
        offsets = [TopicPartition(topic, part, end) for (topic, part), end in ends.items()]
        try:
            self._consumer.commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:
            raise BrokerError(f"the archiver cannot commit {offsets}: {exc}") from exc


def _ok(message: Message) -> bool:
    error = message.error()
    if error is None:
        return True
    if error.fatal():
        raise BrokerError(f"the archiver's consumer failed: {error.str()} ({error.name()})")
    logger.warning("archiver: %s (%s)", error.str(), error.name())
    return False


def _time(message: Message) -> int | None:
    kind, timestamp = message.timestamp()
    return int(timestamp) if kind else None
