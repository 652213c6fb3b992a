"""The faust transport of the hub: faust's aiokafka transport, faster to hand records on.

Two things differ from faust's own, both measured with ``onewindow bench pipeline``:

- **A short fetch wait.** faust creates its aiokafka consumer with
  ``fetch_max_wait_ms=1500`` and has no setting for it. aiokafka keeps one fetch request
  in flight per broker and leaves out of it every partition whose records the
  application has not taken yet; once some partitions are caught up, the request asks
  only for those, the broker holds it for the full wait because they have nothing new,
  and the partitions that do have records wait behind it. A worker catching up (after a
  restart, a rebuild, a burst) then stalls for 1.5 s at a time: the read models ran at
  0.29 of the plain loop on 100,000 events with faust's wait, 0.44 with this one.
- **One task per fetch, not four per record.** faust hands every record to the streams
  inside ``Service.wait_first`` (the hand-over, the consumer's suspend-flow event and
  the service's stopped and crashed events, each a task of its own), so that a
  rebalance can interrupt a hand-over blocked on a full stream buffer. That cost about
  200 us a record, more than the read models spend on it. Here the records of one fetch
  are handed over in one such task, and a rebalance interrupts it the same way: on
  100,000 events the read models went from 0.34 of the plain loop to 0.42.

It is registered as the ``onewindow`` transport (an entry point of the
``faust.transports`` group in ``pyproject.toml``), so a worker's broker URLs read
``onewindow://host:port``::

    app = faust.App("processors", broker="onewindow://127.0.0.1:9092")
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers import aiokafka as driver
from faust.types import TP, Message

SCHEME = "onewindow"
#: How long the broker may hold a fetch that finds no new records: short, so that
#: partitions with records are not kept waiting behind idle ones. An idle worker sends
#: about ten fetches a second to each broker.
FETCH_MAX_WAIT_MS = 100
#: How long one fetch may wait for records before the consumer checks whether to stop.
FETCH_TIMEOUT_S = 1.0
#: Records handed over before the streams get a turn of the event loop.
YIELD_EVERY = 100

_Fetched = deque[tuple[TP, Message]]


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:  # aiokafka has no types
        consumer = super()._create_worker_consumer(transport)
        # Read by AIOKafkaConsumer.start(), which builds its fetcher from it.
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS
        return consumer


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def _drain_messages(self, fetcher: Any) -> None:
        """Fetch and hand over records until the consumer or its fetcher stops."""
        stopping: tuple[type[BaseException], ...] = (
            *self.consumer_stopped_errors,
            asyncio.CancelledError,
        )
        try:
            while not (self._stopped.is_set() or fetcher._stopped.is_set()):
                self.diag.set_flag(CONSUMER_FETCHING)
                await self._drain_fetch()
                self.diag.unset_flag(CONSUMER_FETCHING)
        except stopping:
            if not self.transport.app.should_stop:
                raise
            self.log.info("Consumer stopped with the worker")
        except Exception as exc:
            self.log.exception("Handing over records raised: %r", exc)
            raise
        finally:
            self.diag.unset_flag(CONSUMER_FETCHING)

    async def _drain_fetch(self) -> None:
        """One fetch, handed over in runs that a rebalance can interrupt."""
        fetched: _Fetched = deque([pair async for pair in self.getmany(timeout=FETCH_TIMEOUT_S)])
        await asyncio.sleep(0)  # a fetch that returns at once must not starve the streams
        while fetched and self.flow_active and not self.should_stop:
            if self._commit_due():
                self._n_acked = 0
                await self.commit()
            # A rebalance sets suspend_flow and ends the hand-over; the rest of the fetch is
            # dropped, as faust drops it, since the new assignment seeks every partition
            # back to its committed offset.
            handed = await self.wait_first(self._hand_over(fetched), self.suspend_flow.wait())
            if handed.stopped:  # the consumer stopped or crashed
                return

    def _commit_due(self) -> bool:
        every = self._commit_every
        return every is not None and self._n_acked >= every

    async def _hand_over(self, fetched: _Fetched) -> None:
        """Give records to the streams until none is left, a commit is due or flow stops."""
        since_yield = 0
        while fetched and self.flow_active and not self._commit_due():
            tp, message = fetched.popleft()
            if await self._is_unread(tp, message):
                await self.callback(message)
                self._read_offset[tp] = message.offset
            since_yield += 1
            if since_yield == YIELD_EVERY:
                since_yield = 0
                await asyncio.sleep(0)

    async def _is_unread(self, tp: TP, message: Message) -> bool:
        """True unless the record lies before the read offset; notes skipped offsets."""
        read = self._read_offset[tp]
        offset = message.offset
        if read is not None and offset < read:
            self.log.dev("Record at %r is before the read offset %r: skipped", offset, read)
            return False
        if read and offset - read > 1 and self.app.topics.acks_enabled_for(message.topic):
            await self._add_gap(tp, read + 1, offset)  # offsets compaction or aborts left out
        return True


class Transport(driver.Transport):
    """faust's aiokafka transport: a 100 ms fetch wait, one hand-over task per fetch."""

    Consumer = _Consumer
