"""``SinkContract``: the tests every sink passes, against a real broker.

Subclass it in your connector's tests and implement the three hooks; the kit publishes
events to a fresh topic and points the sink's ``topics`` at it::

    class TestMySink(SinkContract):
        def make_connector(self, workdir: Path) -> tuple[Sink[Any], dict[str, Any]]:
            return MySink(), {"topics": ["ignored"], "path": str(workdir / "out.jsonl")}

        def make_events(self, count: int) -> list[Event]:
            return [CaseRated(source="test", case_id=f"C-{n}", score=5) for n in range(count)]

        def read_output(self, workdir: Path) -> Collection[str]:
            ...  # the ids of the events the target holds
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from connectors.base import Sink, SinkConfig
from connectors.config import load_config
from connectors.running.sink import Offsets, SinkRunner
from connectors.testing.support import (
    SimulatedCrash,
    assert_config_is_checked,
    assert_reasons,
    dead_letters,
    drain,
    registry,
)
from hub.envelope import headers_for
from hub.events import Event
from hub.events.erasure import PersonErased
from hub.publisher import Publisher
from hub.serde import Deserializer, Serializer
from hub.testing.kafka import quick_rejoin_config
from hub.trust.sealing import erased_id, pseudonym


class SinkContract(ABC):
    """The contract of a sink; subclasses override only the three hooks."""

    @abstractmethod
    def make_connector(self, workdir: Path) -> tuple[Sink[Any], dict[str, Any]]:
        """A new sink and its raw config; called again on the same ``workdir`` to restart."""

    @abstractmethod
    def make_events(self, count: int) -> list[Event]:
        """``count`` events the sink delivers, each with its own key."""

    @abstractmethod
    def read_output(self, workdir: Path) -> Collection[str]:
        """The ids of the events the target holds (duplicates may be listed)."""

    @pytest.fixture
    def contract_publisher(self, kafka_bootstrap: str) -> Iterator[Publisher]:
        """A real publisher on the test broker."""
        with Publisher(kafka_bootstrap, Serializer(registry())) as publisher:
            yield publisher

    def runner(
        self, workdir: Path, bootstrap: str, topic: str, publisher: Publisher, group: str = ""
    ) -> SinkRunner:
        """A runner of a new sink from ``make_connector``, reading ``topic`` as ``group``."""
        sink, raw = self.make_connector(workdir)
        group = group or f"contract-{uuid.uuid4().hex[:8]}"
        config = load_config(sink.config_model, raw | {"topics": [topic], "group_id": group})
        assert isinstance(config, SinkConfig)
        deserializer = Deserializer(registry())
        overrides = quick_rejoin_config(bootstrap)
        return SinkRunner(
            sink, config, bootstrap, deserializer, publisher, group, consumer_overrides=overrides
        )

    def put(self, publisher: Publisher, topic: str, events: Sequence[Event]) -> None:
        """Publish ``events`` to the test topic exactly as the hub encodes them."""
        for event in events:
            value, key = publisher.encode(event), publisher.key_of(event)
            publisher.publish_raw(topic, key, value, headers_for(event, key)).result(10)

    def delivered(self, workdir: Path, events: Sequence[Event]) -> bool:
        """True once the target holds every one of ``events``."""
        return {event.event_id for event in events} <= set(self.read_output(workdir))

    def test_a_bad_config_is_refused_naming_the_field(self, tmp_path: Path) -> None:
        sink, raw = self.make_connector(tmp_path)
        assert_config_is_checked(sink.config_model, raw)

    def test_start_and_stop_are_idempotent(self, tmp_path: Path) -> None:
        sink, raw = self.make_connector(tmp_path)
        config = load_config(sink.config_model, raw)
        events = self.make_events(2)
        sink.start(config)
        sink.start(config)
        sink.stop()
        sink.stop()
        sink.start(config)
        sink.write(events)
        sink.flush()
        sink.stop()
        assert self.delivered(tmp_path, events)

    def test_events_flow_end_to_end(
        self, tmp_path: Path, kafka_bootstrap: str, kafka_topic: str, contract_publisher: Publisher
    ) -> None:
        events = self.make_events(3)
        self.put(contract_publisher, kafka_topic, events + events[:1])
        with self.runner(tmp_path, kafka_bootstrap, kafka_topic, contract_publisher) as runner:
            runner.start()
            drain(runner, lambda: self.delivered(tmp_path, events))
        assert {event.event_id for event in events} == set(self.read_output(tmp_path))

    def test_bad_input_is_dead_lettered_with_its_reason_and_nothing_is_lost(
        self, tmp_path: Path, kafka_bootstrap: str, kafka_topic: str, contract_publisher: Publisher
    ) -> None:
        events, bad_key = self.make_events(2), f"garbage-{uuid.uuid4().hex}"
        contract_publisher.publish_raw(kafka_topic, bad_key, b"\x00not avro").result(10)
        self.put(contract_publisher, kafka_topic, events)
        with self.runner(tmp_path, kafka_bootstrap, kafka_topic, contract_publisher) as runner:
            runner.start()
            drain(runner, lambda: self.delivered(tmp_path, events))
        letters = dead_letters(kafka_bootstrap, [bad_key])
        assert_reasons(letters, [bad_key])
        assert letters[0].value == b"\x00not avro"

    def test_a_crash_in_mid_batch_loses_nothing_after_restart(
        self,
        tmp_path: Path,
        kafka_bootstrap: str,
        kafka_topic: str,
        contract_publisher: Publisher,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        events, group = self.make_events(6), f"contract-{uuid.uuid4().hex[:8]}"
        self.put(contract_publisher, kafka_topic, events)
        crashing = self.runner(tmp_path, kafka_bootstrap, kafka_topic, contract_publisher, group)
        real_write = crashing.sink.write

        def write_half_then_die(batch: Sequence[Event]) -> None:
            real_write(batch[: len(batch) // 2])
            raise SimulatedCrash("the sink process died in mid-batch")

        monkeypatch.setattr(crashing.sink, "write", write_half_then_die)
        with crashing:
            crashing.start()
            with pytest.raises(SimulatedCrash):
                drain(crashing, lambda: False)
        restarted = self.runner(tmp_path, kafka_bootstrap, kafka_topic, contract_publisher, group)
        with restarted:
            restarted.start()
            drain(restarted, lambda: self.delivered(tmp_path, events))
        assert {event.event_id for event in events} == set(self.read_output(tmp_path))

    def test_flush_comes_before_the_commit(
        self,
        tmp_path: Path,
        kafka_bootstrap: str,
        kafka_topic: str,
        contract_publisher: Publisher,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        events = self.make_events(3)
        self.put(contract_publisher, kafka_topic, events)
        runner = self.runner(tmp_path, kafka_bootstrap, kafka_topic, contract_publisher)
        at_flush: list[Offsets] = []
        real_flush = runner.sink.flush

        def recorded_flush() -> None:
            at_flush.append(runner.committed())
            real_flush()

        monkeypatch.setattr(runner.sink, "flush", recorded_flush)
        with runner:
            runner.start()
            drain(runner, lambda: self.delivered(tmp_path, events))
            after = {
                where: at for where, at in runner.committed().items() if where[0] == kafka_topic
            }
        assert after == {(kafka_topic, 0): len(events)}
        assert at_flush, "flush was never called"
        assert all(offsets.get((kafka_topic, 0)) != len(events) for offsets in at_flush), (
            "committed before the flush"
        )

    def test_an_erasure_notice_is_erased_or_dead_lettered_with_why(
        self,
        tmp_path: Path,
        kafka_bootstrap: str,
        kafka_topic: str,
        contract_publisher: Publisher,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        events = self.make_events(2)
        self.put(contract_publisher, kafka_topic, events)
        runner = self.runner(tmp_path, kafka_bootstrap, kafka_topic, contract_publisher)
        notice = erasure_notice(runner.group_id, events)
        contract_publisher.publish_sync(notice)
        erased: list[PersonErased] = []
        real_erase = runner.sink.erase

        def recorded_erase(given: PersonErased) -> None:
            real_erase(given)
            erased.append(given)

        monkeypatch.setattr(runner.sink, "erase", recorded_erase)
        with runner:
            runner.start()
            drain(runner, lambda: bool(erased) or runner.stats.dead_lettered > 0)
        if erased:
            assert erased == [notice]
            assert not self.holds(tmp_path, events), "erase() left the events in the target"
        else:
            assert_reasons(dead_letters(kafka_bootstrap, [notice.key()]), [notice.key()])

    def holds(self, workdir: Path, events: Sequence[Event]) -> bool:
        """Whether the target still holds any of ``events`` (after ``erase``, it must not).

        The default asks ``read_output``; a sink that keeps delivered ids apart from the
        data (to drop redeliveries) overrides this to look at the data itself.
        """
        return bool({event.event_id for event in events} & set(self.read_output(workdir)))


def erasure_notice(connector: str, events: Sequence[Event]) -> PersonErased:
    """A notice to ``connector`` to erase ``events``, as an erasure sends it."""
    key_id = uuid.uuid4().hex[:16]
    return PersonErased(
        source="onewindow-erasure",
        pseudonym=pseudonym(key_id),
        tombstone=erased_id(key_id),
        connector=connector,
        event_ids=tuple(event.event_id for event in events),
        aggregate_ids=tuple(event.key() for event in events),
    )
