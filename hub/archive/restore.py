"""Restore: put every archived message back on a new, empty embedded broker.

The embedded broker forgets everything when its process ends. On the next start, before
any consumer runs, every archived message is produced again to its topic and partition,
partition by partition in the order it was archived, with its key, headers and timestamp.
The log then reads as it did before the stop, offsets included, so processors find their
inputs, their faust table changelogs and their pending timers where they left them;
consumer groups start from the beginning again, and every consumer is idempotent by
event id, so nothing is applied twice. The embedded broker keeps only the newest 5 MiB of
a partition: what a restore put back beyond that is counted in ``dropped`` and logged (it
stays in the archive, which ``onewindow projections rebuild`` reads)::

    summary = restore(ArchiveStore(engine), broker)
    print(summary.messages, summary.shifted, summary.dropped)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field

from confluent_kafka import KafkaError, KafkaException, Message, Producer

from hub.archive.store import ArchivedMessage, ArchiveStore
from hub.broker.clients import producer_config
from hub.broker.embedded import RETAINED_BYTES, EmbeddedBroker
from hub.broker.lag import LagReader
from hub.errors import BrokerError, PublishError
from hub.publisher import DEFAULT_TIMEOUT

logger = logging.getLogger(__name__)

_Placed = Future[tuple[int, int]]


@dataclass
class RestoreSummary:
    """What a restore put back: messages per topic, and any that landed at a new offset."""

    messages: int = 0
    topics: dict[str, int] = field(default_factory=dict)
    shifted: int = 0
    seconds: float = 0.0
    ends: dict[tuple[str, int], int] = field(default_factory=dict)
    """The next offset of every restored partition: where the archive ends on the log."""
    dropped: int = 0
    """Restored messages the broker has dropped again: beyond what it keeps of a partition."""


def restore(store: ArchiveStore, broker: EmbeddedBroker) -> RestoreSummary:
    """Produce every archived message to its original topic and partition, in order."""
    started = time.monotonic()
    summary = RestoreSummary()
    for topic, partitions in store.partition_counts().items():
        # A topic no longer declared still gets its messages back, on as many partitions.
        broker.create_topic(topic, partitions)
    producer = _producer(broker.bootstrap_servers)
    pending: list[tuple[ArchivedMessage, _Placed]] = []
    for archived in store.messages():
        pending.append((archived, _produce(producer, archived)))
        summary.messages += 1
        summary.topics[archived.topic] = summary.topics.get(archived.topic, 0) + 1
    if producer.flush(DEFAULT_TIMEOUT):
        raise PublishError(f"the broker did not confirm the restore within {DEFAULT_TIMEOUT:g}s")
    summary.shifted = sum(_shifted(archived, placed) for archived, placed in pending)
    for archived, placed in pending:
        partition, offset = placed.result()
        summary.ends[(archived.topic, partition)] = offset + 1
    summary.dropped = _dropped(broker.bootstrap_servers, summary.topics)
    summary.seconds = time.monotonic() - started
    return summary


def _dropped(bootstrap_servers: str, topics: Iterable[str]) -> int:
    """How many messages of ``topics`` the broker no longer holds; a warning if any."""
    starts = LagReader(bootstrap_servers).log_starts(topics) if topics else {}
    gone = {place: start for place, start in starts.items() if start}
    dropped = sum(gone.values())
    if dropped:
        logger.warning(
            "the embedded broker keeps the newest %d MiB of a partition and dropped the "
            "oldest %d restored messages (first offsets now %s): consumers that start from "
            "the beginning will not see them; the archive still has them",
            RETAINED_BYTES // 2**20,
            dropped,
            ", ".join(
                f"{topic}[{number}]@{start}" for (topic, number), start in sorted(gone.items())
            ),
        )
    return dropped


def _producer(bootstrap_servers: str) -> Producer:
    # One request in flight per connection keeps each partition's order across retries.
    config = producer_config(bootstrap_servers, **{"max.in.flight.requests.per.connection": 1})
    try:
        return Producer(config)
    except KafkaException as exc:
        raise BrokerError(f"cannot create the restore producer: {exc}") from exc


def _produce(producer: Producer, archived: ArchivedMessage) -> _Placed:
    message = archived.message
    placed: _Placed = Future()

    def delivered(error: KafkaError | None, result: Message) -> None:
        if error is not None:
            reason = f"{message.topic} refused a restored message: {error.str()}"
            placed.set_exception(PublishError(reason))
        else:
            placed.set_result((result.partition() or 0, result.offset() or 0))

    while True:
        try:
            producer.produce(
                message.topic,
                message.value,
                message.key,
                partition=message.partition,
                headers=list(message.headers),
                timestamp=archived.timestamp_ms or 0,
                on_delivery=delivered,
            )
            return placed
        except BufferError:
            producer.poll(0.05)  # the local queue is full: let deliveries drain it


def _shifted(archived: ArchivedMessage, placed: _Placed) -> bool:
    partition, offset = placed.result()
    if offset == archived.message.offset:
        return False
    # Only a hole in the archive moves a message; consumers still see the same order.
    logger.warning(
        "restored %s[%d]@%d at offset %d",
        archived.topic,
        partition,
        archived.message.offset,
        offset,
    )
    return True
