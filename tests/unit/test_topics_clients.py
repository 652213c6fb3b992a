"""Client configurations: the delivery guarantees every producer and consumer starts from."""

from __future__ import annotations

import asyncio

import faust
from pydantic import SecretStr

from hub.broker.clients import consumer_config, producer_config
from hub.broker.streams import faust_app_config, faust_broker_urls
from hub.broker.transport import FETCH_MAX_WAIT_MS, Transport
from hub.settings import KafkaSettings


def test_producers_are_idempotent_and_wait_for_all_replicas() -> None:
    config = producer_config("k1:9092", **{"linger.ms": 0})
    assert config["enable.idempotence"] is True
    assert config["acks"] == "all"
    assert config["linger.ms"] == 0
    assert config["topic.metadata.refresh.interval.ms"] <= 10000


def test_consumers_commit_only_what_they_processed() -> None:
    config = consumer_config("k1:9092", "dispatch")
    assert (config["group.id"], config["enable.auto.commit"]) == ("dispatch", False)
    assert config["auto.offset.reset"] == "earliest"


def test_hub_settings_carry_the_credentials_into_the_client() -> None:
    kafka = KafkaSettings(
        bootstrap_servers="k1:9093",
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="hub",
        sasl_password=SecretStr("secret"),
    )
    config = producer_config(kafka)
    assert (config["bootstrap.servers"], config["sasl.password"]) == ("k1:9093", "secret")


def test_faust_never_declares_topics_and_gets_one_url_per_broker() -> None:
    config = faust_app_config("k1:9092, k2:9092", topic_partitions=6, web_enabled=True)
    assert faust_broker_urls("k1:9092, k2:9092") == ["onewindow://k1:9092", "onewindow://k2:9092"]
    assert config["broker"] == ["onewindow://k1:9092", "onewindow://k2:9092"]
    assert (config["topic_allow_declare"], config["topic_partitions"]) == (False, 6)
    assert (config["processing_guarantee"], config["web_enabled"]) == ("at_least_once", True)


def test_faust_workers_hold_a_fetch_for_idle_partitions_briefly() -> None:
    # faust's own consumer waits 1.5 s, holding back partitions that have records.
    app = faust.App("fetch-wait", **faust_app_config("k1:9092", topic_partitions=1))
    thread = app.consumer._thread

    async def fetch_wait() -> int:
        consumer = thread._create_worker_consumer(app.transport)
        await consumer.stop()  # never started: nothing to close but the object
        return int(consumer._fetch_max_wait_ms)

    try:
        assert isinstance(app.transport, Transport)
        assert asyncio.run(fetch_wait()) == FETCH_MAX_WAIT_MS <= 100
    finally:  # the loops the app and the consumer's thread made on first use
        thread.thread_loop.close()
        app.loop.close()
