"""``/readyz`` waits for the processors to catch up; ``/metrics`` shows their lag per topic."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from hub.api import Hooks, create_app
from hub.api.lag import LagWatch, processor_groups
from hub.api.testing import running_server
from hub.broker.clients import consumer_config, producer_config
from hub.broker.lag import LagReader
from hub.catalogue import load_catalogue
from hub.db import create_engine_for
from hub.errors import SettingsError
from hub.settings import load_settings
from hub.topics import Topic
from hub.trust.signing import LicenseSealer
from hub.workdays import load_calendar
from projections.app import APP_ID
from projections.processors import build_processors

pytestmark = pytest.mark.integration


def publish(bootstrap: str, topic: str, count: int) -> None:
    producer = Producer(producer_config(bootstrap))
    for number in range(count):
        producer.produce(topic, key=f"case-{number}".encode(), value=b"event")
    assert producer.flush(10) == 0


def process_and_commit(bootstrap: str, group: str, topic: str, count: int) -> None:
    """Read ``count`` messages as a group member and commit them, as the worker does."""
    consumer = Consumer(consumer_config(bootstrap, group))
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, number, 0) for number in partitions])
    taken = 0
    while taken < count:
        taken += len(consumer.consume(count - taken, timeout=5))
    consumer.commit(asynchronous=False)
    consumer.close()


def lag_samples(url: str) -> dict[tuple[str, str], float]:
    text = httpx.get(f"{url}/metrics").text
    families = {family.name: family for family in text_string_to_metric_families(text)}
    return {
        (sample.labels["group"], sample.labels["topic"]): sample.value
        for sample in families["onewindow_consumer_lag"].samples
    }


def test_readyz_is_not_ready_until_the_processors_catch_up(
    kafka_bootstrap: str, kafka_topic_factory: Callable[[int], str], tmp_path: Path
) -> None:
    topic = kafka_topic_factory(3)
    group = f"processors-{uuid.uuid4().hex[:8]}"
    publish(kafka_bootstrap, topic, 6)
    watch = LagWatch(LagReader(kafka_bootstrap), {group: [topic]}, threshold=2, max_age=0.0)
    hooks = Hooks(
        readiness={"processors": watch.check}, gauges={"onewindow_consumer_lag": watch.gauge()}
    )
    app = create_app(load_settings(database_url=f"sqlite:///{tmp_path / 'lag.db'}"), hooks=hooks)
    with running_server(app) as url:
        behind = httpx.get(f"{url}/readyz")
        lag_before = lag_samples(url)
        process_and_commit(kafka_bootstrap, group, topic, 4)
        caught_up = httpx.get(f"{url}/readyz")
        lag_after = lag_samples(url)
    assert behind.status_code == 503
    assert behind.json()["checks"]["processors"] == (
        f"group {group} is 6 messages behind (more than 2): {topic} 6"
    )
    assert lag_before == {(group, topic): 6.0}
    assert caught_up.status_code == 200
    assert caught_up.json()["checks"]["processors"] == "ok"
    assert lag_after == {(group, topic): 2.0}


def test_a_reading_answers_probes_until_it_is_max_age_old(
    kafka_bootstrap: str, kafka_topic: str
) -> None:
    group = f"processors-{uuid.uuid4().hex[:8]}"
    publish(kafka_bootstrap, kafka_topic, 3)
    now = [100.0]
    watch = LagWatch(LagReader(kafka_bootstrap), {group: [kafka_topic]}, 0, 2.0, lambda: now[0])
    assert watch.check() is not None
    process_and_commit(kafka_bootstrap, group, kafka_topic, 3)
    now[0] += 1.9
    assert watch.check() is not None, "a probe within max_age must not ask the broker again"
    now[0] += 0.1
    assert watch.check() is None


def test_an_unreachable_broker_leaves_the_lag_unknown_and_unpublished() -> None:
    watch = LagWatch(LagReader("127.0.0.1:1", timeout=1.0), {APP_ID: [Topic.APPLICATIONS]}, 10)
    problem = watch.check()
    assert problem is not None
    assert problem.startswith("lag unknown: cannot reach Kafka at 127.0.0.1:1")
    assert watch.gauge().read() == {}


def test_a_missing_topic_is_named(kafka_bootstrap: str) -> None:
    watch = LagWatch(LagReader(kafka_bootstrap), {APP_ID: ["onewindow.nowhere"]}, 10)
    assert watch.check() == (
        "lag unknown: cannot read the lag on missing topics ['onewindow.nowhere']"
    )


def test_the_processors_group_covers_every_topic_a_processor_reads(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    engine = create_engine_for(f"sqlite:///{tmp_path / 'p.db'}")
    processors = [
        *build_processors(engine, load_catalogue(), load_calendar()),
        LicenseSealer.from_settings(settings, engine),
    ]
    [(group, topics)] = processor_groups().items()
    assert group == APP_ID
    assert {str(topic) for p in processors for topic in p.topics} <= set(topics)
    engine.dispose()


def test_a_negative_lag_threshold_is_refused_naming_the_setting() -> None:
    with pytest.raises(SettingsError, match="ONEWINDOW_API__MAX_PROCESSOR_LAG"):
        load_settings(api={"max_processor_lag": -1})
