"""The embedded broker: librdkafka's in-memory Kafka-protocol cluster, run in this process.

It listens on 127.0.0.1 and speaks the real Kafka protocol, so any Kafka client in any
process (confluent-kafka, aiokafka, faust) can use it. It is for one machine only: the
log lives in memory and is gone when the process ends, and it cannot create topics
through the Kafka admin API, so :meth:`EmbeddedBroker.create_topic` provisions them.
It also keeps only the newest 5 MiB (or 100,000 batches) of each partition, a limit
librdkafka builds in: older records are discarded, and a consumer that had not read
them never will. :data:`RETAINED_BYTES` names it; a discard shows as a first offset
above 0 (:meth:`hub.broker.lag.LagReader.log_starts`). A real cluster has no such limit::

    with EmbeddedBroker(topics=declared_topics()) as broker:
        producer = Producer(producer_config(broker.bootstrap_servers))
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TypeVar

from hub.broker.native import RD_KAFKA_PRODUCER, error_name, librdkafka
from hub.errors import BrokerError
from hub.topics import TopicSpec, topic_problem

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: What librdkafka's mock cluster keeps of each partition (the older records are dropped).
RETAINED_BYTES = 5 * 1024 * 1024
_ERR_NO_ERROR = 0
_ERR_TOPIC_ALREADY_EXISTS = 36
_OP_PAUSE_S = 0.001
_running: weakref.WeakValueDictionary[str, EmbeddedBroker] = weakref.WeakValueDictionary()


class EmbeddedBroker:
    """An in-memory Kafka-protocol cluster on 127.0.0.1: for one machine, never production."""

    def __init__(
        self, brokers: int = 1, topics: Iterable[TopicSpec] = (), rebalance_delay_ms: int = 0
    ) -> None:
        if brokers < 1:
            raise BrokerError(f"the embedded broker needs at least 1 broker (got {brokers})")
        self.brokers = brokers
        self.topics = tuple(topics)
        self.rebalance_delay_ms = rebalance_delay_ms
        self._lock = threading.Lock()
        self._cluster: int | None = None
        self._bootstrap = ""
        self._finalizer: weakref.finalize[..., EmbeddedBroker] | None = None

    @classmethod
    def running(cls, bootstrap_servers: str) -> EmbeddedBroker | None:
        """The broker of this process that listens on ``bootstrap_servers``, if any."""
        return _running.get(bootstrap_servers)

    @property
    def bootstrap_servers(self) -> str:
        """``127.0.0.1:port,…`` for clients; a BrokerError when the broker is not running."""
        if not self._bootstrap:
            raise BrokerError("the embedded broker is not running; call start() first")
        return self._bootstrap

    def start(self) -> EmbeddedBroker:
        """Start the cluster and create the declared topics; starting twice is an error."""
        with self._lock:
            if self._cluster is not None:
                raise BrokerError(f"the embedded broker already runs on {self._bootstrap}")
            handle, cluster = _new_cluster(self.brokers)
            # The finalizer holds only the raw handles, so it also frees a broker that
            # was never stopped, when it is collected or at interpreter exit.
            self._finalizer = weakref.finalize(self, _destroy, handle, cluster)
            self._cluster = cluster
            _mock_op(
                librdkafka().rd_kafka_mock_group_initial_rebalance_delay_ms,
                cluster,
                self.rebalance_delay_ms,
            )
            self._bootstrap = librdkafka().rd_kafka_mock_cluster_bootstraps(cluster).decode()
            _running[self._bootstrap] = self
        try:
            for spec in self.topics:
                self.create_topic(spec.name, spec.partitions, spec.replication_factor)
        except BrokerError:
            self.stop()
            raise
        logger.warning(
            "embedded Kafka-protocol broker on %s: single machine, in memory, "
            "not for production (set ONEWINDOW_KAFKA__BOOTSTRAP_SERVERS for a real cluster)",
            self._bootstrap,
        )
        return self

    def stop(self) -> None:
        """Destroy the cluster and everything in it; stopping twice does nothing."""
        with self._lock:
            if self._finalizer is not None:
                self._finalizer()
            _running.pop(self._bootstrap, None)
            self._cluster, self._finalizer, self._bootstrap = None, None, ""

    def create_topic(self, name: str, partitions: int, replication: int = 1) -> bool:
        """Create a topic; False when it already exists (its partitions are not changed).

        Replication is capped at the number of brokers, so that the registry's production
        replication factor also works on a one-broker embedded cluster.
        """
        problem = topic_problem(name, partitions, replication)
        if problem:
            raise BrokerError(problem)  # the mock accepts some of these and aborts on others
        replication = min(replication, self.brokers)
        with self._lock:
            if self._cluster is None:
                raise BrokerError(f"cannot create topic {name}: the embedded broker is not running")
            code = _mock_op(
                librdkafka().rd_kafka_mock_topic_create,
                self._cluster,
                name.encode(),
                partitions,
                replication,
            )
        if code == _ERR_TOPIC_ALREADY_EXISTS:
            return False
        if code != _ERR_NO_ERROR:
            raise BrokerError(f"cannot create topic {name}: {error_name(librdkafka(), code)}")
        return True

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _mock_op(function: Callable[..., T], *arguments: object) -> T:
    """Call a mock-cluster operation, then pause briefly before the next one.

    The mock thread serves its operation queue before draining its wake-up pipe, so an
    operation queued in between loses its wake-up and waits for the thread's one-second
    poll timeout; a millisecond's pause (measured: 0 slow calls in 300) closes that window.
    """
    result = function(*arguments)
    time.sleep(_OP_PAUSE_S)
    return result


def _new_cluster(brokers: int) -> tuple[int, int]:
    """A librdkafka handle to own the cluster, and the cluster itself."""
    lib = librdkafka()
    errors = ctypes.create_string_buffer(512)
    conf = lib.rd_kafka_conf_new()
    lib.rd_kafka_conf_set(conf, b"log_level", b"3", errors, len(errors))
    handle = lib.rd_kafka_new(RD_KAFKA_PRODUCER, conf, errors, len(errors))
    if not handle:
        lib.rd_kafka_conf_destroy(conf)  # rd_kafka_new owns conf only when it succeeds
        raise BrokerError(f"cannot start the embedded broker: {errors.value.decode()}")
    cluster = lib.rd_kafka_mock_cluster_new(handle, brokers)
    if not cluster:
        lib.rd_kafka_destroy(handle)
        raise BrokerError(
            f"cannot start the embedded broker: librdkafka refused a {brokers}-broker mock cluster"
        )
    return handle, cluster


def _destroy(handle: int, cluster: int) -> None:
    """The cluster first: it runs on threads of the handle that owns it."""
    lib = librdkafka()
    lib.rd_kafka_mock_cluster_destroy(cluster)
    lib.rd_kafka_destroy(handle)
