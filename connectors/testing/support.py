"""What both contracts need: the schema registry, reading topics back, and simulated crashes."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from typing import Any

import pytest

from connectors.base import ConnectorConfig
from connectors.config import load_config
from connectors.running.loop import Runner
from hub.consuming import RawMessage, read_topic
from hub.deadletter import ERROR_REASON
from hub.errors import SettingsError
from hub.events import Event
from hub.publisher import Delivery, Publisher
from hub.registry import EmbeddedRegistry
from hub.topics import Topic

READ_IDLE = 1.0


class SimulatedCrash(Exception):  # noqa: N818 - named for what it stands for, not a hub error
    """Raised where a real process would die; no runner catches it."""


@functools.cache
def registry() -> EmbeddedRegistry:
    """One in-memory registry per test process: the same ids as every fresh hub."""
    return EmbeddedRegistry()


def read_back(bootstrap: str, topic: str, keys: Iterable[str]) -> list[RawMessage]:
    """Every message of ``topic`` whose key is one of ``keys``, from the beginning."""
    wanted = set(keys)
    messages = read_topic(bootstrap, topic, idle_timeout=READ_IDLE)
    return [message for message in messages if message.key_text in wanted]


def dead_letters(bootstrap: str, keys: Iterable[str]) -> list[RawMessage]:
    """The dead letters keyed by one of ``keys``."""
    return read_back(bootstrap, Topic.DEADLETTER, keys)


def assert_reasons(letters: Sequence[RawMessage], keys: Iterable[str]) -> None:
    """Every key has at least one dead letter, and each says why."""
    assert {letter.key_text for letter in letters} >= set(keys), "a bad input was lost"
    for letter in letters:
        assert letter.header(ERROR_REASON), f"dead letter {letter.key_text!r} has no reason"


def assert_config_is_checked(model: type[ConnectorConfig], raw: dict[str, Any]) -> None:
    """The good config passes; an unknown key or a missing required one is named."""
    load_config(model, raw)
    with pytest.raises(SettingsError, match="not_a_setting"):
        load_config(model, raw | {"not_a_setting": 1})
    for name, field in model.model_fields.items():
        if field.is_required():
            without = {key: value for key, value in raw.items() if key != name}
            with pytest.raises(SettingsError, match=name):
                load_config(model, without)


def drain(runner: Runner, done: Callable[[], bool], timeout: float = 30.0) -> None:
    """Step ``runner`` until ``done()`` (a consumer group needs a moment to get partitions)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"{runner.name}: gave up after {timeout:g}s; {runner.stats}")
        runner.step()


class CrashingPublisher:
    """The real publisher, until the ``crash_after``-th message, where the process 'dies'."""

    def __init__(self, publisher: Publisher, crash_after: int) -> None:
        self._publisher, self._left = publisher, crash_after

    def publish(self, event: Event) -> Future[Delivery]:
        """Publish, or crash once the allowance is spent."""
        self._spend()
        return self._publisher.publish(event)

    def publish_raw(
        self,
        topic: str,
        key: str | bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] | None = None,
    ) -> Future[Delivery]:
        """Publish raw bytes, or crash once the allowance is spent."""
        self._spend()
        return self._publisher.publish_raw(topic, key, value, headers)

    def flush(self, timeout: float = 30.0) -> int:
        """Flush the real publisher."""
        return self._publisher.flush(timeout)

    def _spend(self) -> None:
        if self._left <= 0:
            raise SimulatedCrash("the connector process died in mid-batch")
        self._left -= 1
