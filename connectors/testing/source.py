"""``SourceContract``: the tests every source passes, against a real broker.

Subclass it in your connector's tests and implement the two hooks; pytest runs the
inherited tests for your source::

    class TestMySource(SourceContract):
        def make_connector(self, workdir: Path) -> tuple[Source[Any], dict[str, Any]]:
            return MySource(), {"folder": str(workdir)}

        def produce_input(self, workdir: Path, good: int, bad: int) -> Produced:
            ...  # make the input appear; say which keys the events and dead letters have
"""

from __future__ import annotations

import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from connectors.base import Source, SourceConfig
from connectors.config import load_config
from connectors.running.source import EventPublisher, SourceRunner
from connectors.testing.support import (
    CrashingPublisher,
    SimulatedCrash,
    assert_config_is_checked,
    assert_reasons,
    dead_letters,
    read_back,
    registry,
)
from hub.consuming import RawMessage
from hub.events import Event
from hub.publisher import Publisher
from hub.serde import Deserializer, Serializer


@dataclass(frozen=True)
class Produced:
    """What ``produce_input`` made: the topic and keys of its events, the keys of bad input."""

    topic: str
    keys: Sequence[str]
    bad_keys: Sequence[str] = field(default_factory=tuple)


class SourceContract(ABC):
    """The contract of a source; subclasses override only the two hooks."""

    @abstractmethod
    def make_connector(self, workdir: Path) -> tuple[Source[Any], dict[str, Any]]:
        """A new source and its raw config; called again on the same ``workdir`` to restart."""

    @abstractmethod
    def produce_input(self, workdir: Path, good: int, bad: int) -> Produced:
        """Make ``good`` valid inputs (one event each, unique keys) and ``bad`` invalid ones."""

    @pytest.fixture
    def contract_publisher(self, kafka_bootstrap: str) -> Iterator[Publisher]:
        """A real publisher on the test broker."""
        with Publisher(kafka_bootstrap, Serializer(registry())) as publisher:
            yield publisher

    def runner(self, workdir: Path, publisher: EventPublisher) -> SourceRunner:
        """A runner of a new source from ``make_connector``."""
        source, raw = self.make_connector(workdir)
        config = load_config(source.config_model, raw)
        assert isinstance(config, SourceConfig)
        name = f"contract-{uuid.uuid4().hex[:8]}"
        return SourceRunner(source, config, publisher, Serializer(registry()), name)

    def test_a_bad_config_is_refused_naming_the_field(self, tmp_path: Path) -> None:
        source, raw = self.make_connector(tmp_path)
        assert_config_is_checked(source.config_model, raw)

    def test_start_and_stop_are_idempotent(
        self, tmp_path: Path, contract_publisher: Publisher
    ) -> None:
        runner = self.runner(tmp_path, contract_publisher)
        runner.start()
        runner.start()
        runner.step()
        runner.close()
        runner.close()
        runner.start()
        runner.step()
        runner.close()

    def import_input(
        self, workdir: Path, bootstrap: str, publisher: Publisher, good: int, bad: int
    ) -> tuple[Produced, list[RawMessage]]:
        """Run a source once over new input; every good key must have arrived."""
        runner = self.runner(workdir, publisher)
        produced = self.produce_input(workdir, good=good, bad=bad)
        runner.run(threading.Event(), once=True)
        messages = read_back(bootstrap, produced.topic, produced.keys)
        assert {message.key_text for message in messages} == set(produced.keys)
        return produced, messages

    def test_events_flow_end_to_end(
        self, tmp_path: Path, kafka_bootstrap: str, contract_publisher: Publisher
    ) -> None:
        _, messages = self.import_input(tmp_path, kafka_bootstrap, contract_publisher, 3, 0)
        deserializer = Deserializer(registry())
        for message in messages:
            assert message.value is not None
            event = deserializer.decode(message.value).to_event()
            assert message.header("ce_id") == event.event_id
            assert event.key() == message.key_text

    def test_bad_input_is_dead_lettered_with_its_reason_and_nothing_is_lost(
        self, tmp_path: Path, kafka_bootstrap: str, contract_publisher: Publisher
    ) -> None:
        produced, _ = self.import_input(tmp_path, kafka_bootstrap, contract_publisher, 2, 2)
        assert_reasons(dead_letters(kafka_bootstrap, produced.bad_keys), produced.bad_keys)

    def test_a_crash_in_mid_batch_loses_nothing_after_restart(
        self, tmp_path: Path, kafka_bootstrap: str, contract_publisher: Publisher
    ) -> None:
        crashing = self.runner(tmp_path, CrashingPublisher(contract_publisher, crash_after=3))
        produced = self.produce_input(tmp_path, good=6, bad=0)
        with pytest.raises(SimulatedCrash):
            crashing.run(threading.Event(), once=True)
        contract_publisher.flush()
        self.runner(tmp_path, contract_publisher).run(threading.Event(), once=True)
        messages = read_back(kafka_bootstrap, produced.topic, produced.keys)
        ids: dict[str | None, set[str | None]] = {}
        for message in messages:
            ids.setdefault(message.key_text, set()).add(message.header("ce_id"))
        assert set(ids) == set(produced.keys), "an event was lost in the crash"
        assert all(len(found) == 1 for found in ids.values()), f"ids not stable: {ids}"

    def test_commit_comes_only_after_the_broker_confirmed(
        self, tmp_path: Path, contract_publisher: Publisher, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        runner = self.runner(tmp_path, contract_publisher)
        produced = self.produce_input(tmp_path, good=3, bad=1)
        commits: list[bool] = []
        real_commit = runner.source.commit

        def checked_commit(events: Sequence[Event]) -> None:
            sent = runner.in_flight
            commits.append(all(f.done() and f.exception() is None for f in sent))
            real_commit(events)

        monkeypatch.setattr(runner.source, "commit", checked_commit)
        runner.run(threading.Event(), once=True)
        assert commits, f"commit was never called for {produced}"
        assert all(commits), "commit was called before the broker confirmed every message"
