"""The consumer side every processor and connector shares: decode, dead-letter, de-duplicate.

:class:`EventConsumer` is the whole loop over confluent-kafka (at least once, offsets
committed after the handler). Agents that receive raw bytes (faust) call
:func:`decode_or_deadletter` themselves::

    router = DeadLetterRouter(publisher, consumer="dispatch")
    received = decode_or_deadletter(
        value, key, headers, topic, partition, offset,
        deserializer=Deserializer(registry), router=router,
    )
    if received is not None and received.event_id not in seen:
        handle(received.event)
        seen.add(received.event_id)
"""

from hub.consuming.consumer import ConsumeStats, EventConsumer, Handler
from hub.consuming.decoding import BAD_MESSAGE, Received, decode_or_deadletter, read_event, receive
from hub.consuming.dedup import RecentEventIds
from hub.consuming.message import RawMessage, normalise_headers
from hub.consuming.reader import read_message, read_topic

__all__ = [
    "BAD_MESSAGE",
    "ConsumeStats",
    "EventConsumer",
    "Handler",
    "RawMessage",
    "Received",
    "RecentEventIds",
    "decode_or_deadletter",
    "normalise_headers",
    "read_event",
    "read_message",
    "read_topic",
    "receive",
]
