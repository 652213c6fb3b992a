"""The faust transport of the hub: faust's aiokafka transport with a short fetch wait.

faust creates its aiokafka consumer with ``fetch_max_wait_ms=1500`` and has no setting
for it. aiokafka keeps one fetch request in flight per broker and leaves out of it every
partition whose records the application has not taken yet; once some partitions are
caught up, the request asks only for those, the broker holds it for the full wait
because they have nothing new, and the partitions that do have records wait behind it.
A worker catching up (after a restart, a rebuild, a burst) then stalls for 1.5 s at a
time: ``onewindow bench pipeline`` measured the read models at 0.29 of the plain loop on
100,000 events with faust's wait, and 0.44 with this one.

It is registered as the ``onewindow`` transport (an entry point of the
``faust.transports`` group in ``pyproject.toml``), so a worker's broker URLs read
``onewindow://host:port``::

    app = faust.App("processors", broker="onewindow://127.0.0.1:9092")
"""

from __future__ import annotations

from typing import Any

from faust.transport.drivers import aiokafka as driver

SCHEME = "onewindow"
#: How long the broker may hold a fetch that finds no new records: short, so that
#: partitions with records are not kept waiting behind idle ones. An idle worker sends
#: about ten fetches a second to each broker.
FETCH_MAX_WAIT_MS = 100


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:  # aiokafka has no types
        consumer = super()._create_worker_consumer(transport)
        # Read by AIOKafkaConsumer.start(), which builds its fetcher from it.
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS
        return consumer


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(driver.Transport):
    """faust's aiokafka transport whose worker consumer waits at most 100 ms per fetch."""

    Consumer = _Consumer
